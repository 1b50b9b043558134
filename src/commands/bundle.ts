// `goroscope bundle CONTAINER`: validate the flags, wire the real Docker / HTTP / pipeline calls into the
// collector (src/bundle/collect.ts), show progress, and say where the bundle is (README "bundle").
import { createRequire } from 'node:module';
import type { CommandContext } from '../cli/context.js';
import { EXIT, UsageError, UnavailableError } from '../errors.js';
import { parseTimeArg, requireDuration } from '../time.js';
import type { BundleDeps, InspectLike } from '../bundle/collect.js';
import type { BundleFormat } from '../bundle/writer.js';

export interface BundleCliOptions {
  out?: string;
  since?: string;
  healthUrl?: string;
  pprofUrl?: string;
  redact?: boolean;
  format?: string;
  pprofInterval?: string;
  timeout?: string;
  quiet?: boolean;
}

const PPROF_PATH = '/debug/pprof/goroutine?debug=2';

/** `http://h:6060` → `http://h:6060/debug/pprof/goroutine?debug=2`; a URL with a path is kept as given. */
export function pprofUrlFrom(text: string, where: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UsageError(`${where} is not a URL`, text, `example: http://127.0.0.1:3000${PPROF_PATH}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${where} must be http:// or https://`, text);
  return u.pathname === '/' && u.search === '' ? `${u.origin}${PPROF_PATH}` : text;
}

