// `goroscope goroutines SOURCE [--compare SOURCE] [--interval 60s] [--json]`: a goroutine dump grouped by stack, or two
// dumps compared into leak suspects. SOURCE: a pprof URL (or http://host:port), a dump file, `-`, a bundle.
import type { CommandContext } from '../cli/context.js';
import { readTimeout } from '../cli/options.js';
import { DataError, GoroscopeError, UsageError } from '../errors.js';
import { requireDuration, sleep } from '../time.js';
import { write } from '../cli/output.js';
import { renderDump, renderDumpComparison, samplingLine } from '../report/goroutines.js';
import { compareDumps, dumpJson, groupDump, parseDump, type GoroutineDump } from '../analyze/goroutines.js';
import { fetchDump, isUrl, pprofUrl, readDumpSource, type DumpText } from '../sources/pprof.js';

export interface GoroutinesOptions {
  compare?: string;
  interval?: string;
  json?: boolean;
  top?: string;
  timeout?: string;
}

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
    if (!opts.json && ctx.stderr.isTTY) await write(ctx.stderr, samplingLine(opts.interval!, ctx.lang));
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
  await write(ctx.stdout, opts.json ? JSON.stringify(dumpJson(b.total, c.groups, c), null, 2) + '\n' : renderDumpComparison(c, b, top, ctx.lang));
}
