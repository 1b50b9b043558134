// Goroutine dumps from the outside: a pprof URL (bounded: connect and total timeouts, a size cap), a dump file,
// stdin, or a goroscope bundle (directory or .tar.gz) holding `pprof/goroutine-1.txt` and `pprof/goroutine-2.txt`.
// Every failure becomes one GoroscopeError line; parsing is `analyze/goroutines.ts`.
import http from 'node:http';
import https from 'node:https';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, GoroscopeError, InputError, PermissionError, UnavailableError, UsageError } from '../errors.js';
import { reachableAt, type DerivedUrl, type InspectForUrl } from './health.js';

export const PPROF_GOROUTINE_PATH = '/debug/pprof/goroutine?debug=2';

export interface FetchOptions {
  /** TCP (and TLS) connection (default 3000 ms). */
  connectTimeoutMs?: number;
  /** The whole request, body included (default 15000 ms; a dump of 100k goroutines is tens of MB). */
  timeoutMs?: number;
  /** Body cap (default 256 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export function isUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/**
 * `http://h:6060` or `http://h:6060/` → `http://h:6060/debug/pprof/goroutine?debug=2`;
 * `…/debug/pprof/` → `…/debug/pprof/goroutine?debug=2`; `…/debug/pprof/goroutine` → `…?debug=2`; anything else as given.
 */
export function pprofUrl(spec: string): string {
  let u: URL;
  try {
    u = new URL(spec);
  } catch {
    throw new UsageError('not a URL', spec, 'example: http://127.0.0.1:6060/debug/pprof/goroutine?debug=2');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('only http and https URLs are supported', spec);
  if (u.pathname === '/' || u.pathname === '') return `${u.origin}${PPROF_GOROUTINE_PATH}`;
  if (/\/debug\/pprof\/?$/.test(u.pathname)) return `${u.origin}${u.pathname.replace(/\/?$/, '/')}goroutine?debug=2`;
  if (/\/debug\/pprof\/goroutine$/.test(u.pathname) && u.search === '') return `${u.origin}${u.pathname}?debug=2`;
  return u.toString();
}

/** new-api serves pprof here when ENABLE_PPROF=true (common/pprof.go). */
export const NEW_API_PPROF_PORT = 8005;

/**
 * Where a gateway's goroutine dump can be had when nobody said: ezlinkai's METRICS_PORT (pprof on the metrics port),
 * new-api's ENABLE_PPROF=true (port 8005), else the health server itself (`/debug/pprof/` on the app port, as the
 * simulator and many builds with net/http/pprof serve it). Null when none of them can be reached from here.
 */
export function derivePprofUrl(c: InspectForUrl, healthUrl: string | null): DerivedUrl | null {
  const env = c.Config?.Env ?? [];
  for (const e of env) {
    const m = /^METRICS_PORT=(\d+)$/.exec(e); // METRICS_PORT=6060
    const at = m ? reachableAt(c, Number(m[1]), `METRICS_PORT=${m[1]} in its environment`) : null;
    if (at) return { url: `${at.origin}${PPROF_GOROUTINE_PATH}`, how: at.how };
  }
  if (env.some((e) => /^ENABLE_PPROF=(?:true|1)$/i.test(e))) {
    const at = reachableAt(c, NEW_API_PPROF_PORT, `ENABLE_PPROF=true: new-api's port ${NEW_API_PPROF_PORT}`);
    if (at) return { url: `${at.origin}${PPROF_GOROUTINE_PATH}`, how: at.how };
  }
  if (healthUrl) return { url: `${new URL(healthUrl).origin}${PPROF_GOROUTINE_PATH}`, how: 'the health server' };
  return null;
}

/** The pprof URL a user gave for this container (`--pprof-url`, GOROSCOPE_PPROF_URL, the config file), normalised; null when none. */
export function configuredPprofUrl(
  name: string,
  flag: string | undefined,
  ctx: { env: Record<string, string | undefined>; config: { pprofUrl?: string; containers?: Record<string, { pprofUrl?: string }> } },
): { url: string; source: string } | null {
  if (flag) return { url: pprofUrl(flag), source: '--pprof-url' };
  if (ctx.env.GOROSCOPE_PPROF_URL) return { url: pprofUrl(ctx.env.GOROSCOPE_PPROF_URL), source: 'GOROSCOPE_PPROF_URL' };
  const file = ctx.config.containers?.[name]?.pprofUrl ?? ctx.config.pprofUrl;
  return file ? { url: pprofUrl(file), source: 'config file' } : null;
}

/** The pprof URL `bundle` and `doctor` use for a container: the configured one, else derived; how it was found. */
export function pprofUrlFor(
  name: string,
  inspect: InspectForUrl,
  flag: string | undefined,
  ctx: Parameters<typeof configuredPprofUrl>[2],
  healthUrl: string | null,
): { url: string; derived: boolean; how: string } | null {
  const given = configuredPprofUrl(name, flag, ctx);
  if (given) return { url: given.url, derived: false, how: given.source };
  const d = derivePprofUrl(inspect, healthUrl);
  return d ? { url: d.url, derived: true, how: d.how } : null;
}

export interface PprofProbe {
  /** The dump URL as a bundle fetches it. */
  url: string;
  ok: boolean;
  /** Goroutines the profile counts. */
  goroutines: number | null;
  /** What failed, one line; null when ok. */
  error: string | null;
  latencyMs: number;
}

/**
 * Does the pprof endpoint give goroutine dumps? Asks for the cheap `debug=1` form of the same URL (a count per stack,
 * not every goroutine: small even at 100,000 goroutines) through fetchDump, bounded as a bundle's fetch is. Never throws.
 */
export async function probePprof(url: string, opts: FetchOptions = {}): Promise<PprofProbe> {
  const started = performance.now();
  const light = url.replace(/([?&]debug=)2(?=&|$)/, '$11');
  const done = (r: Omit<PprofProbe, 'url' | 'latencyMs'>): PprofProbe => ({ url, ...r, latencyMs: Math.round(performance.now() - started) });
  let text: string;
  try {
    text = await fetchDump(light, { maxBytes: 64 << 20, ...opts });
  } catch (err) {
    const e = err instanceof GoroscopeError ? err.message : (err as Error).message;
    return done({ ok: false, goroutines: null, error: e });
  }
  // debug=1 starts `goroutine profile: total 123`; debug=2 has one `goroutine 7 [chan receive]:` head per goroutine
  const total = /^goroutine profile: total (\d+)/m.exec(text);
  if (total) return done({ ok: true, goroutines: Number(total[1]), error: null });
  const heads = text.match(/^goroutine \d+ \[/gm);
  if (heads) return done({ ok: true, goroutines: heads.length, error: null });
  return done({ ok: false, goroutines: null, error: 'answered, but not with a goroutine profile' });
}

/** GET a goroutine dump as text. Throws UnavailableError (69) for network failures and non-2xx, DataError (65) for HTML. */
export function fetchDump(url: string, opts: FetchOptions = {}): Promise<string> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
  const mod = url.startsWith('https:') ? https : http;
  return new Promise<string>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, text?: string) => {
      if (done) return;
      done = true;
      clearTimeout(total);
      clearTimeout(connect);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(text!);
    };
    const req = mod.get(url, { headers: { 'user-agent': 'goroscope', accept: 'text/plain' } }, (res) => {
      const status = res.statusCode ?? 0;
      const type = String(res.headers['content-type'] ?? '');
      if (status < 200 || status > 299) {
        res.resume();
        const hint = status === 404 ? 'is pprof enabled there? ezlinkai serves /debug/pprof/ on its METRICS_PORT' : undefined;
        finish(new UnavailableError(`the pprof endpoint answered HTTP ${status}`, url, hint));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (b: Buffer) => {
        size += b.length;
        if (size > maxBytes) finish(new DataError(`the answer is larger than ${maxBytes >= 1048576 ? `${Math.round(maxBytes / 1048576)} MiB` : `${maxBytes} bytes`}`, url));
        else chunks.push(b);
      });
      res.on('error', (err) => finish(networkError(err, url, timeoutMs)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (/text\/html/i.test(type) || /^\s*<(!doctype|html)/i.test(text)) {
          finish(new DataError('an HTML page, not a goroutine dump', url, 'point at the pprof endpoint itself: /debug/pprof/goroutine?debug=2 (not a login or proxy page)'));
        } else finish(null, text);
      });
      res.on('aborted', () => finish(new UnavailableError('the connection closed before the dump was complete', url)));
    });
    const connect = setTimeout(() => finish(new UnavailableError(`no connection within ${connectTimeoutMs} ms`, url, 'is the host reachable and the port right?')), connectTimeoutMs);
    req.on('socket', (sock) => {
      if (!sock.connecting) clearTimeout(connect);
      else sock.once(url.startsWith('https:') ? 'secureConnect' : 'connect', () => clearTimeout(connect));
    });
    const total = setTimeout(() => finish(new UnavailableError(`no complete answer within ${timeoutMs} ms`, url, 'the endpoint is slow or hangs; a larger dump needs more time')), timeoutMs);
    const onAbort = () => finish(new UnavailableError('interrupted', url));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(networkError(err, url, timeoutMs)));
  });
}