function human(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(1)} ${units[i]}`;
}

export async function run(container: string, opts: BundleCliOptions, ctx: CommandContext): Promise<void> {
  const format = (opts.format ?? 'tgz') as BundleFormat;
  if (format !== 'tgz' && format !== 'dir') throw new UsageError('--format takes tgz or dir', opts.format);
  const now = ctx.now();
  const since = opts.since !== undefined ? parseTimeArg('--since', opts.since, now, ctx.tz) : undefined;
  if (since !== undefined && since > now) throw new UsageError('--since is in the future', opts.since);
  const timeoutMs = opts.timeout !== undefined ? requireDuration('--timeout', opts.timeout) : 10_000;
  const pprofIntervalMs = opts.pprofInterval !== undefined ? requireDuration('--pprof-interval', opts.pprofInterval) : 5_000;
  const redact = opts.redact !== false;

  const [{ collectBundle }, { connect, mapDockerError }, { inspectRaw }, { streamLogFrames }, { containerEvents }, health, { configuredHealthUrl }, { runPipeline }, { SummaryBuilder }] =
    await Promise.all([
      import('../bundle/collect.js'),
      import('../docker/client.js'),
      import('../docker/containers.js'),
      import('../docker/logs.js'),
      import('../docker/events.js'),
      import('../sources/health.js'),
      import('../sources/facts.js'),
      import('../pipeline.js'),
      import('../analyze/summary.js'),
    ]);
  configuredHealthUrl(container, opts.healthUrl, ctx); // a bad --health-url fails before anything is collected
  if (opts.pprofUrl) pprofUrlFrom(opts.pprofUrl, '--pprof-url');

  const client = await connect(ctx.globals.host?.[0]);
  const step = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  let inspected: InspectLike | null = null;

  const deps: BundleDeps = {
    async inspect() {
      inspected = (await inspectRaw(client, container, ctx.signal)) as unknown as InspectLike;
      return inspected;
    },
    async logs(inspect, window, onFrame) {
      const { toContainerInfo } = await import('../docker/containers.js');
      const info = toContainerInfo(inspect as never);
      await streamLogFrames(
        client,
        info,
        { timestamps: true, until: window.until, signal: window.signal, ...(window.since !== undefined ? { since: window.since } : {}) },
        onFrame,
      );
    },
    async stats(signal) {
      try {
        const c = client.docker.getContainer(inspected!.Id);
        return await c.stats({ stream: false, abortSignal: step(signal) } as never);
      } catch (err) {
        if (signal.aborted) throw new Error('interrupted');
        if ((err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') throw new UnavailableError('stats timed out', `${timeoutMs} ms`);
        throw mapDockerError(err, client);
      }
    },
    async events(inspect, w) {
      return containerEvents(client.docker, inspect.Id, { since: w.since, until: w.until, signal: w.signal, timeoutMs });
    },
    health(url, derived, signal) {
      return health.probeWithFallback(url, derived, { timeoutMs, signal });
    },
    async fetchText(url, signal) {
      let res: Response;
      try {
        res = await fetch(url, { signal: step(signal), headers: { 'user-agent': 'goroscope' } });
      } catch (err) {
        if (signal.aborted) throw new Error('interrupted');
        const e = err as Error & { cause?: { code?: string } };
        if (e.name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs} ms`);
        throw new Error(e.cause?.code ? `${e.cause.code}: ${url}` : e.message);
      }
      if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
      const text = await res.text();
      if (!/^goroutine \d+ \[/m.test(text)) throw new Error(`not a goroutine dump (debug=2) at ${url}`);
      return text;
    },
    async scan(source, onEvent, signal) {
      const b = new SummaryBuilder();
      const stats = await runPipeline([source], { tz: ctx.tz, signal }, (e) => {
        b.add(e);
        onEvent(e);
      });
      return b.finish(stats);
    },
  };
  try {
    const g = await import('../analyze/goroutines.js' as string);
    if (typeof g.compareDumpsMarkdown === 'function') deps.compareDumps = (a, b) => g.compareDumpsMarkdown(a, b);
  } catch {
    // goroutine dump comparison not available in this build
  }

  const showProgress = !opts.quiet && ctx.stderr.isTTY === true;
  const require = createRequire(import.meta.url);
  const { version } = require('../../package.json') as { version: string };
  const result = await collectBundle(deps, {
    outDir: opts.out ?? '.',
    format,
    redact,
    ...(since !== undefined ? { since } : {}),
    healthUrl: (inspect) => {
      const configured = configuredHealthUrl(inspect.Name.replace(/^\//, ''), opts.healthUrl, ctx);
      if (configured) return { url: configured.url, derived: false, how: configured.source };
      const d = health.deriveHealthUrl(inspect as never);
      return d ? { url: d.url, derived: true, how: d.how } : null;
    },
    pprofUrl: (inspect, healthUrl) => {
      const name = inspect.Name.replace(/^\//, '');
      const given = opts.pprofUrl ?? (ctx.env.GOROSCOPE_PPROF_URL || undefined) ?? ctx.config.containers?.[name]?.pprofUrl ?? ctx.config.pprofUrl;
      if (given) return { url: pprofUrlFrom(given, '--pprof-url'), derived: false };
      if (healthUrl) return { url: `${new URL(healthUrl).origin}${PPROF_PATH}`, derived: true };
      return null;
    },
    pprofIntervalMs,
    statsIntervalMs: 1000,
    version,
    commandLine: ['goroscope', ...process.argv.slice(2)],
    dockerHost: client.endpoint,
    now: ctx.now,
    signal: ctx.signal,
    ...(showProgress
      ? {
          onProgress: (p: { bytes: number; lines: number; done: boolean }) => {
            ctx.stderr.write(`\r\x1b[Klogs: ${human(p.bytes)}, ${p.lines.toLocaleString('en-US')} lines${p.done ? '\n' : ''}`);
          },
        }
      : {}),
  });

  const { finished, manifest } = result;
  const failed = Object.entries(manifest.items).filter(([, it]) => it.status === 'failed');
  if (result.interrupted) {
    ctx.stderr.write(`interrupted: kept the incomplete bundle ${finished.path} (${human(finished.bytes)}; manifest.json says complete: false)\n`);
    process.exitCode = EXIT.INTERRUPTED;
    return;
  }
  if (!opts.quiet && failed.length > 0) {
    for (const [name, it] of failed) ctx.stderr.write(`warning: ${name} not collected: ${it.status === 'failed' ? it.error : ''}\n`);
  }
  ctx.stdout.write(`${manifest.complete ? 'bundle' : 'incomplete bundle'}: ${finished.path} (${human(finished.bytes)})\n`);
}
