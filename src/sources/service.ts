// `service:NAME` as a source: every task's lines, tagged with its task and node. Reading a whole service through
// the service log endpoint (as `docker service logs` does) may never end: the daemon stops sending and keeps the body
// open (moby/moby#38640, docker/cli#4678). So a read that is not a follow takes each task's lines from its container
// wherever that container's engine is reachable (the engine asked, or a `--host` that is the task's node), and asks
// the service log endpoint only for the rest, under a stall watchdog: no byte for GOROSCOPE_LOG_STALL (10 s) ends
// that stream and marks the source incomplete (docs/faults.md). Following uses the endpoint, which works there.
import type { GEvent } from '../events.js';
import { NotFoundError } from '../errors.js';
import type { Line } from '../stream/types.js';
import { parseDuration } from '../time.js';
import { dockerFor, type DockerRuntime } from '../docker/index.js';
import { readContainerLines } from '../docker/logs.js';
import { readServiceLines, serviceTasks, type ServiceInfo, type TaskInfo } from '../docker/services.js';
import { mapLimit } from '../limit.js';
import { markIncomplete, type EventTags, type Source, type SourceOptions } from './types.js';

/** Which task wrote a replica's lines from when on: tasks of one slot follow each other in time. */
export interface TaskSpan {
  task: string;
  node: string;
  /** Epoch ms of the task's first line (−∞ when it had no timestamp). */
  from: number;
}

/**
 * The tags of an event of a service source: the replica's task whose first line is not later than the event
 * (the newest such one), its node, and the host when several were given.
 */
export function tagFor(spans: readonly TaskSpan[] | undefined, time: string | null, host: string | undefined): EventTags | undefined {
  if (!spans || spans.length === 0) return host !== undefined ? { host } : undefined;
  let pick = spans[spans.length - 1]!;
  if (time !== null) {
    const t = Date.parse(time);
    for (let i = spans.length - 1; i >= 0; i--) {
      if (spans[i]!.from <= t) {
        pick = spans[i]!;
        break;
      }
      if (i === 0) pick = spans[0]!;
    }
  }
  const tags: EventTags = { task: pick.task, node: pick.node };
  if (host !== undefined) tags.host = host;
  return tags;
}

/** Most lines held back per unknown task while the task list is fetched again. */
const MAX_PENDING_LINES = 10_000;

/** How long the service log endpoint may send nothing before its stream is ended (GOROSCOPE_LOG_STALL, e.g. `5s`). */
export const DEFAULT_STALL_MS = 10_000;

function stallMs(env: Record<string, string | undefined> = process.env): number {
  const v = env.GOROSCOPE_LOG_STALL ? parseDuration(env.GOROSCOPE_LOG_STALL) : null;
  return v !== null && v > 0 ? v : DEFAULT_STALL_MS;
}

/** Task logs read at once from containers (each is one log stream). */
const TASK_STREAMS = 8;

/**
 * The engines that can read a task's container directly, by Swarm node id: every host given (or the default one)
 * whose engine is a node of the swarm. An engine that does not answer is simply not used.
 */
async function enginesByNode(hosts: (string | undefined)[], signal: AbortSignal | undefined): Promise<Map<string, DockerRuntime>> {
  const out = new Map<string, DockerRuntime>();
  await Promise.all(
    hosts.map(async (h) => {
      try {
        const docker = await dockerFor(h);
        const node = (await docker.info(signal)).swarmNodeId;
        if (node && !out.has(node)) out.set(node, docker);
      } catch {
        // not reachable: its tasks go through the service log endpoint
      }
    }),
  );
  return out;
}

