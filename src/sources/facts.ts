// What `check`, `watch` (and `alert`) need to know about one container, collected in parallel and bounded:
// inspect (state, restarts), the health endpoint, one stats sample, and — when the endpoint gives no count —
// the newest goroutine monitor line of the last 10 minutes of logs; for `check --notify`, the same single log read
// also brings the events worth an alert since the previous run. Failures become facts, never throws, except bad usage.
import { GoroscopeError, UsageError } from '../errors.js';
import type { CheckFacts } from '../analyze/verdict.js';
import type { ContainerStats } from '../analyze/stats.js';
import type { Env, FileConfig } from '../config.js';
import { dockerFor, mapDockerError, type ContainerInspect, type DockerRuntime } from '../docker/index.js';
import { NoSuchContainer, inspectRaw, toContainerInfo } from '../docker/containers.js';
import { sampleStats } from '../docker/stats.js';
import { deriveHealthUrl, probeWithFallback, type HealthResult } from './health.js';
import { containerSource } from './docker.js';
import type { GEvent, GoroutineEvent, Kind, MemoryEvent } from '../events.js';

/** What collecting facts needs from its caller's surroundings (a command's context fits as it is). */
export interface FactsContext {
  env: Env;
  config: FileConfig;
  /** The clock (uptime, log windows). */
  now: () => number;
  /** Ends every probe and read early (Ctrl-C). */
  signal: AbortSignal;
  /** Zone of the app's naive timestamps (the log fallback). */
  tz: string;
  /** `--host`: the first one is asked when no runtime is given. */
  globals: { host?: string[] };
}

export interface ContainerState {
  status: string;
  running: boolean;
  oomKilled: boolean;
  exitCode: number;
  health: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Collected {
  /** As asked. */
  name: string;
  id: string | null;
  state: ContainerState | null;
  uptimeSeconds: number | null;
  health: HealthResult | null;
  /** How the health URL was found: `--health-url`, `GOROSCOPE_HEALTH_URL`, `config file`, or a derivation. */
  urlSource: string | null;
  stats: ContainerStats | null;
  /** Why there is no stats sample although the container runs. */
  statsError: string | null;
  /** Newest goroutine / memory monitor lines from the logs (only read when the endpoint gave no count). */
  logGoroutine: GoroutineEvent | null;
  logMemory: MemoryEvent | null;
  /** Alert-worthy log events (ALERT_KINDS) stamped in [alertEventsSince, logsReadAt); null when not asked or unreadable. */
  alertEvents: GEvent[] | null;
  /** Epoch ms the alert read covers up to (exclusive): the next run starts there. Null when the logs were not read. */
  logsReadAt: number | null;
  facts: Omit<CheckFacts, 'baselineRestarts' | 'thresholds'>;
  /** What to do when the container could not be looked up (close names, `docker ps -a`); null when it was found. */
  lookupHint: string | null;
  /** Close container names when there is no container of that name (up to 3, closest first). */
  suggestions: string[];
}

export interface CollectOptions {
  healthUrl?: string;
  timeoutMs: number;
  /** Read recent logs for a monitor line when the endpoint has no count. */
  logFallback: boolean;
  /** Take one stats sample (~1 s). */
  stats: boolean;
  /** Window of the log fallback (default 10 minutes). */
  logWindowMs?: number;
  /** The engine to ask (a fleet target's host); default: the first `--host`, else the default endpoint. */
  docker?: DockerRuntime;
  /**
   * Epoch ms: also collect the events worth an alert (crash, fatal, panic, channel_disabled) stamped from then up
   * to the start of the read, in the same log read as the monitor fallback (running or not: a crash stops it).
   */
  alertEventsSince?: number;
}

/** The log event kinds an alert is about (the same set as notify's ALERT_KINDS, kept here so check loads no notify code). */
const ALERT_KINDS: ReadonlySet<Kind> = new Set<Kind>(['crash', 'fatal', 'panic', 'channel_disabled']);

/** healthError when no URL is configured or derivable (translated by the renderers). */
export const NO_URL = 'has no known URL (give --health-url)';

const ZERO_DATE = '0001-01-01T00:00:00Z';

/** The health URL a user configured for this container, and where it came from; null when none. */
export function configuredHealthUrl(name: string, flag: string | undefined, ctx: Pick<FactsContext, 'env' | 'config'>): { url: string; source: string } | null {
  if (flag) return { url: checkUrl(flag, '--health-url'), source: '--health-url' };
  if (ctx.env.GOROSCOPE_HEALTH_URL) return { url: checkUrl(ctx.env.GOROSCOPE_HEALTH_URL, 'GOROSCOPE_HEALTH_URL'), source: 'GOROSCOPE_HEALTH_URL' };
  const file = ctx.config.containers?.[name]?.healthUrl ?? ctx.config.healthUrl;
  return file ? { url: checkUrl(file, 'config healthUrl'), source: 'config file' } : null;
}

function checkUrl(url: string, where: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${where} is not a URL`, url, 'example: http://127.0.0.1:3000/api/monitor/health');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${where} must be http:// or https://`, url);
  return url;
}

