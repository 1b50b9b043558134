// The quick check's rules, as a function of what was collected about one container. Pure.
// Levels and exit codes follow the Nagios plugin convention: ok 0, warning 1, critical 2, unknown 3.
import { goroutineLevel, type Thresholds } from '../config.js';

export type Level = 'ok' | 'warning' | 'critical' | 'unknown';

export const LEVEL_EXIT: Record<Level, number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

/** Severity for the overall verdict: a warning or critical beats unknown ("unknown unless something else is worse"). */
const RANK: Record<Level, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

export function worst(levels: Iterable<Level>): Level {
  let w: Level = 'ok';
  for (const l of levels) if (RANK[l] > RANK[w]) w = l;
  return w;
}

export interface CheckFacts {
  /** null when the container does not exist / cannot be inspected; `lookupError` then says why. */
  state: {
    status: string; // running | restarting | exited | created | paused | dead | removing
    oomKilled: boolean;
    exitCode: number;
    /** Docker healthcheck status when one is configured. */
    health: string | null;
  } | null;
  lookupError?: string;
  restartCount: number;
  /** Restarts accepted without warning (`--baseline-restarts`, default 0). */
  baselineRestarts: number;
  /** The goroutine count and where it came from. */
  goroutines: number | null;
  goroutineSource: 'health' | 'log' | null;
  /** ISO time of the log line, when the count came from the logs. */
  goroutineTime?: string | null;
  /** The endpoint's failure, when it failed (for the reason text). */
  healthError: string | null;
  /** The endpoint answered but has no goroutine count (`/api/status`). */
  healthNote?: string | null;
  thresholds: Thresholds;
}

/** A reason with a stable code (for translation) and the values its text needs. */
export interface Reason {
  code:
    | 'no_container'
    | 'not_running'
    | 'restarting'
    | 'oom_killed'
    | 'restarts'
    | 'unhealthy'
    | 'goroutines_ok'
    | 'goroutines_warning'
    | 'goroutines_critical'
    | 'goroutines_emergency'
    | 'goroutines_from_log'
    | 'no_goroutines';
  level: Level;
  vars: Record<string, string | number>;
}

export interface Verdict {
  level: Level;
  /** Goroutines at or above the emergency threshold: collect a bundle now. */
  emergency: boolean;
  reasons: Reason[];
}

export function verdict(f: CheckFacts): Verdict {
  const reasons: Reason[] = [];
  const add = (code: Reason['code'], level: Level, vars: Reason['vars'] = {}) => reasons.push({ code, level, vars });
  if (!f.state) {
    add('no_container', 'unknown', { error: f.lookupError ?? 'not found' });
    return { level: 'unknown', emergency: false, reasons };
  }
  const running = f.state.status === 'running';
  if (f.state.status === 'restarting') add('restarting', 'critical', { exitCode: f.state.exitCode });
  else if (!running) add('not_running', 'critical', { status: f.state.status, exitCode: f.state.exitCode });
  if (f.state.oomKilled) add('oom_killed', 'warning');
  if (f.restartCount > f.baselineRestarts) add('restarts', 'warning', { count: f.restartCount, baseline: f.baselineRestarts });
  if (f.state.health === 'unhealthy' && running) add('unhealthy', 'warning');

  let emergency = false;
  if (f.goroutines !== null) {
    const gl = goroutineLevel(f.goroutines, f.thresholds);
    const vars = { count: f.goroutines, warning: f.thresholds.warning, critical: f.thresholds.critical, emergency: f.thresholds.emergency };
    if (gl === 'emergency') {
      emergency = true;
      add('goroutines_emergency', 'critical', vars);
    } else if (gl === 'critical') add('goroutines_critical', 'critical', vars);
    else if (gl === 'warning') add('goroutines_warning', 'warning', vars);
    else add('goroutines_ok', 'ok', vars);
    if (f.goroutineSource === 'log') add('goroutines_from_log', 'ok', { time: f.goroutineTime ?? '?', error: f.healthError ?? f.healthNote ?? '' });
  } else if (running) {
    // Only a running gateway can be asked; a stopped one is critical already.
    add('no_goroutines', 'unknown', { error: f.healthError ?? f.healthNote ?? 'no endpoint' });
  }
  return { level: worst(reasons.map((r) => r.level)), emergency, reasons };
}
