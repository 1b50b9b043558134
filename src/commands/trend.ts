// `goroscope trend SOURCE…`: goroutine and memory trend, leak verdict, time to threshold, before/after comparison.
import type { ThresholdFlags } from '../cli/options.js';
import { writeFile } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { EXIT, OutputError } from '../errors.js';
import { resolveThresholds } from '../config.js';
import { requireDuration } from '../time.js';
import { SeriesBuilder, type Series, type SeriesOptions } from '../analyze/series.js';
import { analyzeTrend, compareTrends, type Comparison, type TrendResult } from '../analyze/rules.js';
import { renderTrendText, trendJson } from '../report/trend.js';
import { renderTrendHtml } from '../report/html.js';
import { write } from '../cli/output.js';
import { dockerRestartCounts, readAnalysis, readBundleSuspects, type ReadOptions } from '../sources/analysis.js';

export interface TrendOptions extends ThresholdFlags {
  since?: string;
  until?: string;
  baseline?: string;
  baselineSince?: string;
  baselineUntil?: string;
  json?: boolean;
  html?: string;
  assumeMonitor?: boolean;
  monitorInterval?: string;
}

/** Fail before reading any input when the report file cannot be created there. */
export function checkWritable(path: string): void {
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OutputError('cannot write the report', path, code === 'ENOENT' ? 'the folder does not exist' : code, { cause: err });
  }
}

export async function writeReportFile(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OutputError('cannot write the report', path, code === 'ENOENT' ? 'the folder does not exist' : code, { cause: err });
  }
}

/** What trend, channels and review hand the reader: the command's context as plain options. */
export async function readOptions(ctx: CommandContext): Promise<ReadOptions> {
  const { hostDownLine, incompleteLine, parseMaxStreams } = await import('../sources/fleet.js');
  return {
    tz: ctx.tz,
    now: ctx.now(),
    hosts: ctx.globals.host,
    maxStreams: parseMaxStreams(ctx.globals.maxStreams),
    signal: ctx.signal,
    via: ctx.via,
    // Several hosts: one that cannot be reached is skipped with a warning (docs/sources.md "fleet").
    onHostDown: (host, err) => ctx.stderr.write(hostDownLine(host, err)),
    // A source whose stream stalled: analysed as far as it came, marked, exit 75 (docs/faults.md).
    onIncomplete: (info) => {
      ctx.stderr.write(incompleteLine(info));
      process.exitCode = EXIT.INCOMPLETE;
    },
  };
}

/** `--monitor-interval` as an override of the detected period; undefined when not given. */
export function monitorInterval(text: string | undefined): number | undefined {
  return text === undefined ? undefined : requireDuration('--monitor-interval', text);
}

async function trendOfSources(specs: string[], window: { since?: string; until?: string }, opts: SeriesOptions, ro: ReadOptions) {
  const input = await readAnalysis(specs, window, ro, () => new SeriesBuilder(opts));
  return { input, series: input.result, result: analyzeTrend(input.result, opts.thresholds) };
}

export async function run(sources: string[], opts: TrendOptions, ctx: CommandContext): Promise<void> {
  const thresholds = resolveThresholds(opts, ctx.env, ctx.config);
  const seriesOpts: SeriesOptions = { thresholds, assumeMonitor: opts.assumeMonitor === true, tickMs: monitorInterval(opts.monitorInterval) };
  if (opts.html !== undefined) checkWritable(opts.html);
  const ro = await readOptions(ctx);
  const cur = await trendOfSources(sources, { since: opts.since, until: opts.until }, seriesOpts, ro);
  const dockerOpts = { host: ctx.globals.host?.[0], signal: ctx.signal };
  const docker = await dockerRestartCounts(cur.input.sources, dockerOpts);
  // one container: its count stands beside the log's restarts (several: per name in --json only)
  const one = (m: ReadonlyMap<string, number>) => (m.size === 1 ? [...m.values()][0]! : null);
  const dockerRestarts = one(docker);
  let baseline: { result: TrendResult; series: Series; comparison: Comparison; label: string } | null = null;
  if (opts.baseline !== undefined) {
    const b = await trendOfSources([opts.baseline], { since: opts.baselineSince, until: opts.baselineUntil }, seriesOpts, ro);
    const bDocker = one(await dockerRestartCounts(b.input.sources, dockerOpts));
    baseline = { result: b.result, series: b.series, comparison: compareTrends(b.result, cur.result, { baseline: bDocker, current: dockerRestarts }), label: opts.baseline };
  }
  const suspects = await readBundleSuspects(cur.input.sources);
  const label = cur.input.sources.map((s) => s.name).join(', ');
  if (opts.html !== undefined) {
    await writeReportFile(opts.html, renderTrendHtml(cur.result, cur.series, { lang: ctx.lang, tz: ctx.tz, sources: label, baseline, dockerRestarts }));
  }
  if (opts.json) {
    await write(ctx.stdout, `${JSON.stringify(trendJson(cur.result, baseline, suspects, docker), null, 2)}\n`);
    return;
  }
  const width = Math.max(40, Math.min(100, (ctx.stdout.columns ?? 100) - 30));
  await write(ctx.stdout, renderTrendText(cur.result, cur.series, { lang: ctx.lang, tz: ctx.tz, color: ctx.color, width, baseline, suspects, dockerRestarts }));
  if (opts.html !== undefined) await write(ctx.stderr, `wrote ${opts.html}\n`);
}
