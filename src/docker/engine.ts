// DockerRuntime over a real engine: dockerode builds the connection (unix, npipe, tcp with TLS, ssh), every one-shot
// call is one request through its modem, and every streamed body goes through body.ts. The only file that imports
// dockerode.
import type Docker from 'dockerode';
import { GoroscopeError } from '../errors.js';
import { ANSWER_TIMEOUT_MS, DockerTimeout, mapDockerError, resolveEndpoint, type Endpoint } from './client.js';
import { SinkFailure, cutOffError, isCutOff, modemTransport, rawTransport, readFrames, readJsonLines, type ModemLike, type Transport } from './body.js';
import type { RawTarget } from './rawhttp.js';
import {
  DockerHttpError,
  type ContainerInspect,
  type ContainerSummary,
  type DockerEvent,
  type DockerRuntime,
  type EngineInfo,
  type EngineVersion,
  type EventsQuery,
  type FrameSink,
  type LogQuery,
  type NodeInspect,
  type RawStats,
  type ServiceInspect,
  type ServiceLogQuery,
  type TaskInspect,
} from './runtime.js';

type Env = Record<string, string | undefined>;

export interface ConnectOptions {
  /** How long a request waits for the daemon's answer (default 5 s). */
  answerTimeoutMs?: number;
  /** Always use docker-modem, never the direct socket transport (tests compare the two). */
  modemOnly?: boolean;
}

function query(q: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) if (v !== undefined) out[k] = String(v);
  return out;
}

function logQuery(q: LogQuery | ServiceLogQuery): Record<string, string> {
  return query({
    stdout: true,
    stderr: true,
    follow: q.follow === true,
    timestamps: q.timestamps,
    since: q.since,
    until: 'until' in q ? q.until : undefined,
    tail: q.tail,
    details: 'details' in q && q.details ? true : undefined,
  });
}

export class DockerodeEngine implements DockerRuntime {
  private readonly modem: ModemLike;
  private readonly transport: Transport;
  private readonly answerMs: number;

  constructor(
    readonly endpoint: string,
    docker: Docker,
    raw: RawTarget | null,
    answerTimeoutMs: number,
  ) {
    this.modem = docker.modem as unknown as ModemLike;
    this.answerMs = answerTimeoutMs;
    this.transport = raw ? rawTransport({ ...raw, answerTimeoutMs }) : this.modemStreams();
  }

  /** docker-modem for streams, with the same answer timeout as the direct transport. */
  private modemStreams(): Transport {
    const inner = modemTransport(this.modem);
    return async (path, q, onBytes, signal, afterRead) => {
      // Until the daemon answers, a timer may abort the request; once bytes flow, a quiet stream is not a failure.
      const answer = new AbortController();
      const timer = setTimeout(() => answer.abort(), this.answerMs);
      let answered = false;
      const both = signal ? AbortSignal.any([signal, answer.signal]) : answer.signal;
      try {
        await inner(
          path,
          q,
          (b, s, e) => {
            if (!answered) {
              answered = true;
              clearTimeout(timer);
            }
            onBytes(b, s, e);
          },
          both,
          afterRead,
        );
      } finally {
        clearTimeout(timer);
      }
      if (answer.signal.aborted && !answered && !signal?.aborted) throw Object.assign(new Error('no answer'), { answerTimeout: true });
    };
  }

  /** Map what a transport or the modem threw: HTTP answers → DockerHttpError, no answer → DockerTimeout, the rest → 69/77. */
  private fail(err: unknown, what: string): unknown {
    if (err instanceof GoroscopeError || err instanceof DockerHttpError) return err;
    const e = err as { statusCode?: unknown; json?: { message?: unknown } | null; message?: string; answerTimeout?: unknown };
    if (typeof e.statusCode === 'number') {
      const text = typeof e.json?.message === 'string' ? e.json.message : (/^\(HTTP code \d+\) [^-]*- (.*)$/s.exec(e.message ?? '')?.[1] ?? e.message ?? '');
      return new DockerHttpError(e.statusCode, text.trim(), { cause: err });
    }
    if (e.answerTimeout === true) return new DockerTimeout(this.endpoint, this.answerMs, what);
    if (isCutOff(err)) return cutOffError(what, this.endpoint, err);
    return mapDockerError(err, this);
  }

  /** One request with a JSON (or empty) answer. */
  private request<T>(what: string, path: string, q: Record<string, string>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const answer = AbortSignal.timeout(this.answerMs);
    const both = signal ? AbortSignal.any([signal, answer]) : answer;
    return new Promise<T>((resolve, reject) => {
      this.modem.dial(
        { path: `${path}?`, method: 'GET', abortSignal: both, statusCodes: { 200: true, 204: true }, options: q },
        (err, data) => {
          if (!err) return resolve(data as T);
          if (signal?.aborted) return reject(abortReason(signal));
          if (answer.aborted) return reject(new DockerTimeout(this.endpoint, this.answerMs, what));
          reject(this.fail(err, what));
        },
      );
    });
  }

  private async stream(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      if (err instanceof SinkFailure) throw err.err; // the consumer's own error (disk full…), untouched
      throw this.fail(err, what);
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.request<unknown>('a ping', '/_ping', {}, signal);
  }

