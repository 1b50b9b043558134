// `goroscope check CONTAINER…`: state, restarts, health endpoint, stats and recent monitor lines → a verdict per
// container and overall, with the Nagios exit codes 0 ok, 1 warning, 2 critical, 3 unknown.
import { notifyContext, type CommandContext } from '../cli/context.js';
import { readBaselineRestarts, readTimeout, type ThresholdFlags } from '../cli/options.js';
import { UsageError } from '../errors.js';
import { resolveThresholds, goroutineLevel, type Thresholds } from '../config.js';
import { verdict, worst, LEVEL_EXIT, type Level, type Reason } from '../analyze/verdict.js';
import { bytesSize, percent, type ContainerStats } from '../analyze/stats.js';
import { reasonText, levelNames, messages } from '../i18n/check.js';
import { fmt } from '../i18n.js';
import { write } from '../cli/output.js';
import { duration, pad } from '../report/text.js';
import type { NotifyFlags } from '../notify/index.js';
import { collectFacts, noFacts, type Collected } from '../sources/facts.js';

export interface CheckOptions extends NotifyFlags, ThresholdFlags {
  healthUrl?: string;
  timeout?: string;
  json?: boolean;
}

export interface CheckedContainer extends Collected {
  level: Level;
  emergency: boolean;
  reasons: Reason[];
  thresholds: Thresholds;
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
  const json = { ...toJson(overall, checked), ...(hostsDown.length > 0 ? { hostsDown } : {}) };
  await write(ctx.stdout, opts.json ? JSON.stringify(json, null, 2) + '\n' : renderText(overall, checked, ctx));
  if (notifying) {
    // Deliveries are reported on stderr and never change the verdict's exit code.
    const { notifyChanges } = await import('../notify/index.js');
    const shown = (c: CheckedContainer) => (ctx.lang === 'en' ? {} : { displayReasons: c.reasons.map((r) => reasonText(r, ctx.lang)) });
    const logs = checked.flatMap((c) => (c.alertEvents && c.logsReadAt !== null ? [{ container: c.name, events: c.alertEvents, readAt: c.logsReadAt }] : []));
    await notifyChanges(json.containers.map((j, i) => ({ ...j, ...shown(checked[i]!) })), opts, nctx, logs);
  }
  process.exitCode = LEVEL_EXIT[overall];
}


/** The issue's shape, plus a few fields named in docs/check.md. */
export function toJson(level: Level, checked: CheckedContainer[]) {
  return {
    level,
    containers: checked.map((c) => ({
      name: c.name,
      id: c.id,
      level: c.level,
      emergency: c.emergency,
      reasons: c.reasons.map((r) => reasonText(r, 'en')),
      reasonCodes: c.reasons.map((r) => r.code),
      didYouMean: c.suggestions,
      state: c.state?.status ?? null,
      oomKilled: c.state?.oomKilled ?? null,
      exitCode: c.state?.exitCode ?? null,
      startedAt: c.state?.startedAt ?? null,
      uptimeSeconds: c.uptimeSeconds,
      restartCount: c.state ? c.facts.restartCount : null,
      dockerHealth: c.state?.health ?? null,
      goroutines: c.facts.goroutines,
      goroutineSource: c.facts.goroutineSource,
      goroutineLevel: c.facts.goroutines === null ? null : goroutineLevel(c.facts.goroutines, c.thresholds),
      memory: goMemory(c),
      cpuPercent: c.stats?.cpuPercent ?? null,
      containerMemory: c.stats?.memory ?? null,
      health: c.health
        ? {
            url: c.health.url,
            urlSource: c.urlSource,
            ok: c.health.ok,
            status: c.health.status,
            latencyMs: c.health.latencyMs,
            error: c.health.error,
            errorKind: c.health.errorKind,
            format: c.health.format,
            note: c.health.note,
          }
        : null,
      thresholds: c.thresholds,
    })),
  };
}

