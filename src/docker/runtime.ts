// The one door to Docker: everything goroscope asks of an engine is a method of DockerRuntime. src/docker/engine.ts
// implements it over dockerode and the Engine API; test/helpers/fake-docker.ts implements it in memory, so commands
// and facts can be tested without an engine. Nothing outside src/docker sees dockerode: only this interface, the
// plain JSON shapes below (the fields goroscope reads, the rest passed through untouched) and DockerHttpError.
//
// Error contract of every method:
// - the engine answered with an HTTP error → DockerHttpError (statusCode 404 no such container/service, 501 log driver
//   without read support, 503 not a swarm manager, …); the caller knows what the status means in its context;
// - the engine could not be reached, or did not answer in time → a GoroscopeError (69 unavailable, 77 permission);
// - the caller's signal aborted → one-shot calls reject with the signal's reason, streams resolve quietly.
import type { RawStats } from '../analyze/stats.js';
import type { FrameStream } from '../stream/frames.js';

export type { RawStats, FrameStream };

/** `docker inspect CONTAINER`: the fields goroscope reads; bundles keep the whole document. */
export interface ContainerInspect {
  Id: string;
  /** With a leading `/`. */
  Name: string;
  Created?: string;
  Image?: string;
  Path?: string;
  Args?: string[] | null;
  RestartCount: number;
  LogPath?: string;
  State: {
    Status: string;
    Running: boolean;
    Paused?: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead?: boolean;
    Pid?: number;
    ExitCode: number;
    Error?: string;
    /** `0001-01-01T00:00:00Z` when never started / never exited. */
    StartedAt: string;
    FinishedAt: string;
    Health?: { Status?: string; FailingStreak?: number } | null;
  };
  Config?: {
    Tty?: boolean;
    Image?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Labels?: Record<string, string> | null;
  } | null;
  HostConfig?: {
    LogConfig?: { Type?: string; Config?: Record<string, string> | null } | null;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null;
    NetworkMode?: string;
  } | null;
  NetworkSettings?: {
    IPAddress?: string;
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string } | null> | null;
  } | null;
  [k: string]: unknown;
}

/** One row of `docker ps -a`. */
export interface ContainerSummary {
  Id: string;
  /** With leading `/`. */
  Names: string[];
  State: string;
  Labels: Record<string, string>;
  Image?: string;
  /** Exposed and published ports: `{ PrivatePort: 3000, PublicPort: 8080, Type: 'tcp' }`. */
  Ports?: { PrivatePort?: number; PublicPort?: number; Type?: string; IP?: string }[];
}

/** One event as the Engine API sends it (only the fields goroscope relies on are typed). */
export interface DockerEvent {
  Type?: string;
  Action?: string;
  /** `status` on older APIs (`die`, `start`, …). */
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
  [k: string]: unknown;
}

export interface ServiceInspect {
  ID: string;
  Spec?: {
    Name?: string;
    Mode?: { Global?: unknown; Replicated?: { Replicas?: number } };
    TaskTemplate?: { ContainerSpec?: { TTY?: boolean } };
  };
}

export interface TaskInspect {
  ID: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Status?: { State?: string; Timestamp?: string; ContainerStatus?: { ContainerID?: string } };
}

export interface NodeInspect {
  ID: string;
  Description?: { Hostname?: string };
}

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

export interface EngineInfo {
  /** The engine's host name. */
  name: string;
  /** This engine's Swarm node id; null when it is not in a swarm. */
  swarmNodeId: string | null;
}

/** Receives one log message (a frame's payload; a raw chunk for TTY containers, as `stdout`). May be kept. */
export type FrameSink = (stream: FrameStream, payload: Buffer) => void | Promise<void>;

export interface LogQuery {
  /** Docker's `"<sec>.<nanos>"` form, inclusive. */
  since?: string;
  until?: string;
  /** The last N messages (Docker counts 16 KB parts as messages). */
  tail?: number;
  follow?: boolean;
  /** Prefix each message with Docker's RFC 3339 nano timestamp and a space. */
  timestamps: boolean;
  /** The container has a TTY: the body is raw text, not frames. */
  tty: boolean;
  signal?: AbortSignal;
}

export interface ServiceLogQuery extends Omit<LogQuery, 'until'> {
  /** Task attributes between the timestamp and the message (`com.docker.swarm.task.id=…`). */
  details: boolean;
}

export interface EventsQuery {
  /** Docker's `"<sec>.<nanos>"` form. */
  since: string;
  until: string;
  /** Engine API filters: `{ type: ['container'], container: [id] }`. */
  filters: Record<string, string[]>;
  signal?: AbortSignal;
}

export interface DockerRuntime {
  /** How messages name the endpoint: `unix:///var/run/docker.sock`, `context prod (tcp://…)`. */
  readonly endpoint: string;
  ping(signal?: AbortSignal): Promise<void>;
  version(signal?: AbortSignal): Promise<EngineVersion>;
  info(signal?: AbortSignal): Promise<EngineInfo>;

  /** `docker inspect` by name, id or unique id prefix. */
  inspect(nameOrId: string, signal?: AbortSignal): Promise<ContainerInspect>;
  /** `docker ps -a`, optionally only containers with all of `labels` (`key` or `key=value`). */
  listContainers(filter?: { labels?: string[] }, signal?: AbortSignal): Promise<ContainerSummary[]>;
  /**
   * A container's log as messages, stdout and stderr apart. Resolves at the end of the body (with `follow`: when the
   * container stops), quietly when the signal aborts. A sink that returns a promise pauses reading until it settles;
   * a sink that throws ends the read with its error, untouched.
   */
  logs(id: string, query: LogQuery, sink: FrameSink): Promise<void>;
  /** One stats document (`stream=false`: ~1 s, precpu filled). */
  stats(id: string, signal?: AbortSignal): Promise<RawStats>;
  /** The stats stream, one document a second, until the signal aborts or the container is removed. */
  statsStream(id: string, onStats: (raw: RawStats) => void, signal: AbortSignal): Promise<void>;
  /** Events in [since, until]; `onEvent` returning false ends the read early. */
  events(query: EventsQuery, onEvent: (e: DockerEvent) => boolean | void): Promise<void>;

  inspectService(nameOrId: string, signal?: AbortSignal): Promise<ServiceInspect>;
  listServices(signal?: AbortSignal): Promise<ServiceInspect[]>;
  listTasks(serviceId: string, signal?: AbortSignal): Promise<TaskInspect[]>;
  listNodes(signal?: AbortSignal): Promise<NodeInspect[]>;
  /** A service's log through the manager, as logs() does for a container. */
  serviceLogs(id: string, query: ServiceLogQuery, sink: FrameSink): Promise<void>;
}

/** The engine answered with an HTTP error. `json` is the daemon's body when it was JSON. */
export class DockerHttpError extends Error {
  readonly json: { message?: string } | null;
  constructor(
    readonly statusCode: number,
    daemonMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`(HTTP code ${statusCode}) ${daemonMessage}`, options);
    this.name = 'DockerHttpError';
    this.json = { message: daemonMessage };
  }
}

export function isHttpStatus(err: unknown, status: number): boolean {
  return (err as { statusCode?: unknown } | null)?.statusCode === status;
}