/** Facts of a container nothing is known about yet; with `lookupError`, why it could not be looked up. */
export function noFacts(name: string, lookupError?: string): Collected {
  return {
    name,
    id: null,
    state: null,
    uptimeSeconds: null,
    health: null,
    urlSource: null,
    stats: null,
    statsError: null,
    logGoroutine: null,
    logMemory: null,
    alertEvents: null,
    logsReadAt: null,
    facts: { state: null, restartCount: 0, goroutines: null, goroutineSource: null, healthError: null, ...(lookupError !== undefined ? { lookupError } : {}) },
    lookupHint: null,
    suggestions: [],
  };
}

export async function collectFacts(name: string, opts: CollectOptions, ctx: FactsContext): Promise<Collected> {
  const configured = configuredHealthUrl(name, opts.healthUrl, ctx);
  const out = noFacts(name);
  out.urlSource = configured?.source ?? null;
  let docker: DockerRuntime;
  let raw: ContainerInspect;
  try {
    docker = opts.docker ?? (await dockerFor(ctx.globals.host?.[0]));
    raw = await inspectRaw(docker, name);
  } catch (err) {
    if (!(err instanceof GoroscopeError) || err instanceof UsageError) throw err;
    out.facts.lookupError = `${err.message}${err.value ? ` (${err.value})` : ''}`;
    out.lookupHint = err.hint ?? null;
    if (err instanceof NoSuchContainer) out.suggestions = err.suggestions;
    // The endpoint may still answer when Docker does not (a remote gateway, a daemon restart).
    if (configured) out.health = await probeWithFallback(configured.url, false, { timeoutMs: opts.timeoutMs, signal: ctx.signal });
    return out;
  }
  const s = raw.State;
  const startedAt = s.StartedAt && s.StartedAt !== ZERO_DATE ? s.StartedAt : null;
  out.id = raw.Id;
  out.state = {
    status: s.Status,
    running: s.Running && !s.Restarting,
    oomKilled: s.OOMKilled,
    exitCode: s.ExitCode,
    health: (s as { Health?: { Status?: string } }).Health?.Status ?? null,
    startedAt,
    finishedAt: s.FinishedAt && s.FinishedAt !== ZERO_DATE ? s.FinishedAt : null,
  };
  out.uptimeSeconds = out.state.running && startedAt ? Math.max(0, Math.round((ctx.now() - Date.parse(startedAt)) / 1000)) : null;
  out.facts.state = { status: s.Status, oomKilled: s.OOMKilled, exitCode: s.ExitCode, health: out.state.health };
  out.facts.restartCount = raw.RestartCount;

  const derived = configured ? null : deriveHealthUrl(raw);
  if (!configured) out.urlSource = derived?.how ?? null;
  const url = configured?.url ?? derived?.url ?? null;
  const running = out.state.running;

  const [health, stats] = await Promise.all([
    url && running ? probeWithFallback(url, !configured, { timeoutMs: opts.timeoutMs, signal: ctx.signal }) : Promise.resolve(null),
    opts.stats && running
      ? sampleStats(docker, raw.Id).catch((err: unknown) => {
          out.statsError = mapDockerError(err, docker).message;
          return null;
        })
      : Promise.resolve(null),
  ]);
  out.health = health;
  out.stats = stats;
  const monitor = !(health?.goroutines !== null && health?.goroutines !== undefined) && opts.logFallback && running;
  const found =
    monitor || opts.alertEventsSince !== undefined
      ? await readRecentLogs(docker, raw, { monitorWindowMs: monitor ? (opts.logWindowMs ?? 600_000) : undefined, alertSince: opts.alertEventsSince }, ctx)
      : null;
  if (found) {
    out.alertEvents = found.alerts;
    out.logsReadAt = found.alerts ? found.readAt : null;
  }
  if (health?.goroutines !== null && health?.goroutines !== undefined) {
    out.facts.goroutines = health.goroutines;
    out.facts.goroutineSource = 'health';
  } else {
    out.facts.healthError = health ? (health.ok ? null : `${health.errorKind}: ${health.error}`) : url ? 'not asked (container not running)' : NO_URL;
    out.facts.healthNote = health?.note ?? null;
    if (monitor && found) {
      out.logGoroutine = found.goroutine;
      out.logMemory = found.memory;
      if (found.goroutine) {
        out.facts.goroutines = found.goroutine.count;
        out.facts.goroutineSource = 'log';
        out.facts.goroutineTime = found.goroutine.time;
      }
    }
  }
  return out;
}

