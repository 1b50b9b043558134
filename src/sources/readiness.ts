// What `goroscope doctor` looks at before an emergency, read through the same pieces the emergency commands use:
// the Docker runtime (src/docker), the gateway finder, the health probe (health.ts), the pprof probe (pprof.ts), the
// log reader (a one-message read, as a bundle's read begins) and the bundle's output directory. Every failure becomes
// a fact; only bad usage throws. The rules that turn facts into findings are src/analyze/readiness.ts.
import { access, constants, statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GoroscopeError, UsageError } from '../errors.js';
import type { Env, FileConfig } from '../config.js';
import { dockerFor, type ContainerInspect, type DockerRuntime, type EngineVersion } from '../docker/index.js';
import { endpointOrigin } from '../docker/client.js';
import { NoSuchContainer, inspectRaw, toContainerInfo } from '../docker/containers.js';
import { findGateways, type GatewayMatch, type PortOnly } from '../docker/gateways.js';
import { streamLogFrames } from '../docker/logs.js';
import { configuredHealthUrl } from './facts.js';
import { deriveHealthUrl, probeWithFallback, type HealthResult } from './health.js';
import { pprofUrlFor, probePprof, type PprofProbe } from './pprof.js';
import { expandCheckTargets, mapLimit } from './fleet.js';

export interface ReadinessContext {
  env: Env;
  config: FileConfig;
  signal: AbortSignal;
  globals: { host?: string[] };
}

export interface ReadinessOptions {
  healthUrl?: string;
  pprofUrl?: string;
  /** Each probe's bound (health, pprof), ms. */
  timeoutMs: number;
  /** Where bundles would be written. */
  outDir: string;
  /** Most containers probed at once. */
  limit: number;
}

/** A GoroscopeError as data: what failed, the value, what to do, its exit code. */
export interface ErrorFact {
  message: string;
  value: string | null;
  hint: string | null;
  exitCode: number;
}

export interface DockerFacts {
  /** As goroscope names it: `unix:///var/run/docker.sock`, `context prod (tcp://…)`; null when no runtime could be made. */
  endpoint: string | null;
  /** Which setting chose it: `--host`, `DOCKER_HOST`, `Docker context NAME`, `the default socket`. */
  from: string;
  /** A context that --host or DOCKER_HOST override. */
  overriddenContext: string | null;
  version: EngineVersion | null;
  error: ErrorFact | null;
}

export interface GatewayFacts {
  name: string;
  id: string | null;
  image: string | null;
  /** `named` when given on the command line. */
  matchedBy: GatewayMatch | 'named';
  lookupError: ErrorFact | null;
  /** Close names when a named container is not there. */
  suggestions: string[];
  state: { status: string; running: boolean; exitCode: number } | null;
  /** Docker's restart policy name: `no`, `always`, `unless-stopped`, `on-failure`. */
  restartPolicy: string | null;
  logDriver: string | null;
  /** A one-message read through Docker worked; null when not tried. */
  logsReadable: boolean | null;
  logError: ErrorFact | null;
  /** Null when no URL is known; `result` null when not asked (the container is not running). */
  health: { url: string; how: string; result: HealthResult | null } | null;
  pprof: { url: string; how: string; result: PprofProbe | null } | null;
}

export interface OutputFacts {
  /** Absolute. */
  dir: string;
  writable: boolean;
  error: string | null;
  freeBytes: number | null;
}

export interface ReadinessFacts {
  docker: DockerFacts;
  gateways: GatewayFacts[];
  /** True when no container was named and the engine was searched. */
  searched: boolean;
  /** Containers on the engine when it was searched. */
  containersSeen: number;
  /** Listening on port 3000 without looking like a gateway. */
  portOnly: PortOnly[];
  output: OutputFacts;
}

function errorFact(err: unknown): ErrorFact {
  if (err instanceof GoroscopeError) return { message: err.message, value: err.value ?? null, hint: err.hint ?? null, exitCode: err.exitCode };
  return { message: (err as Error)?.message ?? String(err), value: null, hint: null, exitCode: 70 };
}

