// Swarm services and compose projects: which tasks / containers make them up, and a service's log stream
// (`GET /services/{id}/logs`, the same 8-byte framing as container logs). With `details=true` Engine 20.10 puts
// the task attributes between the timestamp and the message of every frame, 16 KB parts included:
//   `2026-11-26T14:32:49.017083542Z com.docker.swarm.node.id=lzqm…,com.docker.swarm.service.id=slzh…,com.docker.swarm.task.id=rlc2… hello`
import { GoroscopeError, NotFoundError, UnavailableError } from '../errors.js';
import type { FrameStream } from '../stream/frames.js';
import { MessageAssembler, type DockerLineHandler } from '../stream/messages.js';
import { dockerTsPrefixLengthBytes, msToDockerTs } from '../time.js';
import { mapDockerError } from './client.js';
import { suggestNames } from './containers.js';
import { isHttpStatus, type ContainerSummary, type DockerRuntime, type ServiceInspect, type TaskInspect } from './runtime.js';

export interface ServiceInfo {
  id: string;
  name: string;
  /** `replicated` (tasks named `svc.<slot>`) or `global` (`svc.<node>`). */
  mode: 'replicated' | 'global';
  tty: boolean;
}

export interface TaskInfo {
  id: string;
  /** Replica name as `docker service ps` shows it: `svc.1` (replicated) or `svc.<node id>` (global). */
  replica: string;
  slot: number | null;
  nodeId: string;
  /** The node's hostname, or its id when the node list cannot be read. */
  node: string;
  state: string;
  desiredState: string;
  /** Set once the task has a container (on whichever node runs it). */
  containerId: string | null;
  /** RFC 3339, when the task last changed state. */
  timestamp: string;
}

/** 503 "This node is not a swarm manager" → an UnavailableError that says so; the rest as usual. */
function swarmError(err: unknown, docker: DockerRuntime): Error {
  if (isHttpStatus(err, 503) || isHttpStatus(err, 406)) {
    return new UnavailableError('the Docker host is not a Swarm manager', docker.endpoint, 'service: sources need a manager node (docker node ls); use --host to reach one', {
      cause: err,
    });
  }
  return err instanceof GoroscopeError ? err : mapDockerError(err, docker);
}

/** Look a service up by name or id. NotFoundError with close names otherwise. */
export async function resolveService(docker: DockerRuntime, nameOrId: string, signal?: AbortSignal): Promise<ServiceInfo> {
  let raw: ServiceInspect;
  try {
    raw = await docker.inspectService(nameOrId, signal);
  } catch (err) {
    if (!isHttpStatus(err, 404)) throw swarmError(err, docker);
    let names: string[] = [];
    try {
      const list = await docker.listServices();
      names = list.map((s) => s.Spec?.Name ?? '').filter((n) => n !== '');
    } catch {
      names = [];
    }
    const close = suggestNames(nameOrId, names);
    throw new NotFoundError('no such service', nameOrId, close.length > 0 ? `did you mean ${close.join(', ')}? (docker service ls)` : 'docker service ls lists services', { cause: err });
  }
  return {
    id: raw.ID,
    name: raw.Spec?.Name ?? nameOrId,
    mode: raw.Spec?.Mode?.Global !== undefined ? 'global' : 'replicated',
    tty: raw.Spec?.TaskTemplate?.ContainerSpec?.TTY === true,
  };
}

/** Node id → hostname; an empty map when the node list is not readable (a worker, or a restricted API). */
export async function nodeNames(docker: DockerRuntime, signal?: AbortSignal): Promise<Map<string, string>> {
  try {
    const nodes = await docker.listNodes(signal);
    return new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
  } catch {
    return new Map();
  }
}

/** Every task of the service (running, finished, failed), oldest first. */
export async function serviceTasks(docker: DockerRuntime, service: ServiceInfo, signal?: AbortSignal): Promise<TaskInfo[]> {
  let raw: TaskInspect[];
  try {
    raw = await docker.listTasks(service.id, signal);
  } catch (err) {
    throw swarmError(err, docker);
  }
  const names = await nodeNames(docker, signal);
  return raw
    .map((t) => {
      const nodeId = t.NodeID ?? '';
      const slot = typeof t.Slot === 'number' && t.Slot > 0 ? t.Slot : null;
      return {
        id: t.ID,
        replica: slot !== null ? `${service.name}.${slot}` : `${service.name}.${nodeId}`,
        slot,
        nodeId,
        node: names.get(nodeId) ?? nodeId,
        state: t.Status?.State ?? '',
        desiredState: t.DesiredState ?? '',
        containerId: t.Status?.ContainerStatus?.ContainerID || null,
        timestamp: t.Status?.Timestamp ?? t.UpdatedAt ?? t.CreatedAt ?? '',
      };
    })
    .sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

/** A container of a compose project, as `docker ps` lists it. */
export interface ComposeMember {
  id: string;
  name: string;
  project: string;
  service: string;
  state: string;
}

/**
 * Containers labelled `com.docker.compose.project=PROJECT` (and `com.docker.compose.service=SERVICE` when given),
 * stopped ones included, ordered by service then name. NotFoundError naming the projects that exist when none match.
 */
export async function composeMembers(docker: DockerRuntime, project: string, service?: string, signal?: AbortSignal): Promise<ComposeMember[]> {
  const labels = [`com.docker.compose.project=${project}`];
  if (service !== undefined) labels.push(`com.docker.compose.service=${service}`);
  let list: ContainerSummary[];
  try {
    list = await docker.listContainers({ labels }, signal);
  } catch (err) {
    throw err instanceof GoroscopeError ? err : mapDockerError(err, docker);
  }
  if (list.length === 0) {
    let known: string[] = [];
    try {
      const all = await docker.listContainers({ labels: ['com.docker.compose.project'] });
      known = [
        ...new Set(
          all.map((c) => {
            const p = c.Labels['com.docker.compose.project'] ?? '';
            return service !== undefined && p === project ? `${p}/${c.Labels['com.docker.compose.service'] ?? ''}` : p;
          }),
        ),
      ];
    } catch {
      known = [];
    }
    const wanted = service !== undefined ? `${project}/${service}` : project;
    const close = suggestNames(wanted, known);
    throw new NotFoundError(
      service !== undefined ? 'no container of this compose service' : 'no container of this compose project',
      wanted,
      close.length > 0 ? `did you mean ${close.join(', ')}? (docker compose ls -a)` : 'containers need the label com.docker.compose.project (docker compose ls -a)',
    );
  }
  return list
    .map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      project,
      service: c.Labels['com.docker.compose.service'] ?? '',
      state: c.State,
    }))
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface ServiceLogRequest {
  since?: number;
  tail?: number;
  follow?: boolean;
  signal?: AbortSignal;
  /**
   * The stall watchdog: end the read when no byte came for this long. The service log endpoint is known to stop
   * sending without ending the body (moby/moby#38640, docker/cli#4678); never set it when following.
   */
  stallMs?: number;
}

