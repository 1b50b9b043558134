// `goroscope trend SOURCE…`: goroutine and memory trend, leak verdict, time to threshold, before/after comparison.
import { writeFile } from 'node:fs/promises';
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { OutputError } from '../errors.js';
import { resolveThresholds } from '../config.js';
import { requireDuration } from '../time.js';
import { compareTrends, trendOf, type Comparison, type Series, type TrendResult } from '../analyze/trend.js';
import { renderTrendText, trendJson } from '../report/trend.js';
import { renderTrendHtml } from '../report/html.js';
import { write } from '../cli/output.js';
import { readBundleSuspects, readInput } from './analysis-input.js';

export interface TrendOptions {
  since?: string;
  until?: string;
  baseline?: string;
  baselineSince?: string;
  baselineUntil?: string;
  json?: boolean;
  html?: string;
  assumeMonitor?: boolean;
  monitorInterval?: string;
  warning?: string;
  critical?: string;
  emergency?: string;
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

export async function run(sources: string[], opts: TrendOptions, ctx: CommandContext): Promise<void> {
  const thresholds = resolveThresholds(opts, ctx.env, ctx.config);
  const tickMs = requireDuration('--monitor-interval', opts.monitorInterval ?? '30s');
  const seriesOpts = { thresholds, assumeMonitor: opts.assumeMonitor === true, tickMs };
  if (opts.html !== undefined) checkWritable(opts.html);
  const input = await readInput(sources, { since: opts.since, until: opts.until }, ctx);
  const cur = trendOf(input.events, seriesOpts);
  let baseline: { result: TrendResult; series: Series; comparison: Comparison; label: string } | null = null;
  if (opts.baseline !== undefined) {
    const b = await readInput([opts.baseline], { since: opts.baselineSince, until: opts.baselineUntil }, ctx);
    const bt = trendOf(b.events, seriesOpts);
    baseline = { result: bt.result, series: bt.series, comparison: compareTrends(bt.result, cur.result), label: opts.baseline };
  }
  const suspects = await readBundleSuspects(input.sources);
  const label = input.sources.map((s) => s.name).join(', ');
  if (opts.html !== undefined) {
    await writeReportFile(opts.html, renderTrendHtml(cur.result, cur.series, { lang: ctx.lang, tz: ctx.tz, sources: label, baseline }));
  }
  if (opts.json) {
    await write(ctx.stdout, `${JSON.stringify(trendJson(cur.result, baseline, suspects), null, 2)}\n`);
    return;
  }
  const width = Math.max(40, Math.min(100, (ctx.stdout.columns ?? 100) - 30));
  await write(ctx.stdout, renderTrendText(cur.result, cur.series, { lang: ctx.lang, tz: ctx.tz, color: ctx.color, width, baseline, suspects }));
  if (opts.html !== undefined) await write(ctx.stderr, `wrote ${opts.html}\n`);
}
