// Container lookup: a name or id → what the log reader and the reports need, with "no such container" errors
// that suggest close names.
import { NotFoundError, UnavailableError } from '../errors.js';
import { isHttpStatus, type ContainerInspect, type DockerRuntime } from './runtime.js';

export interface ContainerInfo {
  id: string;
  /** Without the leading `/`. */
  name: string;
  tty: boolean;
  logDriver: string;
  logOptions: Record<string, string>;
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

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Up to 3 names close to `wanted`: containing it (or contained in it), or within a third of its length in edits (at least 2). Closest first. */
export function suggestNames(wanted: string, names: readonly string[]): string[] {
  const w = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(w.length / 3));
  return names
    .map((n) => {
      const l = n.toLowerCase();
      // A name that contains the wanted one (or the reverse) is close; among those, the nearest length first.
      const d = l.includes(w) || w.includes(l) ? 0.5 + Math.abs(l.length - w.length) / 1000 : editDistance(w, l);
      return { n, d };
    })
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.n);
}

/** The NotFoundError for `name`, with close names from `docker ps -a` in the hint. */
export async function noSuchContainer(docker: DockerRuntime, name: string, cause?: unknown): Promise<NotFoundError> {
  let names: string[] = [];
  try {
    const list = await docker.listContainers();
    names = list.flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')));
  } catch {
    names = [];
  }
  const close = suggestNames(name, names);
  const hint = close.length > 0 ? `did you mean ${close.join(', ')}? (docker ps -a lists containers)` : 'docker ps -a lists containers';
  return new NotFoundError('no such container', name, hint, { cause });
}

/** The full `docker inspect` JSON (for bundles); NotFoundError with close names when there is no such container. */
export async function inspectRaw(docker: DockerRuntime, nameOrId: string, signal?: AbortSignal): Promise<ContainerInspect> {
  try {
    return await docker.inspect(nameOrId, signal);
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