/** Receives one line of a service log with the task that wrote it. */
export type TaskLineHandler = (taskId: string, nodeId: string, stream: 'stdout' | 'stderr', dockerTime: string | null, text: string, oversized: boolean) => void;

/**
 * `com.docker.swarm.node.id=a,com.docker.swarm.service.id=b,com.docker.swarm.task.id=c` → task and node ids.
 * The daemon query-escapes keys and values; ids never need it.
 */
export function parseDetails(details: string): { task: string; node: string } {
  let task = '';
  let node = '';
  for (const kv of details.split(',')) {
    const eq = kv.indexOf('=');
    if (eq < 0) continue;
    const k = kv.slice(0, eq);
    if (k === 'com.docker.swarm.task.id') task = decodeURIComponent(kv.slice(eq + 1));
    else if (k === 'com.docker.swarm.node.id') node = decodeURIComponent(kv.slice(eq + 1));
  }
  return { task, node };
}

/**
 * Frames of a service log → lines per task. Each task has its own assembler, so 16 KB parts of one task's line are
 * joined even when another task's frames come between them. The details are cut out of each frame and the
 * timestamp kept in front, so the container-log assembler reads the rest exactly as it reads `docker logs -t`.
 */
export class ServiceFrameRouter {
  private readonly tasks = new Map<string, { node: string; asm: MessageAssembler }>();

  constructor(private readonly onLine: TaskLineHandler) {}

  frame(stream: FrameStream, payload: Buffer): void {
    const n = dockerTsPrefixLengthBytes(payload, 0, payload.length);
    let taskId = '';
    let nodeId = '';
    let body = payload;
    // `<ts> <details> <message>`: the details run to the next space and always hold `=`.
    const sp = payload.indexOf(32, n);
    if (sp > n) {
      const details = payload.toString('latin1', n, sp);
      if (details.includes('com.docker.swarm.')) {
        ({ task: taskId, node: nodeId } = parseDetails(details));
        body = n > 0 ? Buffer.concat([payload.subarray(0, n), payload.subarray(sp + 1)]) : payload.subarray(sp + 1);
      }
    }
    let t = this.tasks.get(taskId);
    if (!t) {
      const id = taskId;
      const node = nodeId;
      t = { node, asm: new MessageAssembler((s, ts, text, oversized) => this.onLine(id, node, s === 'stderr' ? 'stderr' : 'stdout', ts, text, oversized)) };
      this.tasks.set(taskId, t);
    }
    t.asm.frame(stream, body);
  }

  end(): void {
    for (const t of this.tasks.values()) t.asm.end();
  }
}

/**
 * Every task's lines of a service, on every node, through the manager. Resolves at the end of the body (with
 * `follow`: when the user aborts or the service is removed), or when the stall watchdog ended a body that stopped
 * coming (`stalled: true`: lines may be missing); a connection cut short rejects.
 */
export async function readServiceLines(docker: DockerRuntime, service: ServiceInfo, req: ServiceLogRequest, onLine: TaskLineHandler): Promise<{ stalled: boolean }> {
  const router = new ServiceFrameRouter(onLine);
  const stall = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = req.stallMs === undefined ? () => undefined : () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), req.stallMs);
  };
  arm();
  try {
    await docker.serviceLogs(
      service.id,
      {
        follow: req.follow === true,
        timestamps: true,
        details: true,
        // Read as frames, as the service log endpoint sends them (each frame carries its task details).
        tty: false,
        ...(req.since !== undefined ? { since: msToDockerTs(req.since) } : {}),
        ...(req.tail !== undefined ? { tail: req.tail } : {}),
        signal: req.signal ? AbortSignal.any([req.signal, stall.signal]) : stall.signal,
      },
      (s, p) => {
        arm();
        router.frame(s, p);
      },
    );
  } catch (err) {
    if (req.signal?.aborted) return { stalled: false };
    if (stall.signal.aborted) {
      router.end();
      return { stalled: true };
    }
    if (isHttpStatus(err, 404)) throw new NotFoundError('no such service', service.name, 'docker service ls lists services', { cause: err });
    throw swarmError(err, docker);
  } finally {
    clearTimeout(timer);
  }
  router.end();
  return { stalled: stall.signal.aborted && !req.signal?.aborted };
}

export type { DockerLineHandler };
