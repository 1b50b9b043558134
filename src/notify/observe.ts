// What alerts observe: a check verdict as a level, a log event as an event observation. Pure conversions, shared by
// check --notify, watch --notify and alert.
import type { Thresholds } from '../config.js';
import type { GEvent, Kind } from '../events.js';
import type { AlertLevel, EventObservation, LevelObservation } from './types.js';

/** What an alert reads of one container's check verdict (the fields of `check --json`'s containers it needs); `check` keeps the whole result as its CheckedContainer. */
export interface ContainerVerdict {
  name: string;
  level: 'ok' | 'warning' | 'critical' | 'unknown' | 'emergency';
  /** The check's own emergency flag (goroutines at or above the emergency threshold). */
  emergency?: boolean;
  reasons?: string[];
  /** The reasons in the message language (`--lang`), when not English. */
  displayReasons?: string[];
  goroutines?: number | null;
  host?: string | null;
}

/** A check verdict as an alert level: `critical` at or above the emergency threshold is `emergency`. */
export function toObservation(r: ContainerVerdict, t: Thresholds, host: string | null = null): LevelObservation {
  const g = typeof r.goroutines === 'number' ? r.goroutines : null;
  let level: AlertLevel = r.level;
  if (r.emergency === true || (g !== null && g >= t.emergency && (level === 'critical' || level === 'warning'))) level = 'emergency';
  const o: LevelObservation = { container: r.name, host: r.host ?? host, level, reasons: r.reasons ?? [], goroutines: g };
  if (r.displayReasons) o.displayReasons = r.displayReasons;
  return o;
}

/** The event kinds worth waking someone for: follow these (`runPipeline({ kinds: ALERT_KINDS })`) to alert on logs. */
export const ALERT_KINDS: ReadonlySet<Kind> = new Set<Kind>(['crash', 'fatal', 'panic', 'channel_disabled']);

/** A log event as an alert observation; null for kinds that never alert. */
export function toEventObservation(container: string, host: string | null, e: GEvent): EventObservation | null {
  const base = { container, host, time: e.time };
  switch (e.kind) {
    case 'crash':
      return { ...base, kind: 'crash', message: e.message, signature: e.signature };
    case 'fatal':
      return { ...base, kind: 'fatal', message: e.message };
    case 'panic':
      return { ...base, kind: 'panic', message: e.message, signature: e.signature };
    case 'channel_disabled':
      return { ...base, kind: 'channel_disabled', message: e.reason ?? e.raw, channel: e.channel };
    default:
      return null;
  }
}
