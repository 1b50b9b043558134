// `goroscope bundle CONTAINER`: validate the flags, wire the real Docker / HTTP / pipeline calls into the
// collector (src/bundle/collect.ts), show progress, and say where the bundle is (docs/bundle.md).
import { createRequire } from 'node:module';
import type { CommandContext } from '../cli/context.js';
import { readTimeout } from '../cli/options.js';
import { EXIT, UsageError, UnavailableError } from '../errors.js';
import { retrying } from '../docker/retry.js';
import { parseTimeArg, requireDuration } from '../time.js';
import type { BundleDeps, BundleResult, InspectLike } from '../bundle/types.js';
import type { DockerRuntime } from '../docker/index.js';
import type { BundleFormat } from '../bundle/writer.js';
import { sizeText } from '../report/text.js';

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

/** `--timeout` of bundle: how long Docker may go unanswered (calls retried until then) and the endpoints may take. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** One container of a fleet bundle: the engine that has it, and where its directory goes. */
export interface BundleTarget {
  docker: DockerRuntime;
  outDir: string;
}

export async function run(container: string, opts: BundleCliOptions, ctx: CommandContext): Promise<void> {
  readTimeout(opts.timeout, DEFAULT_TIMEOUT_MS); // a bad --timeout is bad usage before any container is looked at
  // compose:PROJECT, service:NAME or several --host values: one bundle with a directory per container (docs/sources.md).
  if (container.startsWith('compose:') || container.startsWith('service:') || new Set(ctx.globals.host ?? []).size > 1) {
    return bundleFleet(container, opts, ctx);
  }
  await bundleContainer(container, opts, ctx);
}

async function bundleFleet(spec: string, opts: BundleCliOptions, ctx: CommandContext): Promise<void> {
  const format = (opts.format ?? 'tgz') as BundleFormat;
  if (format !== 'tgz' && format !== 'dir') throw new UsageError('--format takes tgz or dir', opts.format);
  const [{ expandCheckTargets, hostDownLine, parseMaxStreams }, { collectFleet }, { dockerFor }] = await Promise.all([
    import('../sources/fleet.js'),
    import('../bundle/fleet.js'),
    import('../docker/index.js'),
  ]);
  const limit = parseMaxStreams(ctx.globals.maxStreams) ?? 8;
  const hostsDown: { host: string; error: string; exitCode: number }[] = [];
  const targets = await expandCheckTargets([spec], {
    hosts: ctx.globals.host,
    signal: ctx.signal,
    onHostDown: (host, err) => {
      hostsDown.push({ host, error: err.headline().replace(/^error: /, ''), exitCode: err.exitCode });
      ctx.stderr.write(hostDownLine(host, err));
    },
  });
  const r = await collectFleet(
    targets,
    async (t, outDir) => bundleContainer(t.lookup, { ...opts, quiet: true }, ctx, { docker: t.docker ?? (await dockerFor(ctx.globals.host?.[0])), outDir }),
    {
      spec,
      outDir: opts.out ?? '.',
      format,
      limit,
      hostsDown,
      now: ctx.now,
      signal: ctx.signal,
      onCollected: (e) => {
        if (!opts.quiet) for (const f of e.failed) ctx.stderr.write(`warning: ${e.name}: ${f} not collected\n`);
      },
    },
  );
  if (r.interrupted) {
    ctx.stderr.write(`interrupted: kept the incomplete bundle ${r.finished.path} (manifest.json says complete: false)\n`);
    r.finished.said?.();
    process.exitCode = EXIT.INTERRUPTED;
    return;
  }
  const n = r.manifest.containers.length;
  const size = format === 'tgz' ? `, ${sizeText(r.finished.bytes)}` : '';
  ctx.stdout.write(`${r.manifest.complete ? 'bundle' : 'incomplete bundle'}: ${r.finished.path} (${n} containers${size})\n`);
  if (!r.manifest.complete) process.exitCode = EXIT.INCOMPLETE;
}

