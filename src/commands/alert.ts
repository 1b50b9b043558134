// `goroscope alert CONTAINER…`: the long-running alerter. Every --interval it runs the same check as
// `goroscope check` (collectFacts + verdict, without the stats sample), and it follows each container's logs for
// crashes, fatal records, panics and disabled channels; every observation goes through the alert state (one alert
// per change, cooldowns) to the targets. Ctrl-C ends it cleanly with a summary; its exit code is 0 then.
import type { CommandContext } from '../cli/context.js';
import { readBaselineRestarts, readTimeout, type ThresholdFlags, wholeNumber } from '../cli/options.js';
import { resolveThresholds } from '../config.js';
import { UsageError } from '../errors.js';
import { requireDuration, sleep } from '../time.js';
import { verdict } from '../analyze/verdict.js';
import { reasonText } from '../i18n/check.js';
import { collectFacts } from '../sources/facts.js';
import { runPipeline } from '../pipeline.js';
import type { GEvent } from '../events.js';
import { alertFollowLine, alertLevelLine, alertStartLine, alertStopLine } from '../report/alert.js';
import { AlertSession, makeNotifier, toEventObservation, toObservation, ALERT_KINDS, type NotifyFlags } from '../notify/index.js';

export interface AlertOptions extends NotifyFlags, ThresholdFlags {
  interval?: string;
  healthUrl?: string;
  timeout?: string;
  panicBurst?: string;
  panicWindow?: string;
}

export async function run(names: string[], opts: AlertOptions, ctx: CommandContext): Promise<void> {
  ctx.endsOnSignal(); // alert runs until stopped (Ctrl-C, SIGTERM from a service manager): that is a normal end, exit 0
  const intervalMs = requireDuration('--interval', opts.interval ?? '30s');
  const timeoutMs = readTimeout(opts.timeout, 5000, { bareMs: true, stderr: ctx.stderr });
  const baseline = readBaselineRestarts(opts, ctx.env);
  if (opts.healthUrl && names.length > 1) {
    throw new UsageError('--health-url names one endpoint but several containers were given', names.join(' '), 'set healthUrl per container in the config file');
  }
  const n = makeNotifier(opts, ctx, true)!;
  if (opts.panicBurst !== undefined) n.policy.panicBurst.count = Math.max(1, wholeNumber('--panic-burst', opts.panicBurst));
  if (opts.panicWindow !== undefined) n.policy.panicBurst.windowMs = requireDuration('--panic-window', opts.panicWindow);
  const thresholds = new Map(names.map((name) => [name, resolveThresholds(opts, ctx.env, ctx.config, name)]));
  const host = ctx.globals.host?.length === 1 ? ctx.globals.host[0]! : null;
  const out = ctx.stdout;
  const say = (line: string) => out.write(`${line}\n`);

  // an unwritable state file is a clear error (exit 73) now, not a surprise at the first alert
  const session = new AlertSession(n, out, ctx.now);
  let rounds = 0;

  say(alertStartLine(names, opts.interval ?? '30s', n.targets.map((t) => t.label), ctx.lang));

  const followers = names.map((name) => follow(name));
  async function follow(name: string): Promise<void> {
    let since = ctx.now();
    let lastWhy = '';
    while (!ctx.signal.aborted) {
      const onEvent = (e: GEvent) => {
        const o = toEventObservation(name, host, e);
        if (o) session.push({ levels: [], events: [o] });
      };
      let why = 'end of stream';
      try {
        await runPipeline([name], { follow: true, kinds: ALERT_KINDS, since, tz: ctx.tz, hosts: ctx.globals.host, signal: ctx.signal, via: ctx.via }, onEvent);
      } catch (err) {
        why = (err as Error).message;
      }
      if (ctx.signal.aborted) break;
      if (why !== lastWhy) say(alertFollowLine(name, why, opts.interval ?? '30s', ctx.lang)); // once per reason, not per retry
      lastWhy = why;
      since = ctx.now();
      await sleep(intervalMs, ctx.signal);
    }
  }

  while (!ctx.signal.aborted) {
    const levels = await Promise.all(
      names.map(async (name) => {
        const t = thresholds.get(name)!;
        const c = await collectFacts(name, { healthUrl: opts.healthUrl, timeoutMs, logFallback: true, stats: false }, ctx);
        const v = verdict({ ...c.facts, baselineRestarts: baseline, thresholds: t });
        const reasons = v.reasons.map((r) => reasonText(r, 'en'));
        const shown = ctx.lang === 'en' ? {} : { displayReasons: v.reasons.map((r) => reasonText(r, ctx.lang)) };
        return toObservation({ name, level: v.level, emergency: v.emergency, reasons, ...shown, goroutines: c.facts.goroutines }, t, host);
      }),
    );
    if (ctx.signal.aborted) break;
    rounds += 1;
    const time = new Date(ctx.now()).toISOString();
    for (const o of levels) say(alertLevelLine(time, o, ctx.lang));
    session.push({ levels, events: [] });
    await sleep(intervalMs, ctx.signal);
  }
  await Promise.all(followers);
  await session.close();
  say(alertStopLine(rounds, session.sent, session.failed, ctx.lang));
}