export async function collectReadiness(names: string[], opts: ReadinessOptions, ctx: ReadinessContext): Promise<ReadinessFacts> {
  const hosts = ctx.globals.host ?? [];
  if (new Set(hosts).size > 1) throw new UsageError('doctor checks one Docker host at a time', hosts.join(' '), 'run it once per --host');
  if (opts.healthUrl && names.length !== 1) throw new UsageError('--health-url names one endpoint: name exactly one container', names.join(' ') || '(none named)');
  if (opts.pprofUrl && names.length !== 1) throw new UsageError('--pprof-url names one endpoint: name exactly one container', names.join(' ') || '(none named)');
  const origin = endpointOrigin(hosts[0], ctx.env);
  const docker: DockerFacts = { endpoint: null, from: origin.from, overriddenContext: origin.overriddenContext, version: null, error: null };
  const outputStep = outputFacts(opts.outDir);
  let runtime: DockerRuntime | null = null;
  try {
    runtime = await dockerFor(hosts[0]);
    docker.endpoint = runtime.endpoint;
    docker.version = await runtime.version(ctx.signal);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    docker.error = errorFact(err);
  }
  const facts: ReadinessFacts = { docker, gateways: [], searched: names.length === 0, containersSeen: 0, portOnly: [], output: await outputStep };
  if (!runtime || docker.error) {
    facts.gateways = names.map((n) => blankGateway(n, 'named'));
    return facts;
  }
  const rt = runtime;
  let targets: { name: string; lookup: string; matchedBy: GatewayMatch | 'named'; docker: DockerRuntime }[];
  if (names.length === 0) {
    const found = await findGateways(rt, ctx.signal);
    facts.containersSeen = found.total;
    facts.portOnly = found.portOnly;
    targets = found.gateways.map((g) => ({ name: g.name, lookup: g.id, matchedBy: g.matchedBy, docker: rt }));
  } else {
    // compose:PROJECT and service:NAME name several containers, as for check (docs/sources.md)
    const expanded = await expandCheckTargets(names, { hosts, signal: ctx.signal });
    targets = expanded.map((t) => ({ name: t.name, lookup: t.lookup, matchedBy: 'named', docker: t.docker ?? rt }));
  }
  facts.gateways = await mapLimit(targets, opts.limit, (t) => gatewayFacts(t, opts, ctx));
  return facts;
}

function blankGateway(name: string, matchedBy: GatewayFacts['matchedBy']): GatewayFacts {
  return {
    name,
    id: null,
    image: null,
    matchedBy,
    lookupError: null,
    suggestions: [],
    state: null,
    restartPolicy: null,
    logDriver: null,
    logsReadable: null,
    logError: null,
    health: null,
    pprof: null,
  };
}

async function gatewayFacts(
  t: { name: string; lookup: string; matchedBy: GatewayFacts['matchedBy']; docker: DockerRuntime },
  opts: ReadinessOptions,
  ctx: ReadinessContext,
): Promise<GatewayFacts> {
  const out = blankGateway(t.name, t.matchedBy);
  let raw: ContainerInspect;
  try {
    raw = await inspectRaw(t.docker, t.lookup, ctx.signal);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    out.lookupError = errorFact(err);
    if (err instanceof NoSuchContainer) out.suggestions = err.suggestions;
    return out;
  }
  const info = toContainerInfo(raw);
  out.name = info.name;
  out.id = raw.Id;
  out.image = info.image || null;
  out.state = { status: raw.State.Status, running: raw.State.Running && !raw.State.Restarting, exitCode: raw.State.ExitCode };
  out.restartPolicy = info.restartPolicy || 'no';
  out.logDriver = info.logDriver;

  const configured = configuredHealthUrl(info.name, opts.healthUrl, ctx);
  const derived = configured ? null : deriveHealthUrl(raw);
  const health = configured ? { url: configured.url, how: configured.source } : derived ? { url: derived.url, how: derived.how } : null;
  const pprof = pprofUrlFor(info.name, raw, opts.pprofUrl, ctx, health?.url ?? null);
  const running = out.state.running;
  const [logs, healthResult, pprofResult] = await Promise.all([
    // One message, the way a bundle's read begins: a driver without read support fails here as it would there.
    streamLogFrames(t.docker, info, { tail: 1, timestamps: true, signal: ctx.signal }, () => undefined).then(
      () => null,
      (err: unknown) => err,
    ),
    health && running ? probeWithFallback(health.url, !configured, { timeoutMs: opts.timeoutMs, signal: ctx.signal }) : Promise.resolve(null),
    pprof && running ? probePprof(pprof.url, { timeoutMs: opts.timeoutMs, connectTimeoutMs: Math.min(3000, opts.timeoutMs), signal: ctx.signal }) : Promise.resolve(null),
  ]);
  out.logsReadable = logs === null;
  out.logError = logs === null ? null : errorFact(logs);
  if (health) out.health = { url: healthResult?.url ?? health.url, how: health.how, result: healthResult };
  if (pprof) out.pprof = { url: pprof.url, how: pprof.how, result: pprofResult };
  return out;
}

async function outputFacts(dir: string): Promise<OutputFacts> {
  const abs = resolve(dir);
  const out: OutputFacts = { dir: abs, writable: false, error: null, freeBytes: null };
  try {
    await access(abs, constants.W_OK);
    out.writable = true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    out.error = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (err as Error).message;
    return out;
  }
  try {
    const s = await statfs(abs);
    out.freeBytes = Number(s.bavail) * Number(s.bsize);
  } catch {
    out.freeBytes = null;
  }
  return out;
}
