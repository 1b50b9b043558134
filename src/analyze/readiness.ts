// `doctor`'s rules: what the facts gathered before an emergency (src/sources/readiness.ts) mean for the day the
// gateway is at 10,000 goroutines. Pure. Each finding has a stable code, a level and the values its sentence needs;
// the words (English and Chinese, with what to do) are src/report/doctor.ts. docs/doctor.md lists every rule.
import type { GatewayFacts, ReadinessFacts } from '../sources/readiness.js';

/**
 * `ok`: in place; `info`: worth knowing; `warning`: an emergency collection will lack something;
 * `blocker`: an emergency collection cannot be made (no Docker, no logs, nowhere to write).
 */
export type FindingLevel = 'ok' | 'info' | 'warning' | 'blocker';

export type FindingCode =
  | 'docker_ok'
  | 'docker_unreachable'
  | 'docker_permission'
  | 'docker_api_old'
  | 'docker_context_overridden'
  | 'no_gateway'
  | 'port_only'
  | 'no_such_container'
  | 'lookup_failed'
  | 'not_running'
  | 'logs_ok'
  | 'logs_none'
  | 'logs_unreadable'
  | 'logs_failed'
  | 'restart_ok'
  | 'restart_none'
  | 'health_ok'
  | 'health_no_url'
  | 'health_failed'
  | 'health_no_count'
  | 'pprof_ok'
  | 'pprof_no_url'
  | 'pprof_missing'
  | 'output_ok'
  | 'output_not_writable'
  | 'output_low_space';

export interface Finding {
  code: FindingCode;
  level: FindingLevel;
  /** The container it is about; null for Docker and the output directory. */
  container: string | null;
  vars: Record<string, string | number>;
}

/** Overall: `ready` (0), `warnings` (1), `blocked` (2), `nothing-found` (3: no gateway container to check). */
export type Readiness = 'ready' | 'warnings' | 'blocked' | 'nothing-found';

export const READINESS_EXIT: Record<Readiness, number> = { ready: 0, warnings: 1, blocked: 2, 'nothing-found': 3 };

/** Logs through Docker's API need API 1.35 (Docker 18.02) for `until`, which bounds a bundle's log read. */
export const MIN_API_FOR_UNTIL = '1.35';
/** Less free space than this where bundles go is a warning: a bundle holds the whole log. */
export const LOW_SPACE_BYTES = 1 << 30;
/** Docker's restart policies that bring a crashed gateway back. */
const RESTARTING_POLICIES = new Set(['always', 'unless-stopped', 'on-failure']);
/** Log drivers that keep no log at all. */
const NO_LOG_DRIVERS = new Set(['none']);

function apiBelow(version: string, min: string): boolean {
  const [a1, a2] = version.split('.').map(Number);
  const [b1, b2] = min.split('.').map(Number);
  if (!Number.isFinite(a1) || !Number.isFinite(a2)) return false;
  return a1! < b1! || (a1 === b1 && a2! < b2!);
}

export function errorText(e: { message: string; value: string | null }): string {
  return `${e.message}${e.value !== null ? ` (${e.value})` : ''}`;
}

/** `12.3 GB`, `850 MB`. */
export function gigabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