function renderText(overall: Level, checked: CheckedContainer[], ctx: CommandContext): string {
  const { lang, color: k } = ctx;
  const m = messages[lang];
  const paint = (l: Level | 'emergency', s: string) =>
    l === 'ok' ? k.green(s) : l === 'warning' ? k.yellow(s) : l === 'unknown' ? k.magenta(s) : k.red.bold(s);
  const out: string[] = [];
  for (const c of checked) {
    const head = c.emergency ? levelNames[lang].emergency : levelNames[lang][c.level];
    out.push(`${paint(c.emergency ? 'emergency' : c.level, pad(head, 10))}${k.bold(c.name)}`);
    if (c.state) {
      const up = c.uptimeSeconds !== null ? `, ${m.uptime} ${duration(c.uptimeSeconds)}` : '';
      const oom = c.state.oomKilled ? ', OOMKilled' : '';
      const hc = c.state.health ? `, healthcheck ${c.state.health}` : '';
      const exit = c.state.running ? '' : `, exit ${c.state.exitCode}`;
      out.push(`  ${pad(m.state)} ${c.state.status}${up}${oom}${hc}, ${m.restarts} ${c.facts.restartCount}${exit}`);
    }
    if (c.health) {
      const h = c.health;
      const how = c.urlSource ? ` (${c.urlSource})` : '';
      const res = h.ok ? `HTTP ${h.status}, ${h.latencyMs} ms` : `${h.errorKind}: ${h.error}`;
      out.push(`  ${pad(m.health)} ${h.url}${how}: ${res}`);
      if (h.note) out.push(`  ${''.padEnd(11)} ${h.note}`);
    } else if (c.state?.running) out.push(`  ${pad(m.health)} ${c.urlSource ?? m.noUrl}`);
    if (c.facts.goroutines !== null) {
      const gl = goroutineLevel(c.facts.goroutines, c.thresholds);
      const src = c.facts.goroutineSource === 'log' ? ` (${m.fromLog} ${c.facts.goroutineTime ?? ''})` : '';
      const gm = goMemory(c);
      const mem = gm ? `   ${m.memory} ${memText(gm)}` : '';
      out.push(`  ${pad(m.goroutines)} ${paint(gl === 'ok' ? 'ok' : gl === 'warning' ? 'warning' : 'critical', String(c.facts.goroutines))}${src}${mem}`);
    }
    if (c.stats) out.push(`  ${pad(m.cpu)} ${percent(c.stats.cpuPercent)}   ${m.containerMemory} ${statsMem(c.stats)}`);
    for (const r of c.reasons) if (r.level !== 'ok' || r.code === 'goroutines_from_log') out.push(`  - ${paint(r.level, reasonText(r, lang))}`);
    if (c.lookupHint) out.push(`    ${c.lookupHint}`);
    if (c.emergency) out.push(`  ${k.bold(fmt(m.bundleHint, { name: c.name }))}`);
  }
  if (checked.length > 1) out.push(`${m.overall}: ${paint(overall, levelNames[lang][overall])}`);
  return out.join('\n') + '\n';
}

/** Go runtime memory: from the endpoint, else from the newest `Memory: Alloc=…` debug line read with the count. */
function goMemory(c: CheckedContainer): { allocMb: number; totalAllocMb: number | null; sysMb: number | null; numGc: number | null } | null {
  if (c.health?.memory) return c.health.memory;
  const e = c.facts.goroutineSource === 'log' ? c.logMemory : null;
  return e ? { allocMb: e.allocMb, totalAllocMb: e.totalAllocMb, sysMb: e.sysMb, numGc: e.numGc } : null;
}

export function memText(mem: { allocMb: number; sysMb: number | null; numGc: number | null }): string {
  return `${mem.allocMb} MB alloc${mem.sysMb !== null ? ` / ${mem.sysMb} MB sys` : ''}${mem.numGc !== null ? `, GC ${mem.numGc}` : ''}`;
}

export function statsMem(s: ContainerStats): string {
  return `${bytesSize(s.memory.usageBytes)} / ${bytesSize(s.memory.limitBytes)} (${percent(s.memory.percent)})`;
}