  async version(signal?: AbortSignal): Promise<EngineVersion> {
    const v = await this.request<{ Version?: string; ApiVersion?: string; Os?: string; Arch?: string }>('a version request', '/version', {}, signal);
    return { version: v.Version ?? '', apiVersion: v.ApiVersion ?? '', os: v.Os ?? '', arch: v.Arch ?? '' };
  }

  async info(signal?: AbortSignal): Promise<EngineInfo> {
    const i = await this.request<{ Name?: string; Swarm?: { NodeID?: string; LocalNodeState?: string } }>('an info request', '/info', {}, signal);
    const node = i.Swarm?.LocalNodeState === 'active' && i.Swarm.NodeID ? i.Swarm.NodeID : null;
    return { name: i.Name ?? '', swarmNodeId: node };
  }

  inspect(nameOrId: string, signal?: AbortSignal): Promise<ContainerInspect> {
    return this.request('inspect', `/containers/${encodeURIComponent(nameOrId)}/json`, {}, signal);
  }

  listContainers(filter: { labels?: string[] } = {}, signal?: AbortSignal): Promise<ContainerSummary[]> {
    const filters = filter.labels ? JSON.stringify({ label: filter.labels }) : undefined;
    return this.request('a container list', '/containers/json', query({ all: true, filters }), signal);
  }

  logs(id: string, q: LogQuery, sink: FrameSink): Promise<void> {
    return this.stream('log stream', () => readFrames(this.transport, `/containers/${encodeURIComponent(id)}/logs`, logQuery(q), q.tty, sink, q.signal));
  }

  stats(id: string, signal?: AbortSignal): Promise<RawStats> {
    // stream=false → one document (dockerode's default is a stream, apocas/dockerode#658). Not one-shot: one-shot
    // leaves precpu empty and CPU % cannot be computed. The daemon takes ~1 s (two collector ticks).
    return this.request('stats', `/containers/${encodeURIComponent(id)}/stats`, { stream: 'false' }, signal);
  }

  statsStream(id: string, onStats: (raw: RawStats) => void, signal: AbortSignal): Promise<void> {
    return this.stream('stats stream', () =>
      readJsonLines(this.transport, `/containers/${encodeURIComponent(id)}/stats`, { stream: 'true' }, (doc) => onStats(doc as RawStats), signal),
    );
  }

  events(q: EventsQuery, onEvent: (e: DockerEvent) => boolean | void): Promise<void> {
    return this.stream('event stream', () =>
      readJsonLines(this.transport, '/events', { since: q.since, until: q.until, filters: JSON.stringify(q.filters) }, (doc) => onEvent(doc as DockerEvent), q.signal),
    );
  }

  inspectService(nameOrId: string, signal?: AbortSignal): Promise<ServiceInspect> {
    return this.request('a service inspect', `/services/${encodeURIComponent(nameOrId)}`, {}, signal);
  }

  listServices(signal?: AbortSignal): Promise<ServiceInspect[]> {
    return this.request('a service list', '/services', {}, signal);
  }

  listTasks(serviceId: string, signal?: AbortSignal): Promise<TaskInspect[]> {
    return this.request('a task list', '/tasks', { filters: JSON.stringify({ service: [serviceId] }) }, signal);
  }

  listNodes(signal?: AbortSignal): Promise<NodeInspect[]> {
    return this.request('a node list', '/nodes', {}, signal);
  }

  serviceLogs(id: string, q: ServiceLogQuery, sink: FrameSink): Promise<void> {
    return this.stream('service log stream', () => readFrames(this.transport, `/services/${encodeURIComponent(id)}/logs`, logQuery(q), q.tty, sink, q.signal));
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new GoroscopeError('interrupted', 130);
}

/** The endpoint of a modem when it can be spoken to directly (unix socket, named pipe, plain http); null otherwise. */
function rawTargetOf(modem: unknown): RawTarget | null {
  const m = modem as { socketPath?: unknown; host?: string; port?: string | number; protocol?: string; agent?: unknown };
  if (m.agent) return null;
  if (typeof m.socketPath === 'string' && !m.host) return { socketPath: m.socketPath };
  if (m.host && m.protocol === 'http') return { host: m.host, port: Number(m.port) || 2375 };
  return null;
}

let DockerCtor: typeof Docker | undefined;

/**
 * A runtime for one endpoint (`--host`, else DOCKER_HOST, the current context, the default socket). docker-modem
 * merges DOCKER_HOST & co. over explicit options (and throws on a broken DOCKER_CERT_PATH), so the environment is
 * hidden from it while the client is built: our resolution is the only one.
 */
export async function connect(host?: string, env: Env = process.env, opts: ConnectOptions = {}): Promise<DockerRuntime> {
  const ep: Endpoint = resolveEndpoint(host, env);
  DockerCtor ??= (await import('dockerode')).default;
  const saved = process.env.DOCKER_HOST;
  delete process.env.DOCKER_HOST;
  let docker: Docker;
  try {
    docker = new DockerCtor({ ...ep.options } as Docker.DockerOptions);
  } finally {
    if (saved !== undefined) process.env.DOCKER_HOST = saved;
  }
  const raw = opts.modemOnly ? null : rawTargetOf(docker.modem);
  return new DockerodeEngine(ep.endpoint, docker, raw, opts.answerTimeoutMs ?? ANSWER_TIMEOUT_MS);
}
