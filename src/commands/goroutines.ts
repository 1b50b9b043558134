// `goroscope goroutines SOURCE [--compare SOURCE] [--interval 60s] [--json]`: a goroutine dump grouped by stack, or two
// dumps compared into leak suspects. SOURCE: a pprof URL (or http://host:port), a dump file, `-`, a bundle.
import type { CommandContext } from '../cli/context.js';
import { readTimeout } from '../cli/options.js';
import { DataError, GoroscopeError, UsageError } from '../errors.js';
import { fmt, type Lang, type Messages } from '../i18n.js';
import { requireDuration, sleep } from '../time.js';
import { write } from '../cli/output.js';
import { textTable } from '../report/text.js';
import {
  compareDumps,
  dumpJson,
  formatSeconds,
  groupDump,
  parseDump,
  type DumpComparison,
  type GoroutineDump,
  type GoroutineGroup,
} from '../analyze/goroutines.js';
import { fetchDump, isUrl, pprofUrl, readDumpSource, type DumpText } from '../sources/pprof.js';

export interface GoroutinesOptions {
  compare?: string;
  interval?: string;
  json?: boolean;
  top?: string;
  timeout?: string;
}

type Key = 'total' | 'totalCompare' | 'suspects' | 'noSuspects' | 'flat' | 'later' | 'more' | 'head' | 'suspectHead' | 'at' | 'sampling';
const M: Messages<Key> = {
  en: {
    total: 'goroutines: {total} in {groups} stack groups ({format})',
    totalCompare: 'goroutines: {before} → {after} ({delta}{span})',
    suspects: 'leak suspects (stack groups that grew):',
    noSuspects: 'no stack group grew between the two dumps',
    flat: 'the total did not grow: these groups changed places, which is not a leak by itself',
    later: 'the later dump:',
    more: '… {n} more groups (--top N, or --json for all)',
    head: 'COUNT|STATE|WAIT|FUNCTION|CREATED BY',
    suspectHead: 'GROWTH|BEFORE|AFTER|PER MIN|FUNCTION|CREATED BY',
    at: 'at',
    sampling: 'second sample in {interval} …',
  },
  zh: {
    total: 'goroutine：共 {total} 个，{groups} 组调用栈（{format}）',
    totalCompare: 'goroutine：{before} → {after}（{delta}{span}）',
    suspects: '泄漏嫌疑（增长的调用栈组）：',
    noSuspects: '两次转储之间没有调用栈组增长',
    flat: '总数没有增长：这些组只是此消彼长，本身不构成泄漏',
    later: '后一次转储：',
    more: '… 另有 {n} 组（--top N，或 --json 查看全部）',
    head: '数量|状态|等待|函数|创建者',
    suspectHead: '增长|之前|之后|每分钟|函数|创建者',
    at: '位于',
    sampling: '{interval} 后采第二次 …',
  },
};

function parseLabelled(d: DumpText): GoroutineDump {
  try {
    return parseDump(d.text);
  } catch (err) {
    if (err instanceof DataError) throw new DataError(err.message, d.label, err.hint);
    throw err;
  }
}

