// What the alert machinery speaks: observations in (from a check or the log stream), alerts out (to targets).
// The webhook body is the public contract (docs/alert.md): {container, host, level, previous, reasons, goroutines, time, event}.

/** A container's level. `emergency` is the check's `critical` at or above the emergency threshold (10000 by default). */
export type AlertLevel = 'ok' | 'unknown' | 'warning' | 'critical' | 'emergency';

/** Severity order for escalation: an alert to a more severe level is never held back by a cooldown. */
export const SEVERITY: Record<AlertLevel, number> = { ok: 0, unknown: 1, warning: 2, critical: 3, emergency: 4 };

/** One container's verdict from one check. */
export interface LevelObservation {
  container: string;
  /** Docker host the container lives on, when not the default one. */
  host: string | null;
  level: AlertLevel;
  /** English, as in `check --json` (the webhook body carries these). */
  reasons: string[];
  /** The same reasons in the message language, when it is not English (chat and mail text use them). */
  displayReasons?: string[];
  goroutines: number | null;
}

/** Log events worth waking someone for. `panic_burst` is made by `decide` from `panic` observations. */
export type AlertEventKind = 'crash' | 'fatal' | 'panic' | 'channel_disabled';

/** One log event from a container. */
export interface EventObservation {
  container: string;
  host: string | null;
  kind: AlertEventKind;
  /** ISO time of the log record (null when it carried none: then `now` is used). */
  time: string | null;
  message: string;
  channel?: number;
  signature?: string;
}

/** The `event` field of an alert. */
export interface AlertEvent {
  kind: 'crash' | 'fatal' | 'panic_burst' | 'channel_disabled';
  message: string;
  /** panic_burst: panics seen within `windowMs`. */
  count?: number;
  windowMs?: number;
  channel?: number;
  signature?: string;
  /** ISO time of the log record that triggered it. */
  time: string | null;
}

export interface Alert {
  container: string;
  host: string | null;
  /** The container's level now (for an event alert: its last known level, `unknown` if never checked). */
  level: AlertLevel;
  /** The level announced before this change; null on the first alert about a container and on event alerts. */
  previous: AlertLevel | null;
  reasons: string[];
  /** Reasons in the message language (not part of the webhook body). */
  displayReasons?: string[];
  goroutines: number | null;
  /** ISO time the alert was decided. */
  time: string;
  /** The log event, for event alerts; null for level changes. */
  event: AlertEvent | null;
}

/** The webhook body, exactly the contract's keys in the contract's order. */
export function webhookBody(a: Alert): Record<string, unknown> {
  return {
    container: a.container,
    host: a.host,
    level: a.level,
    previous: a.previous,
    reasons: a.reasons,
    goroutines: a.goroutines,
    time: a.time,
    event: a.event,
  };
}