/**
 * One read of a container's recent logs for two purposes: the newest monitor lines of the last `monitorWindowMs`
 * (when given) and the alert-worthy events stamped in [`alertSince`, the start of the read) (when given). Reads
 * from the older of the two bounds, once. `alerts` is null when not asked, or when the logs could not be read.
 */
export async function readRecentLogs(
  docker: DockerRuntime,
  inspect: ContainerInspect,
  want: { monitorWindowMs?: number | undefined; alertSince?: number | undefined },
  ctx: Pick<FactsContext, 'now' | 'signal' | 'tz'>,
): Promise<{ goroutine: GoroutineEvent | null; memory: MemoryEvent | null; alerts: GEvent[] | null; readAt: number }> {
  let goroutine: GoroutineEvent | null = null;
  let memory: MemoryEvent | null = null;
  const readAt = ctx.now();
  const monitorSince = want.monitorWindowMs !== undefined ? readAt - want.monitorWindowMs : undefined;
  const alertSince = want.alertSince;
  const alerts: GEvent[] | null = alertSince !== undefined ? [] : null;
  const kinds = new Set<Kind>([...(monitorSince !== undefined ? (['goroutine', 'memory'] as const) : []), ...(alerts ? ALERT_KINDS : [])]);
  if (kinds.size === 0) return { goroutine, memory, alerts, readAt };
  const since = Math.min(monitorSince ?? Infinity, alertSince ?? Infinity);
  try {
    const { runPipeline } = await import('../pipeline.js');
    const source = containerSource(inspect.Id, docker, toContainerInfo(inspect), { since, signal: ctx.signal });
    await runPipeline(
      [source],
      { since, kinds, tz: ctx.tz, signal: ctx.signal },
      (e) => {
        const t = e.time === null ? NaN : Date.parse(e.time);
        if (alerts && ALERT_KINDS.has(e.kind)) {
          // Half-open [alertSince, readAt): a line stamped later belongs to the next run, which starts at readAt.
          if (t >= alertSince! && t < readAt) alerts.push(e);
          return;
        }
        if (monitorSince === undefined || !(t >= monitorSince)) return;
        // Events arrive in input order; stdout and stderr interleave, so compare times.
        // Same millisecond (stdout and stderr written together): keep the higher count, the safer reading.
        if (e.kind === 'goroutine' && (!goroutine || (e.time ?? '') > (goroutine.time ?? '') || (e.time === goroutine.time && e.count > goroutine.count))) goroutine = e;
        if (e.kind === 'memory' && (!memory || (e.time ?? '') >= (memory.time ?? ''))) memory = e;
      },
    );
  } catch {
    // Unreadable logs (driver without read support, daemon gone) leave the count unknown; the verdict says so.
    return { goroutine, memory, alerts: null, readAt };
  }
  return { goroutine, memory, alerts, readAt };
}