function gatewayFindings(g: GatewayFacts): Finding[] {
  const out: Finding[] = [];
  const add = (code: FindingCode, level: FindingLevel, vars: Record<string, string | number> = {}) => out.push({ code, level, container: g.name, vars: { name: g.name, ...vars } });
  if (g.lookupError) {
    if (g.lookupError.exitCode === 67) add('no_such_container', 'blocker', { hint: g.lookupError.hint ?? 'docker ps -a lists containers' });
    else add('lookup_failed', 'blocker', { error: errorText(g.lookupError), hint: g.lookupError.hint ?? '' });
    return out;
  }
  if (!g.state) return out;
  if (!g.state.running) add('not_running', 'warning', { status: g.state.status, exitCode: g.state.exitCode });

  const driver = g.logDriver ?? 'json-file';
  if (NO_LOG_DRIVERS.has(driver)) add('logs_none', 'blocker', { driver });
  else if (g.logsReadable) add('logs_ok', 'ok', { driver });
  else if (g.logError && g.logError.exitCode === 69 && /log driver cannot be read/.test(g.logError.message)) add('logs_unreadable', 'blocker', { driver, hint: g.logError.hint ?? '' });
  else if (g.logError) add('logs_failed', 'warning', { driver, error: errorText(g.logError) });

  const policy = g.restartPolicy ?? 'no';
  if (RESTARTING_POLICIES.has(policy)) add('restart_ok', 'ok', { policy });
  else add('restart_none', 'warning', { policy });

  // A stopped gateway answers nothing: its endpoints are not judged (not_running says so).
  if (!g.state.running) return out;
  const h = g.health;
  if (!h) add('health_no_url', 'warning');
  else if (h.result && !h.result.ok) add('health_failed', 'warning', { url: h.result.url, how: h.how, error: `${h.result.errorKind}: ${h.result.error}` });
  else if (h.result && h.result.goroutines === null) add('health_no_count', 'warning', { url: h.result.url, how: h.how, note: h.result.note ?? '' });
  else if (h.result) add('health_ok', 'ok', { url: h.result.url, how: h.how, count: h.result.goroutines!, ms: h.result.latencyMs });

  const p = g.pprof;
  if (!p) add('pprof_no_url', 'warning');
  else if (p.result && !p.result.ok) add('pprof_missing', 'warning', { url: p.url, how: p.how, error: p.result.error ?? '' });
  else if (p.result) add('pprof_ok', 'ok', { url: p.url, how: p.how, count: p.result.goroutines ?? 0 });
  return out;
}

/** Every finding, in the order a reader checks them: Docker, each gateway, where bundles go. */
export function readinessFindings(f: ReadinessFacts): Finding[] {
  const out: Finding[] = [];
  const d = f.docker;
  const endpoint = d.endpoint ?? d.error?.value ?? '?';
  if (d.error) {
    const code = d.error.exitCode === 77 ? 'docker_permission' : 'docker_unreachable';
    out.push({ code, level: 'blocker', container: null, vars: { endpoint, from: d.from, error: errorText(d.error), hint: d.error.hint ?? '' } });
  } else if (d.version) {
    out.push({ code: 'docker_ok', level: 'ok', container: null, vars: { endpoint, from: d.from, version: d.version.version, api: d.version.apiVersion } });
    if (apiBelow(d.version.apiVersion, MIN_API_FOR_UNTIL)) {
      out.push({ code: 'docker_api_old', level: 'warning', container: null, vars: { api: d.version.apiVersion, min: MIN_API_FOR_UNTIL } });
    }
  }
  if (d.overriddenContext) out.push({ code: 'docker_context_overridden', level: 'info', container: null, vars: { from: d.from, context: d.overriddenContext } });
  if (!d.error && f.searched && f.gateways.length === 0) out.push({ code: 'no_gateway', level: 'warning', container: null, vars: { count: f.containersSeen } });
  for (const g of f.gateways) out.push(...gatewayFindings(g));
  if (!d.error) for (const p of f.portOnly) out.push({ code: 'port_only', level: 'info', container: p.name, vars: { name: p.name, image: p.image } });
  const o = f.output;
  if (!o.writable) out.push({ code: 'output_not_writable', level: 'blocker', container: null, vars: { dir: o.dir, error: o.error ?? '' } });
  else if (o.freeBytes !== null && o.freeBytes < LOW_SPACE_BYTES) out.push({ code: 'output_low_space', level: 'warning', container: null, vars: { dir: o.dir, free: gigabytes(o.freeBytes) } });
  else out.push({ code: 'output_ok', level: 'ok', container: null, vars: { dir: o.dir, free: o.freeBytes === null ? '?' : gigabytes(o.freeBytes) } });
  return out;
}

/** Blocked beats nothing-found beats warnings beats ready. */
export function readiness(findings: readonly Finding[]): Readiness {
  if (findings.some((x) => x.level === 'blocker')) return 'blocked';
  if (findings.some((x) => x.code === 'no_gateway')) return 'nothing-found';
  if (findings.some((x) => x.level === 'warning')) return 'warnings';
  return 'ready';
}
