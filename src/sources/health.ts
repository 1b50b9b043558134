// The gateway's health endpoint, read once and bounded: ezlinkai `/api/monitor/health`, upstream One API
// `/api/status` (no goroutine count), Prometheus `/metrics` (`go_goroutines`). Every way it can fail is a
// result with an `errorKind`, never a throw, so check / watch / bundle / alert can show it and carry on.
import http from 'node:http';
import https from 'node:https';

export type HealthErrorKind =
  | 'bad_url' // not an http(s) URL
  | 'refused' // ECONNREFUSED: nothing listens there
  | 'dns' // the host name does not resolve
  | 'connect_timeout' // no TCP connection within the connect timeout
  | 'timeout' // connected, but no complete answer within the total timeout
  | 'network' // reset, unreachable, TLS failure …
  | 'http_status' // answered with a non-2xx status
  | 'too_large' // body larger than the cap
  | 'not_json' // a JSON endpoint that answered something else (HTML login page, proxy error page)
  | 'bad_shape'; // JSON, or /metrics text, without the fields we read

/** Which endpoint family answered. */
export type HealthFormat = 'ezlinkai' | 'status' | 'metrics';

export interface HealthMemory {
  allocMb: number;
  totalAllocMb: number | null;
  sysMb: number | null;
  numGc: number | null;
}

export interface HealthResult {
  url: string;
  /** True when the endpoint answered 2xx with a body of a shape we know. */
  ok: boolean;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  latencyMs: number;
  /** One line for people, null when ok. */
  error: string | null;
  errorKind: HealthErrorKind | null;
  format: HealthFormat | null;
  goroutines: number | null;
  memory: HealthMemory | null;
  /** ezlinkai `status` field (`ok`), when present. */
  reportedStatus: string | null;
  /** Something worth saying although the probe worked (e.g. `/api/status` has no goroutine count). */
  note: string | null;
  headers: Record<string, string>;
  /** The body as text (capped), null when none was read. */
  body: string | null;
}

