// Alert state: what was last announced per container and when each kind of alert last went out, so that a
// `check --notify` run every 5 minutes sends one alert per change, not one per run. `decide` is pure; the file
// functions below it are the only I/O (atomic write: temp file + rename, private modes).
import { mkdirSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Env } from '../config.js';
import { OutputError } from '../errors.js';
import { SEVERITY, type Alert, type AlertEvent, type AlertLevel, type EventObservation, type LevelObservation } from './types.js';

export interface ContainerState {
  /** The level the last check observed; null when only log events have been seen. */
  level: AlertLevel | null;
  /** The level last announced in an alert (what the next alert's `previous` is); null before the first check. */
  announced: AlertLevel | null;
  reasons: string[];
  goroutines: number | null;
  /** Newest log event time (ISO) seen: for people reading the state file. */
  lastEventTime?: string;
  /** `check --notify`: the logs were checked for alert events up to this time (ISO, exclusive); the next run reads from here. */
  logCheckedUntil?: string;
  /** Epoch ms of recent panics, for burst detection. */
  panics?: number[];
}

export interface AlertState {
  version: 1;
  /** Keyed by `containerKey(host, name)`. */
  containers: Record<string, ContainerState>;
  /** Epoch ms of the last alert per key: `level:<c>`, `crash:<c>`, `fatal:<c>`, `panics:<c>`, `channel_disabled:<c>:<n>`. */
  sent: Record<string, number>;
  /** Deliveries that failed, tried again on the next runs until they go through or are older than PENDING_MAX_AGE_MS. */
  pending?: PendingDelivery[];
}

export interface PendingDelivery {
  /** The target as the user wrote it (the state file is private: bot tokens are as safe there as in the config). */
  target: string;
  alert: Alert;
  /** Epoch ms of the first failure. */
  since: number;
}

/** A failed alert older than this is dropped: news of an hour ago is not worth a late page. */
export const PENDING_MAX_AGE_MS = 60 * 60_000;

export interface Policy {
  /** The least time between two alerts of one key, except escalations to a more severe level, which go out at once. */
  cooldownMs: number;
  /** A burst: at least `count` panics within `windowMs`. */
  panicBurst: { count: number; windowMs: number };
}

export const DEFAULT_POLICY: Policy = { cooldownMs: 10 * 60_000, panicBurst: { count: 5, windowMs: 10 * 60_000 } };

export function emptyState(): AlertState {
  return { version: 1, containers: {}, sent: {} };
}

export function containerKey(host: string | null, container: string): string {
  return host ? `${host}|${container}` : container;
}

export interface Decision {
  alerts: Alert[];
  next: AlertState;
}

/**
 * What to send, given the previous state, this round's observations and the clock.
 * Level: the first observation of a container alerts unless it is `ok`; later, a level different from the last
 * announced one alerts at once when it is more severe, and otherwise (a step down, a recovery to `ok`) once the
 * cooldown since that container's last level alert has passed — a flapping service gets at most one alert per
 * level per cooldown, and a held-back step down is announced later, not lost.
 * Events: a crash, a fatal record, a disabled channel (per channel) each alert once per cooldown; panics alert as a
 * burst when `panicBurst.count` fall within `panicBurst.windowMs`.
 */
