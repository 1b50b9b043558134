// `goroscope scan SOURCE…`: validate the flags, run the pipeline, render events as a table, JSON lines,
// or one summary object (docs/scan.md).
import type { CommandContext } from '../cli/context.js';
import { KINDS, type GEvent, type Kind } from '../events.js';
import { EXIT, UsageError } from '../errors.js';
import { parseTimeArg } from '../time.js';
import { runPipeline } from '../pipeline.js';
import { SummaryBuilder } from '../analyze/summary.js';
import { tableHeader, tableRow } from '../report/table.js';
import { eventLine } from '../report/jsonl.js';
import { summaryFooter, summaryJson } from '../report/summary.js';
import { BufferedOutput } from '../report/buffered.js';
import { hostDownLine, incompleteLine, parseMaxStreams } from '../sources/fleet-text.js';

export interface ScanOptions {
  kind?: string[];
  since?: string;
  until?: string;
  tail?: string;
  follow?: boolean;
  jsonl?: boolean;
  json?: boolean;
  /** Hidden: byte ranges scanned at once for `--json` over one big plain file (1 = sequential). */
  workers?: string;
}

/** `relay_error,timeout` (and repeated flags) → a set of kinds; a UsageError listing the kinds otherwise. */
export function parseKinds(values: string[] | undefined): ReadonlySet<Kind> | undefined {
  if (!values || values.length === 0) return undefined;
  const kinds = new Set<Kind>();
  for (const v of values.flatMap((x) => x.split(','))) {
    const k = v.trim();
    if (k === '') continue;
    if (!(KINDS as readonly string[]).includes(k)) throw new UsageError('unknown event kind', k, `kinds: ${KINDS.join(', ')}`);
    kinds.add(k as Kind);
  }
  if (kinds.size === 0) throw new UsageError('--kind needs at least one kind', values.join(','), `kinds: ${KINDS.join(', ')}`);
  return kinds;
}

/** Hidden `--workers N`: a number from 1 to 64 (checked before anything is read); undefined = the default. */
function parseWorkersOpt(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 64) throw new UsageError('--workers takes a number from 1 to 64', text);
  return Number(text);
}

/** `--tail 500` → 500; `all` → undefined. */
export function parseTail(text: string | undefined): number | undefined {
  if (text === undefined || text === 'all') return undefined;
  if (!/^\d+$/.test(text.trim())) throw new UsageError('--tail takes a number of lines or "all"', text, 'example: --tail 1000');
  return Number(text.trim());
}

export async function run(sources: string[], opts: ScanOptions, ctx: CommandContext): Promise<void> {
  if (opts.json && opts.jsonl) throw new UsageError('--json and --jsonl cannot be combined', '--json --jsonl', 'pick --jsonl for events or --json for the summary');
  const kinds = parseKinds(opts.kind);
  const now = ctx.now();
  const since = opts.since !== undefined ? parseTimeArg('--since', opts.since, now, ctx.tz) : undefined;
  const until = opts.until !== undefined ? parseTimeArg('--until', opts.until, now, ctx.tz) : undefined;
  if (since !== undefined && until !== undefined && since > until) {
    throw new UsageError('--since is later than --until', `${new Date(since).toISOString()} > ${new Date(until).toISOString()}`);
  }
  const tail = parseTail(opts.tail);
  const maxStreams = parseMaxStreams(ctx.globals.maxStreams);
  const workers = parseWorkersOpt(opts.workers);
  const mode = opts.json ? 'json' : opts.jsonl ? 'jsonl' : 'table';
  if (opts.follow) ctx.endsOnSignal(); // Ctrl-C is how --follow ends (exit 0)

  // stdout itself is written synchronously, so a slow reader holds the pipeline back instead of filling memory.
  const out = new BufferedOutput(ctx.stdout, ctx.stdout === process.stdout ? 1 : undefined);
  const summary = new SummaryBuilder();
  const c = ctx.color;
  // The header waits for the first event, so a source that fails to open leaves stdout empty.
  let headed = false;
  const onEvent =
    mode === 'json'
      ? (e: GEvent) => summary.add(e)
      : mode === 'jsonl'
        ? (e: GEvent) => {
            summary.add(e);
            return out.push(eventLine(e));
          }
        : (e: GEvent) => {
            summary.add(e);
            if (!headed) {
              headed = true;
              out.push(tableHeader(c));
            }
            return out.push(tableRow(e, c));
          };

  // `--json` over one big plain file: both cores (src/commands/scan-parallel.ts); null when that does not apply.
  const parallel =
    mode === 'json' && sources.length === 1 && !opts.follow && since === undefined && until === undefined
      ? await (await import('./scan-parallel.js')).scanParallel(sources[0]!, workers, {
          kinds,
          tz: ctx.tz,
          signal: ctx.signal,
          env: ctx.env as NodeJS.ProcessEnv,
          trace: (line) => ctx.stderr.write(line),
        })
      : null;
  // A source whose lines may be missing (a stalled stream, a file that shrank; docs/faults.md): the output is kept and
  // marked, the exit code is 75.
  const onIncomplete = (info: { name: string; incomplete?: string }) => {
    ctx.stderr.write(incompleteLine(info));
    process.exitCode = EXIT.INCOMPLETE;
  };
  if (parallel) {
    summary.merge(parallel.builder);
    for (const s of parallel.stats.sources) if (s.incomplete !== undefined) onIncomplete(s);
  }
  const stats = parallel
    ? parallel.stats
    : await runPipeline(
        sources,
        {
          since,
          until,
          tail,
          follow: opts.follow ?? false,
          kinds,
          tz: ctx.tz,
          hosts: ctx.globals.host,
          signal: ctx.signal,
          maxStreams,
          via: ctx.via,
          // Table and JSON lines are read in order: several sources are merged by time (docs/sources.md).
          ordered: mode !== 'json',
          onHostDown: (host, err) => ctx.stderr.write(hostDownLine(host, err)),
          onIncomplete,
        },
        onEvent,
      );
  const result = { ...summary.finish(stats), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  if (mode === 'json') out.push(summaryJson(result));
  await out.end();
  if (mode === 'table' && ctx.stderr.isTTY) ctx.stderr.write(summaryFooter(result, c));
  // Without --follow a signal cut the scan short: the output so far is kept, the exit code says so (130 / 143).
}
