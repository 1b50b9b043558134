// Alert state: what was last announced per container, when each kind of alert last went out, and the deliveries
// not made yet, so that a `check --notify` run every 5 minutes sends one alert per change, not one per run.
// `decide` and `parseState` are pure; the file and its lock live in store.ts.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../config.js';
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
  /** Deliveries decided but not made yet (being made, or failed and tried again by later runs for that target
   * until they go through or are older than PENDING_MAX_AGE_MS). */
  pending?: PendingDelivery[];
}

export interface PendingDelivery {
  /** Unique: how a run finds the deliveries it claimed after it made them. */
  id: string;
  /** The target as the user wrote it (the state file is private: bot tokens are as safe there as in the config). */
  target: string;
  alert: Alert;
  /** Epoch ms the alert was decided. */
  since: number;
  /** A run is delivering it now: others leave it alone until `until` (epoch ms; a run that died lets it go then). */
  claim?: { by: string; until: number };
  /** Attempts that failed so far. */
  failures?: number;
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

const LEVELS = new Set<string>(Object.keys(SEVERITY));
const EVENT_KINDS = new Set(['crash', 'fatal', 'panic_burst', 'channel_disabled']);
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStrs = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isLevel = (v: unknown): v is AlertLevel => typeof v === 'string' && LEVELS.has(v);
const orNull = <T>(v: unknown, ok: (x: unknown) => x is T): v is T | null => v === null || ok(v);

function validContainer(v: unknown): ContainerState | null {
  if (!isObj(v) || !orNull(v.level, isLevel) || !orNull(v.announced, isLevel) || !isStrs(v.reasons) || !orNull(v.goroutines, isNum)) return null;
  const c: ContainerState = { level: v.level, announced: v.announced, reasons: v.reasons, goroutines: v.goroutines };
  if (v.lastEventTime !== undefined) {
    if (typeof v.lastEventTime !== 'string') return null;
    c.lastEventTime = v.lastEventTime;
  }
  if (v.logCheckedUntil !== undefined) {
    if (typeof v.logCheckedUntil !== 'string' || !Number.isFinite(Date.parse(v.logCheckedUntil))) return null;
    c.logCheckedUntil = v.logCheckedUntil;
  }
  if (v.panics !== undefined) {
    if (!Array.isArray(v.panics) || !v.panics.every(isNum)) return null;
    c.panics = v.panics;
  }
  return c;
}

function validEvent(v: unknown): AlertEvent | null {
  if (!isObj(v) || typeof v.kind !== 'string' || !EVENT_KINDS.has(v.kind) || typeof v.message !== 'string' || !orNull(v.time, (x): x is string => typeof x === 'string')) return null;
  const e: AlertEvent = { kind: v.kind as AlertEvent['kind'], message: v.message, time: v.time };
  for (const k of ['count', 'windowMs', 'channel'] as const) {
    if (v[k] === undefined) continue;
    if (!isNum(v[k])) return null;
    e[k] = v[k];
  }
  if (v.signature !== undefined) {
    if (typeof v.signature !== 'string') return null;
    e.signature = v.signature;
  }
  return e;
}

function validAlert(v: unknown): Alert | null {
  if (!isObj(v) || typeof v.container !== 'string' || !orNull(v.host, (x): x is string => typeof x === 'string') || !isLevel(v.level) || !orNull(v.previous, isLevel)) return null;
  if (!isStrs(v.reasons) || !orNull(v.goroutines, isNum) || typeof v.time !== 'string') return null;
  const event = v.event === null ? null : validEvent(v.event);
  if (v.event !== null && event === null) return null;
  const a: Alert = { container: v.container, host: v.host, level: v.level, previous: v.previous, reasons: v.reasons, goroutines: v.goroutines, time: v.time, event };
  if (v.displayReasons !== undefined) {
    if (!isStrs(v.displayReasons)) return null;
    a.displayReasons = v.displayReasons;
  }
  return a;
}

let idCounter = 0;
/** A delivery id unique across runs: pid, time, counter. */
export function deliveryId(now: number): string {
  idCounter += 1;
  return `${process.pid.toString(36)}-${now.toString(36)}-${idCounter.toString(36)}`;
}

function validPending(v: unknown, now: number): PendingDelivery | null {
  if (!isObj(v) || typeof v.target !== 'string' || !isNum(v.since)) return null;
  const alert = validAlert(v.alert);
  if (alert === null) return null;
  // files from before delivery ids: give one
  const p: PendingDelivery = { id: typeof v.id === 'string' && v.id !== '' ? v.id : deliveryId(now), target: v.target, alert, since: v.since };
  if (v.claim !== undefined) {
    if (!isObj(v.claim) || typeof v.claim.by !== 'string' || !isNum(v.claim.until)) return null;
    p.claim = { by: v.claim.by, until: v.claim.until };
  }
  if (v.failures !== undefined) {
    if (!isNum(v.failures)) return null;
    p.failures = v.failures;
  }
  return p;
}

/**
 * Read a state file's text. Whatever has the wrong shape is left out and said in `problems` (the caller sets the
 * file aside and goes on with what is left): garbage, a truncated file, NULs, wrong types, nulls,
 * `{"containers":{"x":"y"}}`, `"pending":[null]`.
 */
export function parseState(text: string, now = Date.now()): { state: AlertState; problems: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { state: emptyState(), problems: [text.trim() === '' ? 'empty file' : 'not JSON'] };
  }
  if (!isObj(data)) return { state: emptyState(), problems: ['not a JSON object'] };
  const problems: string[] = [];
  const state = emptyState();
  if (data.version !== 1) problems.push(`version ${JSON.stringify(data.version) ?? 'missing'}, expected 1`);
  if (isObj(data.containers)) {
    for (const [k, v] of Object.entries(data.containers)) {
      const c = validContainer(v);
      if (c) state.containers[k] = c;
      else problems.push(`containers.${k}`);
    }
  } else problems.push('containers');
  if (isObj(data.sent)) {
    for (const [k, v] of Object.entries(data.sent)) {
      if (isNum(v)) state.sent[k] = v;
      else problems.push(`sent.${k}`);
    }
  } else problems.push('sent');
  if (data.pending !== undefined) {
    if (Array.isArray(data.pending)) {
      const ok = data.pending.map((p) => validPending(p, now));
      ok.forEach((p, i) => (p === null ? problems.push(`pending[${i}]`) : undefined));
      const kept = ok.filter((p): p is PendingDelivery => p !== null);
      if (kept.length > 0) state.pending = kept;
    } else problems.push('pending');
  }
  return { state, problems };
}