export function decide(prev: AlertState, obs: { levels: LevelObservation[]; events: EventObservation[] }, now: number, policy: Policy): Decision {
  const next: AlertState = structuredClone(prev);
  const alerts: Alert[] = [];
  const iso = new Date(now).toISOString();
  const cooled = (key: string): boolean => {
    const last = next.sent[key];
    return last === undefined || now - last >= policy.cooldownMs;
  };

  for (const o of obs.levels) {
    const key = containerKey(o.host, o.container);
    const lkey = `level:${key}`;
    const cs = (next.containers[key] ??= { level: null, announced: null, reasons: [], goroutines: null });
    cs.level = o.level;
    cs.reasons = o.reasons;
    cs.goroutines = o.goroutines;
    const before = cs.announced;
    if (o.level === before) continue;
    // First sight of a container: only a problem is news. Afterwards: escalations at once, the rest after the cooldown.
    const send = before === null ? o.level !== 'ok' : SEVERITY[o.level] > SEVERITY[before] || cooled(lkey);
    if (before === null && !send) cs.announced = o.level;
    if (!send) continue;
    const alert: Alert = { container: o.container, host: o.host, level: o.level, previous: before, reasons: o.reasons, goroutines: o.goroutines, time: iso, event: null };
    if (o.displayReasons) alert.displayReasons = o.displayReasons;
    alerts.push(alert);
    cs.announced = o.level;
    next.sent[lkey] = now;
  }

  // Events come from a live follow, which neither repeats nor reorders lines within a stream; stdout and stderr
  // interleave, and several events can share a millisecond, so event times are not used to drop anything.
  for (const e of obs.events) {
    const key = containerKey(e.host, e.container);
    const cs = (next.containers[key] ??= { level: null, announced: null, reasons: [], goroutines: null });
    if (e.time !== null && (cs.lastEventTime === undefined || e.time > cs.lastEventTime)) cs.lastEventTime = e.time;

    let ekey: string;
    let event: AlertEvent;
    if (e.kind === 'panic') {
      const at = e.time !== null ? Date.parse(e.time) : now;
      const recent = (cs.panics ?? []).filter((t) => t > now - policy.panicBurst.windowMs);
      recent.push(Number.isFinite(at) ? at : now);
      cs.panics = recent.filter((t) => t > now - policy.panicBurst.windowMs);
      if (cs.panics.length < policy.panicBurst.count) continue;
      ekey = `panics:${key}`;
      event = { kind: 'panic_burst', message: e.message, count: cs.panics.length, windowMs: policy.panicBurst.windowMs, time: e.time };
      if (e.signature) event.signature = e.signature;
    } else {
      ekey = e.kind === 'channel_disabled' ? `channel_disabled:${key}:${e.channel ?? '?'}` : `${e.kind}:${key}`;
      event = { kind: e.kind, message: e.message, time: e.time };
      if (e.channel !== undefined) event.channel = e.channel;
      if (e.signature) event.signature = e.signature;
    }
    if (!cooled(ekey)) continue;
    next.sent[ekey] = now;
    alerts.push({
      container: e.container,
      host: e.host,
      level: cs.level ?? 'unknown',
      previous: null,
      reasons: cs.reasons,
      goroutines: cs.goroutines,
      time: iso,
      event,
    });
  }
  return { alerts, next };
}

/** `--state FILE`, else $GOROSCOPE_STATE, else config `stateFile`, else $XDG_STATE_HOME/goroscope/alert-state.json (~/.local/state/…). */
export function statePath(flag: string | undefined, env: Env, fileValue: string | undefined): string {
  const explicit = flag ?? (env.GOROSCOPE_STATE || undefined) ?? fileValue;
  if (explicit) return explicit;
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'goroscope', 'alert-state.json');
}

/**
 * Read the state file. A missing file is an empty state; an unreadable or damaged one is an empty state plus a
 * warning (the state is ours and only saves repeats: losing it must not stop an alert).
 */
export function loadState(path: string): { state: AlertState; warning?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: emptyState() }; // not there (yet): saving will say if it cannot be
    return { state: emptyState(), warning: `cannot read alert state (${path}): ${(err as Error).message}; starting afresh` };
  }
  try {
    const data = JSON.parse(text) as Partial<AlertState>;
    if (data && data.version === 1 && typeof data.containers === 'object' && data.containers && typeof data.sent === 'object' && data.sent) {
      const state: AlertState = { version: 1, containers: data.containers, sent: data.sent };
      if (Array.isArray(data.pending)) state.pending = data.pending;
      return { state };
    }
  } catch {
    // fall through
  }
  return { state: emptyState(), warning: `alert state is damaged (${path}); starting afresh` };
}

/** Write the state atomically: a private temp file beside it, then rename over the old one. */
export function saveState(path: string, state: AlertState): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never made
    }
    throw new OutputError('cannot write alert state', path, 'check the directory exists and is writable, or pass --state FILE', { cause: err });
  }
}