export function serviceSource(
  spec: string,
  docker: DockerRuntime,
  service: ServiceInfo,
  firstTasks: TaskInfo[],
  host: string | undefined,
  opts: SourceOptions,
  hosts: (string | undefined)[] = [host],
): Source {
  const tasks = new Map(firstTasks.map((t) => [t.id, t]));
  /** replica → its tasks in the order their lines appeared. */
  const spans = new Map<string, TaskSpan[]>();
  /** Lines of tasks not in the list yet (started after it was read): held until the list is read again. */
  const pending = new Map<string, Omit<Line, 'source'>[]>();
  let refreshing: Promise<void> | null = null;

  const replicaOf = (taskId: string): string => tasks.get(taskId)?.replica ?? `${service.name}.${taskId.slice(0, 12)}`;
  const noteSpan = (replica: string, taskId: string, nodeId: string, dockerTime: string | null) => {
    let list = spans.get(replica);
    if (!list) spans.set(replica, (list = []));
    if (list.some((s) => s.task === taskId)) return;
    const t = tasks.get(taskId);
    const from = dockerTime !== null ? Date.parse(dockerTime) : -Infinity;
    list.push({ task: taskId, node: t?.node ?? nodeId, from: Number.isFinite(from) ? from : -Infinity });
    list.sort((a, b) => a.from - b.from);
  };

  const info: Source['info'] = { spec, kind: 'service', name: service.name, id: service.id, ...(host !== undefined ? { host } : {}) };
  const incomplete = (why: string) => markIncomplete(info, why);
  return {
    info,
    tags: (e: GEvent) => tagFor(spans.get(e.source), e.time, host),
    async read(onLine) {
      const deliver = (taskId: string, nodeId: string, line: Omit<Line, 'source'>) => {
        const replica = replicaOf(taskId);
        noteSpan(replica, taskId, nodeId, line.dockerTime);
        onLine({ ...line, source: replica });
      };
      const flushPending = () => {
        for (const [taskId, lines] of pending) for (const l of lines) deliver(taskId, '', l);
        pending.clear();
      };
      const refresh = () => {
        refreshing ??= serviceTasks(docker, service, opts.signal)
          .then((list) => {
            for (const t of list) tasks.set(t.id, t);
          })
          .catch(() => undefined)
          .finally(() => {
            refreshing = null;
            flushPending();
          });
      };
      const fromEndpoint = async (only: Set<string> | null) => {
        const watched = !opts.follow;
        const r = await readServiceLines(
          docker,
          service,
          { since: opts.since, tail: opts.tail, follow: opts.follow, signal: opts.signal, ...(watched ? { stallMs: stall } : {}) },
          (taskId, nodeId, stream, dockerTime, text, oversized) => {
            if (only && !only.has(taskId)) return; // read from its container already
            const line: Omit<Line, 'source'> = oversized ? { stream, dockerTime, text, oversized } : { stream, dockerTime, text };
            if (!tasks.has(taskId) && taskId !== '') {
              let held = pending.get(taskId);
              if (!held) pending.set(taskId, (held = []));
              held.push(line);
              if (held.length > MAX_PENDING_LINES) flushPending();
              else refresh();
              return;
            }
            deliver(taskId, nodeId, line);
          },
        );
        if (r.stalled) {
          const names = only ? [...only].map((id) => tasks.get(id)?.replica ?? id).sort().join(', ') : 'every task';
          incomplete(`the Docker service log stream stopped sending for ${stall / 1000} s and was ended: lines of ${names} may be missing`);
        }
      };
      const stall = stallMs();
      if (opts.follow || process.env.GOROSCOPE_SERVICE_LOGS === 'endpoint') {
        await fromEndpoint(null);
      } else {
        // Each task from its container where its node's engine is reachable; the endpoint for the rest.
        const engines = await enginesByNode(hosts, opts.signal);
        const direct = firstTasks.filter((t) => t.containerId !== null && engines.has(t.nodeId));
        const rest = new Set(firstTasks.filter((t) => t.containerId !== null && !engines.has(t.nodeId)).map((t) => t.id));
        // The tasks of one replica in time order (their lines form one source); replicas side by side.
        const replicas = new Map<string, TaskInfo[]>();
        for (const t of direct) replicas.set(t.replica, [...(replicas.get(t.replica) ?? []), t]);
        await mapLimit([...replicas.values()], TASK_STREAMS, async (list) => {
          for (const t of list) {
            if (opts.signal?.aborted) return;
            try {
              await readContainerLines(engines.get(t.nodeId)!, t.containerId!, { since: opts.since, tail: opts.tail, signal: opts.signal }, (stream, dockerTime, text, oversized) =>
                deliver(t.id, t.nodeId, oversized ? { stream, dockerTime, text, oversized } : { stream, dockerTime, text }),
              );
            } catch (err) {
              if (!(err instanceof NotFoundError)) throw err;
              rest.add(t.id); // its container is gone (task removed): only the endpoint may still have its lines
            }
          }
        });
        if (rest.size > 0 && !opts.signal?.aborted) await fromEndpoint(rest);
      }
      while (refreshing) await refreshing;
      flushPending();
    },
  };
}

