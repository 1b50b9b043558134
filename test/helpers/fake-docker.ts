// An in-memory Docker engine behind the same DockerRuntime interface as the real one (src/docker/runtime.ts), so
// commands and facts can be unit-tested without an engine: containers with their inspect document, log messages
// (timestamped, stdout/stderr apart, since/until inclusive, tail over all messages, TTY raw), stats documents,
// events, services, tasks and nodes. It answers the way the Engine API does where goroscope relies on it: 404 as
// DockerHttpError, a stopped container's stats all zeros, a followed log ending when the container stops.
// `down` makes every call fail as an unreachable daemon does.
import { EventEmitter } from 'node:events';
import { UnavailableError } from '../../src/errors.js';
import { rfc3339ToDockerTs } from '../../src/time.js';
import { useDockerFactory } from '../../src/docker/index.js';
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
} from '../../src/docker/runtime.js';

export interface FakeMessage {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds, as Docker stamps it: `2026-01-02T03:04:05.000000001Z`. */
  time: string;
  /** Without the newline. */
  text: string;
}

export interface FakeContainerSpec {
  name: string;
  id?: string;
  running?: boolean;
  tty?: boolean;
  restartCount?: number;
  oomKilled?: boolean;
  exitCode?: number;
  startedAt?: string;
  image?: string;
  labels?: Record<string, string>;
  env?: string[];
  networkMode?: string;
  logDriver?: string;
  /** Docker's restart policy name (default `no`). */
  restartPolicy?: string;
  /** Exposed ports as `docker ps` lists them. */
  ports?: { PrivatePort: number; PublicPort?: number; Type: string }[];
  /** Log lines; `time` defaults to one per millisecond from 2026-01-01. */
  logs?: (Partial<FakeMessage> & { text: string })[];
  /** What `stats` answers while running (a stopped container answers zeros, as Docker does). */
  stats?: RawStats;
  /** Make `stats` fail with this error. */
  statsError?: Error;
  events?: DockerEvent[];
}

interface FakeContainer {
  inspect: ContainerInspect;
  labels: Record<string, string>;
  messages: FakeMessage[];
  stats: RawStats | null;
  statsError: Error | null;
  events: DockerEvent[];
  ports: { PrivatePort: number; PublicPort?: number; Type: string }[];
}

const ZERO = '0001-01-01T00:00:00Z';
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Epoch ms → Docker's RFC 3339 nano form. */
export function nanoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function dockerNs(ts: string): bigint {
  const [sec, frac] = (ts.includes('T') ? rfc3339ToDockerTs(ts) : ts).split('.') as [string, string | undefined];
  return BigInt(sec) * 1_000_000_000n + BigInt((frac ?? '').padEnd(9, '0').slice(0, 9));
}

export class FakeDocker implements DockerRuntime {
  readonly endpoint: string;
  /** Every call, as `method arg` (to assert what was asked). */
  readonly calls: string[] = [];
  /** When set, every call fails as an unreachable daemon does (exit 69). */
  down = false;
  /** When set, every call fails with this error (e.g. a PermissionError, as a socket without access does). */
  failWith: Error | null = null;
  /** What `version` says. */
  apiVersion = '1.41';
  private readonly containers: FakeContainer[] = [];
  private readonly changes = new EventEmitter();
  services: ServiceInspect[] = [];
  tasks: TaskInspect[] = [];
  nodes: NodeInspect[] = [];
  /** Service log messages by task id. */
  serviceMessages = new Map<string, FakeMessage[]>();
  swarmNodeId: string | null = null;

  constructor(endpoint = 'fake://docker') {
    this.endpoint = endpoint;
    this.changes.setMaxListeners(100);
  }

  /** Route every `dockerFor()` of the code under test here; returns the undo. */
  install(): () => void {
    useDockerFactory(async () => this);
    return () => useDockerFactory(null);
  }

  add(spec: FakeContainerSpec): ContainerInspect {
    const id = spec.id ?? `${Buffer.from(spec.name).toString('hex').padEnd(64, '0').slice(0, 64)}`;
    const running = spec.running ?? true;
    const inspect: ContainerInspect = {
      Id: id,
      Name: `/${spec.name}`,
      Created: nanoTime(T0 - 3_600_000),
      Image: `sha256:${'0'.repeat(64)}`,
      Path: '/one-api',
      Args: [],
      RestartCount: spec.restartCount ?? 0,
      State: {
        Status: running ? 'running' : 'exited',
        Running: running,
        Paused: false,
        Restarting: false,
        OOMKilled: spec.oomKilled ?? false,
        Dead: false,
        Pid: running ? 4242 : 0,
        ExitCode: spec.exitCode ?? 0,
        Error: '',
        StartedAt: spec.startedAt ?? nanoTime(T0 - 1_800_000),
        FinishedAt: running ? ZERO : nanoTime(T0),
      },
      Config: { Tty: spec.tty ?? false, Image: spec.image ?? 'one-api:latest', Env: spec.env ?? [], Cmd: null, Labels: spec.labels ?? {} },
      HostConfig: { LogConfig: { Type: spec.logDriver ?? 'json-file', Config: {} }, RestartPolicy: { Name: spec.restartPolicy ?? 'no', MaximumRetryCount: 0 }, NetworkMode: spec.networkMode ?? 'none' },
      NetworkSettings: { IPAddress: '', Ports: {}, Networks: {} },
    };
    const messages = (spec.logs ?? []).map((m, i) => ({ stream: m.stream ?? 'stdout', time: m.time ?? nanoTime(T0 + i), text: m.text }));
    this.containers.push({
      inspect,
      labels: spec.labels ?? {},
      messages,
      stats: spec.stats ?? null,
      statsError: spec.statsError ?? null,
      events: spec.events ?? [],
      ports: spec.ports ?? [],
    });
    return inspect;
  }

