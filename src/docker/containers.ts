// Container lookup: a name or id → what the log reader and the reports need, with "no such container" errors
// that suggest close names.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NotFoundError, UnavailableError } from '../errors.js';
import { isHttpStatus, type ContainerInspect, type DockerRuntime } from './runtime.js';
import { suggestNames } from '../suggest.js';

export { editDistance, suggestNames } from '../suggest.js';

export interface ContainerInfo {
  id: string;
  /** Without the leading `/`. */
  name: string;
  tty: boolean;
  logDriver: string;
  logOptions: Record<string, string>;
  /** Where the engine writes the json-file log (`LogPath`; '' for other drivers), on the engine's own machine. */
  logPath: string;
  /** The container's directory on the engine's machine (`/var/lib/docker/containers/<id>`, from `HostnamePath`), or ''. */
  dir: string;
  state: {
    status: string;
    running: boolean;
    restarting: boolean;
    exitCode: number;
    startedAt: string;
    finishedAt: string;
    oomKilled: boolean;
  };
  restartCount: number;
  restartPolicy: string;
  image: string;
}

/**
 * "no such container", with the close names of `docker ps -a` (up to 3, closest first) as data and in the hint; for a
 * name that is a file here (a log given to a command that reads containers), the commands that read files.
 */
export class NoSuchContainer extends NotFoundError {
  constructor(
    name: string,
    readonly suggestions: string[],
    cause?: unknown,
    isFile = false,
  ) {
    super('no such container', name, noSuchHint(name, suggestions, isFile), { cause });
  }
}

function noSuchHint(name: string, suggestions: readonly string[], isFile: boolean): string {
  if (isFile) return `${name} is a file: this command reads containers; goroscope scan, trend, channels and review read files`;
  return suggestions.length > 0 ? `did you mean ${suggestions.join(', ')}? (docker ps -a lists containers)` : 'docker ps -a lists containers';
}

/** The error for a container name the engine does not know, with close names from `docker ps -a`. */
export async function noSuchContainer(docker: DockerRuntime, name: string, cause?: unknown): Promise<NoSuchContainer> {
  let names: string[] = [];
  try {
    const list = await docker.listContainers();
    names = list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
  } catch {
    names = [];
  }
  const isFile = await stat(name).then(
    (s) => s.isFile(),
    () => false,
  );
  return new NoSuchContainer(name, suggestNames(name, names), cause, isFile);
}

/**
 * What a container name or id can be (Docker's name rule, `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; an id or its prefix is hex),
 * with the leading `/` that `docker inspect` prints before a name. Anything else (a path, a URL) names no container,
 * and the engine is not asked: it answers a `/` inside the name with a redirect (301), not with "no such container".
 */
const CONTAINER_REF = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The full `docker inspect` JSON (for bundles); NotFoundError with close names when there is no such container. */
export async function inspectRaw(docker: DockerRuntime, nameOrId: string, signal?: AbortSignal): Promise<ContainerInspect> {
  if (!CONTAINER_REF.test(nameOrId)) throw await noSuchContainer(docker, nameOrId);
  try {
    return await docker.inspect(nameOrId.replace(/^\//, ''), signal);
  } catch (err) {
    if (isHttpStatus(err, 404)) throw await noSuchContainer(docker, nameOrId, err);
    throw err;
  }
}

export function toContainerInfo(raw: ContainerInspect): ContainerInfo {
  const s = raw.State;
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ''),
    tty: raw.Config?.Tty === true,
    logDriver: raw.HostConfig?.LogConfig?.Type ?? 'json-file',
    logOptions: raw.HostConfig?.LogConfig?.Config ?? {},
    logPath: raw.LogPath ?? '',
    dir: typeof raw['HostnamePath'] === 'string' && raw['HostnamePath'] !== '' ? dirname(raw['HostnamePath']) : '',
    state: {
      status: s.Status,
      running: s.Running,
      restarting: s.Restarting,
      exitCode: s.ExitCode,
      startedAt: s.StartedAt,
      finishedAt: s.FinishedAt,
      oomKilled: s.OOMKilled,
    },
    restartCount: raw.RestartCount,
    restartPolicy: raw.HostConfig?.RestartPolicy?.Name ?? '',
    image: raw.Config?.Image ?? raw.Image ?? '',
  };
}

/** Resolve a name or id (or unique id prefix) → the container's facts. NotFoundError with suggestions otherwise. */
export async function resolveContainer(docker: DockerRuntime, nameOrId: string, signal?: AbortSignal): Promise<ContainerInfo> {
  return toContainerInfo(await inspectRaw(docker, nameOrId, signal));
}

/** The error for a log driver without read support (HTTP 501). */
export function unreadableDriver(info: Pick<ContainerInfo, 'name' | 'logDriver' | 'logOptions'>, cause?: unknown): UnavailableError {
  const cacheOff = info.logOptions['cache-disabled'] === 'true';
  return new UnavailableError(
    "the container's log driver cannot be read",
    `${info.name}: ${info.logDriver}${cacheOff ? ', cache-disabled=true' : ''}`,
    info.logDriver === 'none'
      ? 'the container was started with --log-driver none: it keeps no logs; recreate it with json-file or local'
      : 'use the json-file or local driver, or keep Docker\'s dual-logging cache (remove cache-disabled=true)',
    { cause },
  );
}