function networkError(err: Error, url: string, timeoutMs: number): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return new UnavailableError('connection refused', url, 'nothing listens there: is the service up and pprof enabled on that port?', { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new UnavailableError('the host name does not resolve', url, undefined, { cause: err });
  if (code === 'ECONNRESET') return new UnavailableError('the connection was reset', url, undefined, { cause: err });
  if (code === 'ETIMEDOUT') return new UnavailableError(`no complete answer within ${timeoutMs} ms`, url, undefined, { cause: err });
  return new UnavailableError(`cannot fetch the dump: ${err.message}`, url, undefined, { cause: err });
}

export interface DumpText {
  /** Where it came from, for messages: the URL, the path, `bundle/pprof/goroutine-1.txt`. */
  label: string;
  text: string;
}

export interface DumpSource {
  dumps: DumpText[];
  /** A bundle's recorded time between its two dumps (manifest items.pprof.intervalMs), in seconds. */
  secondsApart: number | null;
}

/** Files that hold dumps inside a bundle, in order: goroscope's `pprof/goroutine-N.txt`, else `goroutine*.txt` anywhere at the top. */
async function bundleDumps(root: string, label: string): Promise<DumpSource> {
  const found: string[] = [];
  for (const dir of ['pprof', '.']) {
    let names: string[];
    try {
      names = await readdir(join(root, dir));
    } catch {
      continue;
    }
    const dumps = names.filter((n) => /^goroutines?[-_.\w]*\.txt$/i.test(n)).sort(byNumber);
    if (dumps.length > 0) {
      found.push(...dumps.map((n) => join(dir, n)));
      break;
    }
  }
  if (found.length === 0) throw new InputError('no goroutine dump in this bundle (pprof/goroutine-*.txt)', label, 'bundle with --pprof-url so it collects two dumps');
  let secondsApart: number | null = null;
  try {
    const m = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as { items?: { pprof?: { intervalMs?: number } } };
    const ms = m.items?.pprof?.intervalMs;
    if (typeof ms === 'number' && ms > 0) secondsApart = ms / 1000;
  } catch {
    // no manifest, or not ours: the rate is unknown
  }
  const dumps: DumpText[] = [];
  for (const f of found) dumps.push({ label: join(label, f), text: await readFile(join(root, f), 'utf8') });
  return { dumps, secondsApart };
}

function byNumber(a: string, b: string): number {
  const na = Number(/(\d+)/.exec(a)?.[1] ?? 0);
  const nb = Number(/(\d+)/.exec(b)?.[1] ?? 0);
  return na - nb || (a < b ? -1 : a > b ? 1 : 0);
}

function fileError(err: unknown, path: string): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError('no such file or directory', path, 'SOURCE is a pprof URL (http://host:port), a dump file, - (stdin), or a bundle');
  if (code === 'EACCES' || code === 'EPERM') return new PermissionError('permission denied', path);
  if (code === 'EISDIR') return new InputError('is a directory', path);
  return new InputError(`cannot read: ${(err as Error).message}`, path, undefined, { cause: err });
}

