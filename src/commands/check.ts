// `goroscope check CONTAINER…`: state, restarts, health endpoint, stats and recent monitor lines → a verdict per
// container and overall, with the Nagios exit codes 0 ok, 1 warning, 2 critical, 3 unknown.
import { notifyContext, type CommandContext } from '../cli/context.js';
import { readBaselineRestarts, readTimeout, type ThresholdFlags } from '../cli/options.js';
import { UsageError } from '../errors.js';
import { resolveThresholds } from '../config.js';
import { verdict, worst, LEVEL_EXIT } from '../analyze/verdict.js';
import { reasonText } from '../i18n/check.js';
import { write } from '../cli/output.js';
import { checkJson, renderCheckText, type CheckedContainer } from '../report/check.js';
import type { NotifyFlags } from '../notify/index.js';
import { collectFacts, noFacts } from '../sources/facts.js';

export interface CheckOptions extends NotifyFlags, ThresholdFlags {
  healthUrl?: string;
  timeout?: string;
  json?: boolean;
}

export async function run(names: string[], opts: CheckOptions, ctx: CommandContext): Promise<void> {
  const baseline = readBaselineRestarts(opts, ctx.env);
  const timeoutMs = readTimeout(opts.timeout, 5000, { bareMs: true, stderr: ctx.stderr });
  if (opts.healthUrl && names.length > 1) {
    throw new UsageError('--health-url names one endpoint but several containers were given', names.join(' '), 'check them one at a time, or set healthUrl per container in the config file');
  }
  const notifying = opts.notify !== undefined || opts.dryRun === true;
  const nctx = notifyContext(ctx);
  if (notifying) (await import('../notify/index.js')).makeNotifier(opts, nctx); // a bad --notify fails before the check
  // With --notify, each container's logs since the previous run are read for crashes, fatal records, panics and
  // disabled channels (the same read as the monitor-line fallback). A state file that cannot be written fails here.
  const alertSince = notifying ? (await import('../notify/index.js')).alertLogSince(opts, nctx) : null;
  // compose:PROJECT, service:NAME and several --host values name several containers (docs/sources.md).
  const hostsDown: { host: string; error: string; exitCode: number }[] = [];
  const { expandCheckTargets, hostDownLine, mapLimit, parseMaxStreams } = await import('../sources/fleet.js');
  const maxStreams = parseMaxStreams(ctx.globals.maxStreams) ?? 8;
  const targets = await expandCheckTargets(names, {
    keepUnresolved: true,
    hosts: ctx.globals.host,
    signal: ctx.signal,
    onHostDown: (host, err) => {
      hostsDown.push({ host, error: err.headline().replace(/^error: /, ''), exitCode: err.exitCode });
      ctx.stderr.write(hostDownLine(host, err));
    },
  });
  // Each check holds a stats stream and maybe a log stream: at most --max-streams containers at once.
  const checked = await mapLimit(targets, maxStreams, async (t): Promise<CheckedContainer> => {
    const thresholds = resolveThresholds(opts, ctx.env, ctx.config, t.name.split('@')[0]!);
    const c = t.unresolved !== undefined ? noFacts(t.name, t.unresolved) : await collectFacts(
      t.lookup,
      { healthUrl: opts.healthUrl, timeoutMs, logFallback: true, stats: true, docker: t.docker, ...(alertSince ? { alertEventsSince: alertSince(t.name) } : {}) },
      ctx,
    );
    c.name = t.name;
    const v = verdict({ ...c.facts, baselineRestarts: baseline, thresholds });
    return { ...c, ...v, thresholds };
  });
  // A host that could not be reached leaves its containers unchecked: at least unknown, never ok.
  const overall = worst([...checked.map((c) => c.level), ...(hostsDown.length > 0 ? (['unknown'] as const) : [])]);
  const json = { ...checkJson(overall, checked), ...(hostsDown.length > 0 ? { hostsDown } : {}) };
  await write(ctx.stdout, opts.json ? JSON.stringify(json, null, 2) + '\n' : renderCheckText(overall, checked, { lang: ctx.lang, color: ctx.color }));
  if (notifying) {
    // Deliveries are reported on stderr and never change the verdict's exit code.
    const { notifyChanges } = await import('../notify/index.js');
    const shown = (c: CheckedContainer) => (ctx.lang === 'en' ? {} : { displayReasons: c.reasons.map((r) => reasonText(r, ctx.lang)) });
    const logs = checked.flatMap((c) => (c.alertEvents && c.logsReadAt !== null ? [{ container: c.name, events: c.alertEvents, readAt: c.logsReadAt }] : []));
    await notifyChanges(json.containers.map((j, i) => ({ ...j, ...shown(checked[i]!) })), opts, nctx, logs);
  }
  process.exitCode = LEVEL_EXIT[overall];
}
