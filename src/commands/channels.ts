// `goroscope channels SOURCE…`: channels ranked by relay errors in a window (the whole input, `--around TIME`, or the
// window leading into the largest spike), each compared with its own rate in the rest of the time the input covers.
import type { ThresholdFlags } from '../cli/options.js';
import type { CommandContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { resolveThresholds } from '../config.js';
import { parseDuration, parseTimeArg, requireDuration } from '../time.js';
import { Analysis } from '../analyze/analysis.js';
import { aroundWindow, channelReport, wholeWindow, type Window } from '../analyze/channels.js';
import { spikeWindow } from '../analyze/spike.js';
import { renderChannelsText, channelsJson } from '../report/channels.js';
import { write } from '../cli/output.js';
import { isSavedText, readAnalysis } from '../sources/analysis.js';
import { monitorInterval, readOptions } from './trend.js';

export interface ChannelsOptions extends ThresholdFlags {
  since?: string;
  until?: string;
  around?: string;
  window?: string;
  spike?: boolean;
  monitorInterval?: string;
  json?: boolean;
}

export async function run(sources: string[], opts: ChannelsOptions, ctx: CommandContext): Promise<void> {
  if (opts.around !== undefined && opts.spike) throw new UsageError('--around and --spike cannot be combined', '--around --spike', 'pick one way to choose the window');
  const windowMs = requireDuration('--window', opts.window ?? '15m');
  const thresholds = resolveThresholds(opts, ctx.env, ctx.config);
  const tickMs = monitorInterval(opts.monitorInterval);
  // Check --around before reading anything, so a typo fails fast.
  const aroundDur = opts.around !== undefined ? parseDuration(opts.around) : null;
  const aroundAbs = opts.around !== undefined && aroundDur === null ? parseTimeArg('--around', opts.around, ctx.now(), ctx.tz) : null;
  const input = await readAnalysis(sources, { since: opts.since, until: opts.until }, await readOptions(ctx), () => new Analysis({ thresholds, tz: ctx.tz, tickMs }));
  const a = input.result;
  let window: Window | null = null;
  if (opts.around !== undefined) {
    let at = aroundAbs;
    if (at === null) {
      const ref = sources.every(isSavedText) ? (a.to ?? ctx.now()) : ctx.now();
      at = ref - aroundDur!;
    }
    window = aroundWindow(at, windowMs);
  } else if (opts.spike) {
    window = spikeWindow(a.series, a.trend.runs, a.channels, windowMs, thresholds);
    window ??= { ...wholeWindow(a.channels, 'no goroutine samples and no relay errors: the whole input'), why: { code: 'nothing' } };
  }
  const report = channelReport(a.channels, window ?? wholeWindow(a.channels));
  if (opts.json) {
    await write(ctx.stdout, `${JSON.stringify(channelsJson(report), null, 2)}\n`);
    return;
  }
  await write(ctx.stdout, renderChannelsText(report, { lang: ctx.lang, tz: ctx.tz, color: ctx.color }));
}