  /** Append log lines to a container (a followed log sees them). */
  log(name: string, ...lines: (Partial<FakeMessage> & { text: string })[]): void {
    const c = this.find(name)!;
    for (const l of lines) c.messages.push({ stream: l.stream ?? 'stdout', time: l.time ?? nanoTime(Date.now()), text: l.text });
    this.changes.emit('change');
  }

  /** Stop a container: its state says so, a followed log ends. */
  stop(name: string, exitCode = 0): void {
    const c = this.find(name)!;
    Object.assign(c.inspect.State, { Status: 'exited', Running: false, ExitCode: exitCode, FinishedAt: nanoTime(Date.now()), Pid: 0 });
    this.changes.emit('change');
  }

  private find(nameOrId: string): FakeContainer | undefined {
    const byName = this.containers.find((c) => c.inspect.Name === `/${nameOrId}` || c.inspect.Id === nameOrId);
    if (byName) return byName;
    const byPrefix = this.containers.filter((c) => nameOrId.length >= 3 && c.inspect.Id.startsWith(nameOrId));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  private enter(call: string, signal?: AbortSignal): void {
    this.calls.push(call);
    if (signal?.aborted) throw signal.reason;
    if (this.failWith) throw this.failWith;
    if (this.down) throw new UnavailableError('cannot reach the Docker daemon', this.endpoint, 'is Docker running?');
  }

  private container(nameOrId: string): FakeContainer {
    const c = this.find(nameOrId);
    if (!c) throw new DockerHttpError(404, `No such container: ${nameOrId}`);
    return c;
  }

  async ping(signal?: AbortSignal): Promise<void> {
    this.enter('ping', signal);
  }

  async version(signal?: AbortSignal): Promise<EngineVersion> {
    this.enter('version', signal);
    return { version: '20.10.24-fake', apiVersion: this.apiVersion, os: 'linux', arch: 'amd64' };
  }

  async info(signal?: AbortSignal): Promise<EngineInfo> {
    this.enter('info', signal);
    return { name: 'fake', swarmNodeId: this.swarmNodeId };
  }

  async inspect(nameOrId: string, signal?: AbortSignal): Promise<ContainerInspect> {
    this.enter(`inspect ${nameOrId}`, signal);
    return structuredClone(this.container(nameOrId).inspect);
  }

  async listContainers(filter: { labels?: string[] } = {}, signal?: AbortSignal): Promise<ContainerSummary[]> {
    this.enter(`listContainers ${(filter.labels ?? []).join(',')}`.trimEnd(), signal);
    const wanted = (filter.labels ?? []).map((l) => l.split('=') as [string, string | undefined]);
    return this.containers
      .filter((c) => wanted.every(([k, v]) => (v === undefined ? k in c.labels : c.labels[k] === v)))
      .map((c) => ({ Id: c.inspect.Id, Names: [c.inspect.Name], State: c.inspect.State.Status, Labels: { ...c.labels }, Image: c.inspect.Config?.Image ?? '', Ports: c.ports.map((p) => ({ ...p })) }));
  }

  async logs(id: string, q: LogQuery, sink: FrameSink): Promise<void> {
    this.enter(`logs ${id}`, q.signal);
    const c = this.container(id);
    if (c.inspect.HostConfig?.LogConfig?.Type === 'none') throw new DockerHttpError(501, 'configured logging driver does not support reading');
    await this.deliver(c.messages, q, sink, () => c.inspect.State.Running);
  }

  /** Messages through since/until/tail (tail first, over all of them, as the daemon does), then live ones when following. */
  private async deliver(messages: FakeMessage[], q: Omit<LogQuery, 'until'> & { until?: string }, sink: FrameSink, live: () => boolean): Promise<void> {
    const since = q.since !== undefined ? dockerNs(q.since) : null;
    const until = q.until !== undefined ? dockerNs(q.until) : null;
    const inWindow = (m: FakeMessage) => (since === null || dockerNs(m.time) >= since) && (until === null || dockerNs(m.time) <= until);
    const payload = (m: FakeMessage) => Buffer.from(`${q.timestamps ? `${m.time} ` : ''}${m.text}${q.tty ? '\r\n' : '\n'}`);
    const send = async (m: FakeMessage) => {
      const r = sink(q.tty ? 'stdout' : m.stream, payload(m));
      if (r) await r;
    };
    let history = q.tail !== undefined && q.tail >= 0 ? messages.slice(Math.max(0, messages.length - q.tail)) : messages.slice();
    if (q.tail === 0) history = [];
    history = history.filter(inWindow);
    for (const m of history) {
      if (q.signal?.aborted) return;
      await send(m);
    }
    if (!q.follow) return;
    let seen = messages.length;
    while (live() && !q.signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.changes.off('change', done);
          q.signal?.removeEventListener('abort', done);
          resolve();
        };
        this.changes.on('change', done);
        q.signal?.addEventListener('abort', done, { once: true });
      });
      for (; seen < messages.length; seen++) if (!q.signal?.aborted && inWindow(messages[seen]!)) await send(messages[seen]!);
    }
  }

  async stats(id: string, signal?: AbortSignal): Promise<RawStats> {
    this.enter(`stats ${id}`, signal);
    const c = this.container(id);
    if (c.statsError) throw c.statsError;
    if (!c.inspect.State.Running || !c.stats) return { read: ZERO, preread: ZERO, memory_stats: {}, cpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 } };
    return structuredClone(c.stats);
  }

  async statsStream(id: string, onStats: (raw: RawStats) => void, signal: AbortSignal): Promise<void> {
    this.enter(`statsStream ${id}`, signal);
    const c = this.container(id);
    // The first document of a real stream has an empty precpu; then one a (fake) second until aborted.
    onStats({ ...structuredClone(c.stats ?? {}), precpu_stats: {} });
    while (!signal.aborted) {
      onStats(structuredClone(c.stats ?? {}));
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async events(q: EventsQuery, onEvent: (e: DockerEvent) => boolean | void): Promise<void> {
    this.enter(`events ${JSON.stringify(q.filters)}`, q.signal);
    const since = dockerNs(q.since);
    const until = dockerNs(q.until);
    const ids = q.filters.container ?? [];
    for (const c of this.containers) {
      if (ids.length > 0 && !ids.includes(c.inspect.Id)) continue;
      for (const e of c.events) {
        const t = BigInt(e.timeNano ?? (e.time ?? 0) * 1e9);
        if (t < since || t > until) continue;
        if (onEvent(structuredClone(e)) === false) return;
      }
    }
  }

  async inspectService(nameOrId: string, signal?: AbortSignal): Promise<ServiceInspect> {
    this.enter(`inspectService ${nameOrId}`, signal);
    const s = this.services.find((x) => x.ID === nameOrId || x.Spec?.Name === nameOrId);
    if (!s) throw new DockerHttpError(404, `service ${nameOrId} not found`);
    return structuredClone(s);
  }

  async listServices(signal?: AbortSignal): Promise<ServiceInspect[]> {
    this.enter('listServices', signal);
    return structuredClone(this.services);
  }

  async listTasks(serviceId: string, signal?: AbortSignal): Promise<TaskInspect[]> {
    this.enter(`listTasks ${serviceId}`, signal);
    return structuredClone(this.tasks.filter((t) => t.ServiceID === serviceId));
  }

  async listNodes(signal?: AbortSignal): Promise<NodeInspect[]> {
    this.enter('listNodes', signal);
    return structuredClone(this.nodes);
  }

  async serviceLogs(id: string, q: ServiceLogQuery, sink: FrameSink): Promise<void> {
    this.enter(`serviceLogs ${id}`, q.signal);
    const service = await this.inspectService(id);
    for (const t of this.tasks.filter((x) => x.ServiceID === service.ID)) {
      const details = `com.docker.swarm.node.id=${t.NodeID ?? ''},com.docker.swarm.service.id=${service.ID},com.docker.swarm.task.id=${t.ID}`;
      const withDetails: FrameSink = (s, p) => {
        if (!q.details) return sink(s, p);
        const text = p.toString('utf8');
        const sp = q.timestamps ? text.indexOf(' ') + 1 : 0;
        return sink(s, Buffer.from(`${text.slice(0, sp)}${details} ${text.slice(sp)}`));
      };
      await this.deliver(this.serviceMessages.get(t.ID) ?? [], { ...q, until: undefined }, withDetails, () => false);
    }
  }
}

/** A stats document of a running container with the given CPU % (one CPU) and memory use, as the engine sends it. */
export function runningStats(opts: { cpuPercent: number; memoryBytes: number; limitBytes: number; pids?: number }): RawStats {
  const system = 1_000_000_000;
  return {
    read: nanoTime(T0),
    preread: nanoTime(T0 - 1000),
    pids_stats: { current: opts.pids ?? 7 },
    cpu_stats: { cpu_usage: { total_usage: 2 * system + (opts.cpuPercent / 100) * system }, system_cpu_usage: 2 * system + system, online_cpus: 1 },
    precpu_stats: { cpu_usage: { total_usage: 2 * system }, system_cpu_usage: 2 * system, online_cpus: 1 },
    memory_stats: { usage: opts.memoryBytes, limit: opts.limitBytes, stats: { total_inactive_file: 0 } },
    networks: { eth0: { rx_bytes: 1000, tx_bytes: 2000 } },
    blkio_stats: { io_service_bytes_recursive: [] },
  };
}
