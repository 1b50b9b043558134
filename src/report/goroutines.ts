// What `goroscope goroutines` prints as text (docs/goroutines.md): one dump's stack groups, or two dumps compared into
// leak suspects with the later dump's groups below. Pure functions of the parsed dumps; the language is passed in.
import { fmt, type Lang, type Messages } from '../i18n.js';
import { formatSeconds, type DumpComparison, type GoroutineDump, type GoroutineGroup } from '../analyze/goroutines.js';
import { textTable } from './text.js';

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

/** The line on a terminal's stderr while `--interval` waits for the second sample. */
export function samplingLine(interval: string, lang: Lang): string {
  return fmt(M[lang].sampling, { interval }) + '\n';
}

function groupRows(groups: GoroutineGroup[]): string[][] {
  return groups.map((g) => [String(g.count), g.state ?? '-', g.maxWaitMinutes ? `${g.maxWaitMinutes}m` : '', g.top, g.createdBy ?? '-']);
}

/** One dump: its total, then its largest stack groups (`top` of them) as a table. */
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

/** Two dumps: the totals, the groups that grew (leak suspects, where the first one waits), then the later dump. */
export function renderDumpComparison(c: DumpComparison, later: GoroutineDump, top: number, lang: Lang): string {
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