/**
 * Bundle one container. With `target` (a fleet bundle) it is written as a directory into `target.outDir` through
 * `target.docker`, nothing is printed, and the result is returned for the fleet manifest.
 */
export async function bundleContainer(container: string, opts: BundleCliOptions, ctx: CommandContext, target?: BundleTarget): Promise<BundleResult> {
  const format = (target ? 'dir' : (opts.format ?? 'tgz')) as BundleFormat;
  if (format !== 'tgz' && format !== 'dir') throw new UsageError('--format takes tgz or dir', opts.format);
  const now = ctx.now();
  const since = opts.since !== undefined ? parseTimeArg('--since', opts.since, now, ctx.tz) : undefined;
  if (since !== undefined && since > now) throw new UsageError('--since is in the future', opts.since);
  const timeoutMs = readTimeout(opts.timeout, DEFAULT_TIMEOUT_MS);
  const pprofIntervalMs = opts.pprofInterval !== undefined ? requireDuration('--pprof-interval', opts.pprofInterval) : 5_000;
  const redact = opts.redact !== false;

  const [{ collectBundle }, { dockerFor, mapDockerError }, { inspectRaw, toContainerInfo }, { streamLogFrames }, { containerEvents }, health, { configuredHealthUrl }, { runPipeline }, { SummaryBuilder }, pprof, goroutines] =
    await Promise.all([
      import('../bundle/collect.js'),
      import('../docker/index.js'),
      import('../docker/containers.js'),
      import('../docker/logs.js'),
      import('../docker/events.js'),
      import('../sources/health.js'),
      import('../sources/facts.js'),
      import('../pipeline.js'),
      import('../analyze/summary.js'),
      import('../sources/pprof.js'),
      import('../analyze/goroutines.js'),
    ]);
  configuredHealthUrl(container, opts.healthUrl, ctx); // a bad --health-url fails before anything is collected
  if (opts.pprofUrl) pprof.pprofUrl(opts.pprofUrl); // a bad --pprof-url fails before anything is collected

  // Docker calls that get no answer (a paused or overloaded daemon: exactly when a bundle is needed) are tried
  // again until --timeout has passed since the start; everything else is collected meanwhile.
  let warned = false;
  const docker = retrying(target?.docker ?? (await dockerFor(ctx.globals.host?.[0])), {
    deadline: now + timeoutMs,
    signal: ctx.signal,
    now: ctx.now,
    onRetry: (what, _n, err) => {
      if (warned || opts.quiet || target) return;
      warned = true;
      ctx.stderr.write(`warning: ${err.message.replace(/^the /, '')}: trying again until --timeout (${timeoutMs / 1000} s) has passed\n`);
    },
  });
  let inspected: InspectLike | null = null;

  const deps: BundleDeps = {
    async inspect() {
      const raw = await inspectRaw(docker, container, ctx.signal);
      inspected = raw;
      return raw;
    },
    async logs(inspect, window, onFrame) {
      await streamLogFrames(
        docker,
        toContainerInfo(inspect as Parameters<typeof toContainerInfo>[0]),
        { timestamps: true, until: window.until, signal: window.signal, via: ctx.via, ...(window.since !== undefined ? { since: window.since } : {}) },
        onFrame,
      );
    },
    async stats(signal) {
      try {
        return await docker.stats(inspected!.Id, signal);
      } catch (err) {
        if (signal.aborted) throw new Error('interrupted');
        throw mapDockerError(err, docker); // a timeout names the one that was used, and how long it was retried
      }
    },
    async events(inspect, w) {
      return containerEvents(docker, inspect.Id, { since: w.since, until: w.until, signal: w.signal, timeoutMs });
    },
    health(url, derived, signal) {
      return health.probeWithFallback(url, derived, { timeoutMs, signal });
    },
    async fetchText(url, signal) {
      const text = await pprof.fetchDump(url, { timeoutMs, signal });
      if (!/^goroutine \d+ \[/m.test(text)) throw new Error(`not a goroutine dump (debug=2) at ${url}`);
      return text;
    },
    compareDumps(a, b) {
      return goroutines.compareDumpsMarkdown(a, b, pprofIntervalMs / 1000);
    },
    async scan(source, onEvent, signal) {
      const b = new SummaryBuilder();
      // summary.md tells the same verdict, slope, restarts and channel ratios as `review` of the bundle: one analysis
      const { Analysis } = await import('../analyze/analysis.js');
      const { resolveThresholds } = await import('../config.js');
      const a = new Analysis({ thresholds: resolveThresholds({}, ctx.env, ctx.config), tz: ctx.tz });
      // in time order, as the bundle reads back (a record open on stderr does not hold stdout back)
      const stats = await runPipeline([source], { tz: ctx.tz, signal, ordered: true }, (e) => {
        b.add(e);
        a.add(e);
        onEvent(e);
      });
      return { summary: b.finish(stats), analysis: a };
    },
  };
  const showProgress = !target && !opts.quiet && ctx.stderr.isTTY === true;
  const require = createRequire(import.meta.url);
  const { version } = require('../../package.json') as { version: string };
  const result = await collectBundle(deps, {
    target: container,
    outDir: target?.outDir ?? opts.out ?? '.',
    format,
    redact,
    ...(since !== undefined ? { since } : {}),
    healthUrl: (inspect) => {
      const configured = configuredHealthUrl(inspect ? inspect.Name.replace(/^\//, '') : container, opts.healthUrl, ctx);
      if (configured) return { url: configured.url, derived: false, how: configured.source };
      const d = inspect ? health.deriveHealthUrl(inspect as never) : null;
      return d ? { url: d.url, derived: true, how: d.how } : null;
    },
    // Docker may never have answered (inspect null): the URL given, else the health server's.
    pprofUrl: (inspect, healthUrl) => pprof.pprofUrlFor(inspect ? inspect.Name.replace(/^\//, '') : container, (inspect ?? {}) as never, opts.pprofUrl, ctx, healthUrl),
    pprofIntervalMs,
    statsIntervalMs: 1000,
    version,
    commandLine: ['goroscope', ...process.argv.slice(2)],
    dockerHost: docker.endpoint,
    now: ctx.now,
    signal: ctx.signal,
    ...(showProgress
      ? {
          onProgress: (p: { bytes: number; lines: number; done: boolean }) => {
            ctx.stderr.write(`\r\x1b[Klogs: ${sizeText(p.bytes)}, ${p.lines.toLocaleString('en-US')} lines${p.done ? '\n' : ''}`);
          },
        }
      : {}),
  });

  if (target) return result;
  const { finished, manifest } = result;
  const failed = Object.entries(manifest.items).filter(([, it]) => it.status === 'failed');
  if (result.interrupted) {
    ctx.stderr.write(`interrupted: kept the incomplete bundle ${finished.path} (${sizeText(finished.bytes)}; manifest.json says complete: false)\n`);
    finished.said?.();
    process.exitCode = EXIT.INTERRUPTED;
    return result;
  }
  if (!opts.quiet && failed.length > 0) {
    for (const [name, it] of failed) ctx.stderr.write(`warning: ${name} not collected: ${it.status === 'failed' ? it.error : ''}\n`);
  }
  // --no-redact is said where the bundle is named: the files hold every secret as the container logged it
  ctx.stdout.write(`${manifest.complete ? 'bundle' : 'incomplete bundle'}: ${finished.path} (${sizeText(finished.bytes)}${manifest.redacted ? '' : ', NOT redacted'})\n`);
  if (!manifest.complete) process.exitCode = EXIT.INCOMPLETE; // written, with what is missing marked in its manifest
  return result;
}