/** Read every dump a SOURCE names: a URL (one fetch), `-` (stdin), a dump file, a bundle directory or archive. */
export async function readDumpSource(spec: string, opts: FetchOptions & { stdin?: NodeJS.ReadableStream } = {}): Promise<DumpSource> {
  if (isUrl(spec)) {
    const url = pprofUrl(spec);
    return { dumps: [{ label: url, text: await fetchDump(url, opts) }], secondsApart: null };
  }
  if (spec === '-') {
    const chunks: Buffer[] = [];
    for await (const c of opts.stdin ?? process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
    return { dumps: [{ label: 'stdin', text: Buffer.concat(chunks).toString('utf8') }], secondsApart: null };
  }
  let st;
  try {
    st = await stat(spec);
  } catch (err) {
    throw fileError(err, spec);
  }
  if (st.isDirectory()) return bundleDumps(spec, spec);
  if (/\.(tar\.gz|tgz)$/i.test(spec)) {
    const { unpackBundle } = await import('./bundle.js');
    const dir = await unpackBundle(spec);
    try {
      // the archive holds one top directory
      const top = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
      const root = top.length === 1 && !(await exists(join(dir, 'pprof'))) ? join(dir, top[0]!.name) : dir;
      return await bundleDumps(root, spec);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  try {
    return { dumps: [{ label: spec, text: await readFile(spec, 'utf8') }], secondsApart: null };
  } catch (err) {
    throw fileError(err, spec);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