export async function run(source: string, opts: GoroutinesOptions, ctx: CommandContext): Promise<void> {
  const intervalMs = opts.interval !== undefined ? requireDuration('--interval', opts.interval) : null;
  const timeoutMs = readTimeout(opts.timeout, 15_000);
  let top = 15;
  if (opts.top !== undefined) {
    top = Number(opts.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError('--top takes a whole number ≥ 1', opts.top);
  }
  if (intervalMs !== null && opts.compare === undefined && !isUrl(source)) {
    throw new UsageError('--interval needs a URL SOURCE (two samples that far apart) or --compare (how far apart the dumps were)', opts.interval);
  }
  const fetchOpts = { timeoutMs, signal: ctx.signal };

  let before: DumpText;
  let after: DumpText | null = null;
  let secondsApart: number | null = null;
  if (opts.compare !== undefined) {
    const [a, b] = await Promise.all([readDumpSource(source, fetchOpts), readDumpSource(opts.compare, fetchOpts)]);
    before = a.dumps[0]!;
    after = b.dumps[b.dumps.length - 1]!;
    secondsApart = intervalMs !== null ? intervalMs / 1000 : null;
  } else if (intervalMs !== null) {
    const url = pprofUrl(source);
    const t0 = ctx.now();
    before = { label: url, text: await fetchDump(url, fetchOpts) };
    parseLabelled(before); // fail now, not after the wait
    if (!opts.json && ctx.stderr.isTTY) await write(ctx.stderr, fmt(M[ctx.lang].sampling, { interval: opts.interval! }) + '\n');
    if (!(await sleep(intervalMs - (ctx.now() - t0), ctx.signal))) throw ctx.signal.reason as GoroscopeError;
    const t1 = ctx.now();
    after = { label: url, text: await fetchDump(url, fetchOpts) };
    secondsApart = (t1 - t0) / 1000;
  } else {
    const s = await readDumpSource(source, fetchOpts);
    before = s.dumps[0]!;
    if (s.dumps.length >= 2) {
      after = s.dumps[s.dumps.length - 1]!;
      secondsApart = s.secondsApart;
    }
  }

  const a = parseLabelled(before);
  if (after === null) {
    const groups = groupDump(a);
    await write(ctx.stdout, opts.json ? JSON.stringify(dumpJson(a.total, groups), null, 2) + '\n' : renderDump(a, groups, top, ctx.lang));
    return;
  }
  const b = parseLabelled(after);
  const c = compareDumps(a, b, secondsApart);
  await write(ctx.stdout, opts.json ? JSON.stringify(dumpJson(b.total, c.groups, c), null, 2) + '\n' : renderComparison(c, b, top, ctx.lang));
}



function groupRows(groups: GoroutineGroup[]): string[][] {
  return groups.map((g) => [String(g.count), g.state ?? '-', g.maxWaitMinutes ? `${g.maxWaitMinutes}m` : '', g.top, g.createdBy ?? '-']);
}

export function renderDump(d: GoroutineDump, groups: GoroutineGroup[], top: number, lang: Lang): string {
  const m = M[lang];
  let out = fmt(m.total, { total: d.total, groups: groups.length, format: d.format }) + '\n\n';
  out += textTable(m.head.split('|'), groupRows(groups.slice(0, top)), { indent: '  ', right: new Set([0]) });
  if (groups.length > top) out += fmt(m.more, { n: groups.length - top }) + '\n';
  return out;
}

/** Where a suspect waits: its first own frame (`main.leakyRelay goroscope.test/simulator/sim.go:39`). */
function where(g: GoroutineGroup | undefined): string | null {
  const f = g?.frames.find((x) => x.func === g.top) ?? g?.frames[0];
  return f && f.file ? `${f.func} (${f.file})` : null;
}

export function renderComparison(c: DumpComparison, later: GoroutineDump, top: number, lang: Lang): string {
  const m = M[lang];
  const delta = c.totalAfter - c.totalBefore;
  let out = fmt(m.totalCompare, { before: c.totalBefore, after: c.totalAfter, delta: `${delta >= 0 ? '+' : ''}${delta}`, span: c.secondsApart != null ? (lang === 'zh' ? `，${formatSeconds(c.secondsApart)}` : ` in ${formatSeconds(c.secondsApart)}`) : '' }) + '\n\n';
  if (c.suspects.length === 0) out += m.noSuspects + '\n';
  else {
    if (delta <= 0) out += m.flat + '\n';
    out += m.suspects + '\n';
    const bySig = new Map(c.groups.map((g) => [g.signature, g]));
    const shown = c.suspects.slice(0, top);
    out += textTable(
      m.suspectHead.split('|'),
      shown.map((s) => [`+${s.growth}`, String(s.before), String(s.after), s.perMinute === null ? '-' : String(s.perMinute), s.top, s.createdBy ?? '-']),
      { indent: '  ', right: new Set([0, 1, 2, 3]) },
    );
    const first = shown[0] ? where(bySig.get(shown[0].signature)) : null;
    if (first) out += `  ${m.at} ${first}\n`;
    if (c.suspects.length > top) out += fmt(m.more, { n: c.suspects.length - top }) + '\n';
  }
  out += '\n' + m.later + '\n' + renderDump(later, c.groups, top, lang);
  return out;
}