export interface ProbeOptions {
  /** Whole request, connect included (default 5000 ms). */
  timeoutMs?: number;
  /** TCP (and TLS) connection (default: min(timeoutMs, 3000 ms)). */
  connectTimeoutMs?: number;
  /** Body cap in bytes (default 1 MiB; a health JSON is ~100 B, /metrics some 10 KB). */
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 5000;
export const DEFAULT_HEALTH_PATH = '/api/monitor/health';
const DEFAULT_MAX_BODY = 1 << 20;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

class ProbeFailure extends Error {
  constructor(
    readonly kind: HealthErrorKind,
    message: string,
    readonly answer?: RawAnswer,
  ) {
    super(message);
  }
}

/** GET the URL and read what it says about goroutines and memory. Never throws. */
export async function probeHealth(url: string, opts: ProbeOptions = {}): Promise<HealthResult> {
  const started = performance.now();
  const base: HealthResult = {
    url,
    ok: false,
    status: null,
    latencyMs: 0,
    error: null,
    errorKind: null,
    format: null,
    goroutines: null,
    memory: null,
    reportedStatus: null,
    note: null,
    headers: {},
    body: null,
  };
  let answer: RawAnswer;
  try {
    answer = await get(url, opts);
  } catch (err) {
    const f = err instanceof ProbeFailure ? err : new ProbeFailure('network', (err as Error).message);
    return {
      ...base,
      latencyMs: Math.round(performance.now() - started),
      error: f.message,
      errorKind: f.kind,
      status: f.answer?.status ?? null,
      headers: f.answer?.headers ?? {},
      body: f.answer?.body ?? null,
    };
  }
  const result: HealthResult = {
    ...base,
    latencyMs: Math.round(performance.now() - started),
    status: answer.status,
    headers: answer.headers,
    body: answer.body,
  };
  if (answer.status < 200 || answer.status > 299) {
    return { ...result, errorKind: 'http_status', error: `HTTP ${answer.status}${answer.status === 404 ? ' (no such endpoint)' : ''}` };
  }
  return { ...result, ...interpretBody(url, answer) };
}

/** What a 2xx body says. Pure; exported for tests. */
export function interpretBody(
  url: string,
  answer: { headers: Record<string, string>; body: string },
): Pick<HealthResult, 'ok' | 'error' | 'errorKind' | 'format' | 'goroutines' | 'memory' | 'reportedStatus' | 'note'> {
  const none = { ok: false, format: null, goroutines: null, memory: null, reportedStatus: null, note: null };
  const type = answer.headers['content-type'] ?? '';
  const path = safePath(url);
  const text = answer.body;
  const looksJson = /^\s*[{[]/.test(text);
  if (!looksJson && (path.endsWith('/metrics') || /text\/plain|openmetrics/.test(type) || /^go_goroutines\s/m.test(text))) {
    return fromMetrics(text);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const what = /<html|<!doctype/i.test(text) ? 'an HTML page' : text.trim() === '' ? 'an empty body' : 'text that is not JSON';
    return { ...none, errorKind: 'not_json', error: `answered ${what}${type ? ` (${type.split(';')[0]})` : ''}, not JSON` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ...none, errorKind: 'bad_shape', error: 'JSON is not an object' };
  }
  const o = data as Record<string, unknown>;
  // ezlinkai: {"status":"ok","goroutines":123,"memory":{"alloc_mb":12,"total_alloc_mb":345,"sys_mb":67,"num_gc":8}}
  if ('goroutines' in o) {
    const g = o.goroutines;
    if (typeof g !== 'number' || !Number.isInteger(g) || g < 0) {
      return { ...none, errorKind: 'bad_shape', error: `"goroutines" is not a whole number (${JSON.stringify(g)})` };
    }
    const m = o.memory as Record<string, unknown> | undefined;
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const alloc = m && typeof m === 'object' ? num(m.alloc_mb) : null;
    const memory =
      m && typeof m === 'object' && alloc !== null
        ? { allocMb: alloc, totalAllocMb: num(m.total_alloc_mb), sysMb: num(m.sys_mb), numGc: num(m.num_gc) }
        : null;
    const reported = typeof o.status === 'string' ? o.status : null;
    return {
      ok: true,
      error: null,
      errorKind: null,
      format: 'ezlinkai',
      goroutines: g,
      memory,
      reportedStatus: reported,
      note: reported !== null && reported !== 'ok' ? `endpoint reports status "${reported}"` : null,
    };
  }
  // upstream One API: {"success":true,"message":"","data":{"version":"v0.6.10",…}}
  if (typeof o.success === 'boolean' && 'data' in o) {
    if (!o.success) return { ...none, format: 'status', errorKind: 'bad_shape', error: `/api/status says success=false (${String(o.message ?? '')})` };
    const version = (o.data as Record<string, unknown> | null)?.version;
    return {
      ...none,
      ok: true,
      error: null,
      errorKind: null,
      format: 'status',
      note: `this endpoint reports no goroutine count (One API /api/status${typeof version === 'string' ? `, ${version}` : ''}); ezlinkai builds serve ${DEFAULT_HEALTH_PATH}`,
    };
  }
  return { ...none, errorKind: 'bad_shape', error: `JSON without "goroutines" (keys: ${Object.keys(o).slice(0, 6).join(', ') || 'none'})` };
}

// Prometheus text exposition, e.g. `go_goroutines 42`, `go_memstats_alloc_bytes 1.2345e+07`.
const METRIC = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/;

function fromMetrics(text: string): ReturnType<typeof interpretBody> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = METRIC.exec(line);
    if (m && !values.has(m[1]!)) values.set(m[1]!, Number(m[2]));
  }
  const g = values.get('go_goroutines');
  if (g === undefined || !Number.isFinite(g)) {
    return {
      ok: false,
      format: 'metrics',
      goroutines: null,
      memory: null,
      reportedStatus: null,
      note: null,
      errorKind: 'bad_shape',
      error: 'metrics without go_goroutines',
    };
  }
  const mb = (name: string): number | null => {
    const v = values.get(name);
    return v === undefined || !Number.isFinite(v) ? null : Math.round((v / 1048576) * 10) / 10;
  };
  const alloc = mb('go_memstats_alloc_bytes');
  const gc = values.get('go_gc_duration_seconds_count');
  return {
    ok: true,
    error: null,
    errorKind: null,
    format: 'metrics',
    goroutines: Math.round(g),
    memory: alloc === null ? null : { allocMb: alloc, totalAllocMb: mb('go_memstats_alloc_bytes_total'), sysMb: mb('go_memstats_sys_bytes'), numGc: gc ?? null },
    reportedStatus: null,
    note: null,
  };
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

function get(url: string, opts: ProbeOptions): Promise<RawAnswer> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const connectMs = Math.min(opts.connectTimeoutMs ?? 3000, timeoutMs);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new ProbeFailure('bad_url', 'not a URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new ProbeFailure('bad_url', `not an http(s) URL (${target.protocol})`));
  }
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise<RawAnswer>((resolve, reject) => {
    let done = false;
    const finish = (err: ProbeFailure | null, value?: RawAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(total);
      clearTimeout(connect);
      opts.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const req = lib.request(target, {
      method: 'GET',
      agent: false, // a fresh socket each time: a keep-alive socket would hide a server that went away
      headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1', 'user-agent': 'goroscope' },
    });
    const total = setTimeout(() => finish(new ProbeFailure('timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
    const connect = setTimeout(() => finish(new ProbeFailure('connect_timeout', `no connection within ${connectMs} ms`)), connectMs);
    const onAbort = () => finish(new ProbeFailure('timeout', 'cancelled'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (sock) => {
      const connected = () => clearTimeout(connect);
      if (target.protocol === 'https:') sock.once('secureConnect', connected);
      else if ((sock as { connecting?: boolean }).connecting === false) connected();
      else sock.once('connect', connected);
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish(classify(err)));
    req.on('response', (res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > maxBody) {
          const body = Buffer.concat(chunks).toString('utf8');
          finish(new ProbeFailure('too_large', `body larger than ${maxBody} bytes`, { status: res.statusCode ?? 0, headers, body }));
          return;
        }
        chunks.push(b);
      });
      res.on('error', (err: NodeJS.ErrnoException) => finish(classify(err)));
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.end();
  });
}

function classify(err: NodeJS.ErrnoException): ProbeFailure {
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ProbeFailure('refused', 'connection refused: nothing listens there');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ProbeFailure('dns', `host name does not resolve (${err.code})`);
    case 'ETIMEDOUT':
      return new ProbeFailure('connect_timeout', 'connection timed out');
    default:
      return new ProbeFailure('network', `${err.code ?? 'error'}: ${err.message}`);
  }
}

/** The parts of `docker inspect` that say where the gateway listens. Structural, so no dockerode import here. */
export interface InspectForUrl {
  Path?: string;
  Args?: string[] | null;
  Config?: { Env?: string[] | null; Cmd?: string[] | null } | null;
  HostConfig?: { NetworkMode?: string } | null;
  NetworkSettings?: {
    IPAddress?: string;
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    /** User-defined networks (compose) keep the address here, not in IPAddress. */
    Networks?: Record<string, { IPAddress?: string } | null> | null;
  } | null;
}

export interface DerivedUrl {
  url: string;
  /** How it was found, for people: `published port 3000/tcp → 127.0.0.1:8080`. */
  how: string;
}

// One API reads `--port 3000` / `--port=3000` (main.go flag) or the PORT env var; default 3000.
const PORT_FLAG = /^--?port(?:=(\d+))?$/;

/** The app's own port inside the container and where that came from. */
export function appPort(c: InspectForUrl): { port: number; from: string } {
  const args = [...(c.Args ?? c.Config?.Cmd ?? [])];
  for (let i = 0; i < args.length; i++) {
    const m = PORT_FLAG.exec(args[i]!);
    if (!m) continue;
    const v = m[1] ?? args[i + 1];
    if (v && /^\d+$/.test(v)) return { port: Number(v), from: `--port ${v} on its command line` };
  }
  for (const e of c.Config?.Env ?? []) {
    const m = /^PORT=(\d+)$/.exec(e);
    if (m) return { port: Number(m[1]), from: `PORT=${m[1]} in its environment` };
  }
  return { port: 3000, from: 'the default port 3000' };
}

/**
 * Where a port of the container can be reached from here: the host network (127.0.0.1:PORT), a published port for
 * PORT/tcp, else the container's IP (reachable from the Docker host on Linux only). `from` says where the port came
 * from, for people. Null when none applies (e.g. `--network none`).
 */
export function reachableAt(c: InspectForUrl, port: number, from: string): { origin: string; how: string } | null {
  if (c.HostConfig?.NetworkMode === 'host') return { origin: `http://127.0.0.1:${port}`, how: `host network, ${from}` };
  const bindings = c.NetworkSettings?.Ports?.[`${port}/tcp`] ?? [];
  const b = bindings.find((x) => x.HostPort) ?? null;
  if (b) {
    const ip = !b.HostIp || b.HostIp === '0.0.0.0' || b.HostIp === '::' ? '127.0.0.1' : b.HostIp;
    const host = ip.includes(':') ? `[${ip}]` : ip;
    return { origin: `http://${host}:${b.HostPort}`, how: `published port ${port}/tcp → ${host}:${b.HostPort}` };
  }
  const ip = c.NetworkSettings?.IPAddress || Object.values(c.NetworkSettings?.Networks ?? {}).find((n) => n?.IPAddress)?.IPAddress;
  if (ip) return { origin: `http://${ip}:${port}`, how: `container IP ${ip} (${from}; port not published)` };
  return null;
}

/**
 * Where the health endpoint of a container can be reached from here: the app's port (appPort) where reachableAt
 * finds it. Null when none applies (e.g. `--network none`).
 */
export function deriveHealthUrl(c: InspectForUrl, path = DEFAULT_HEALTH_PATH): DerivedUrl | null {
  const { port, from } = appPort(c);
  const at = reachableAt(c, port, from);
  return at ? { url: `${at.origin}${path}`, how: at.how } : null;
}

/**
 * Probe a URL; when it was derived (not given) and `/api/monitor/health` is 404, try upstream One API's
 * `/api/status` on the same server, so a non-ezlinkai gateway is told apart from a dead one.
 */
export async function probeWithFallback(url: string, derived: boolean, opts: ProbeOptions = {}): Promise<HealthResult> {
  const first = await probeHealth(url, opts);
  if (!derived || first.errorKind !== 'http_status' || first.status !== 404 || !url.endsWith(DEFAULT_HEALTH_PATH)) return first;
  const second = await probeHealth(url.slice(0, -DEFAULT_HEALTH_PATH.length) + '/api/status', opts);
  return second.ok ? second : first;
}
