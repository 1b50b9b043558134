// Specs that name more than one log: `service:NAME` (a Swarm service: every task on every node, src/sources/service.ts), `compose:PROJECT[/SERVICE]` (every container labelled with the project), and any container spec
// when `--host` is repeated (one source per host that has it). A host that cannot be reached is reported through
// `opts.onHostDown` and skipped, so the others still answer (docs/sources.md).
import { GoroscopeError, NotFoundError, UsageError } from '../errors.js';
import { dockerFor, type DockerRuntime } from '../docker/index.js';
import { resolveContainer, type ContainerInfo } from '../docker/containers.js';
import { composeMembers, resolveService, serviceTasks, type TaskInfo } from '../docker/services.js';
import { containerSource as readOneContainer } from './docker.js';
import { serviceSource } from './service.js';

export { tagFor } from './service.js';
export { mapLimit } from '../limit.js';
import type { Source, SourceOptions } from './types.js';

/** Exit codes that mean "this host is not there" (unreachable daemon, refused socket) rather than "bad request". */
const HOST_DOWN = new Set([69, 77]);

export function isHostDown(err: unknown): err is GoroscopeError {
  return err instanceof GoroscopeError && HOST_DOWN.has(err.exitCode);
}

/**
 * How a host is named in source names and tags: the `--host` value without its scheme for unix sockets and tcp
 * (`/var/run/docker.sock`, `10.0.0.5:2376`), as given otherwise (`ssh://ops@db1`).
 */
export function hostLabel(host: string): string {
  return host.replace(/^(?:unix|tcp|http|https):\/\//, '');
}

/** The hosts to read: every `--host` value, or the one default endpoint (undefined). */
function hostsOf(opts: SourceOptions): (string | undefined)[] {
  return opts.hosts && opts.hosts.length > 0 ? [...new Set(opts.hosts)] : [undefined];
}

/**
 * Run `fn` on every host at once. Hosts that are down are reported and dropped; NotFoundError on a host means
 * "not here". Throws the first host-down error when no host answered, the first NotFoundError when none had it.
 */
async function onEveryHost<T>(opts: SourceOptions, fn: (docker: DockerRuntime, host: string | undefined) => Promise<T[]>): Promise<T[]> {
  const hosts = hostsOf(opts);
  const settled = await Promise.allSettled(hosts.map(async (h) => fn(await dockerFor(h), h)));
  const found: T[] = [];
  let down: GoroscopeError | undefined;
  let notFound: NotFoundError | undefined;
  let answered = 0;
  for (const [i, r] of settled.entries()) {
    if (r.status === 'fulfilled') {
      answered++;
      found.push(...r.value);
      continue;
    }
    const err = r.reason as unknown;
    if (err instanceof NotFoundError) {
      answered++;
      notFound ??= err;
    } else if (isHostDown(err) && hosts.length > 1) {
      down ??= err;
      opts.onHostDown?.(hosts[i] ?? '', err);
    } else throw err;
  }
  if (found.length > 0) return found;
  if (answered === 0 && down) throw down;
  throw notFound ?? new NotFoundError('not found on any host', hosts.join(', '));
}

function containerSource(spec: string, docker: DockerRuntime, info: ContainerInfo, host: string | undefined, opts: SourceOptions): Source {
  if (host === undefined) return readOneContainer(spec, docker, info, opts);
  return readOneContainer(spec, docker, info, opts, `${info.name}@${hostLabel(host)}`, { host, tags: { host } });
}

/** A container spec read on every `--host` that has it (only used when there are several). */
async function openOnEveryHost(spec: string, opts: SourceOptions): Promise<Source[]> {
  return onEveryHost(opts, async (docker, host) => [containerSource(spec, docker, await resolveContainer(docker, spec, opts.signal), host, opts)]);
}

/** `compose:PROJECT` / `compose:PROJECT/SERVICE` → its containers on every host, one source each. */
async function openCompose(spec: string, opts: SourceOptions): Promise<Source[]> {
  const rest = spec.slice('compose:'.length);
  const slash = rest.indexOf('/');
  const project = slash < 0 ? rest : rest.slice(0, slash);
  const service = slash < 0 ? undefined : rest.slice(slash + 1);
  if (project === '' || service === '') throw new UsageError('compose: needs a project name', spec, 'examples: compose:oneapi, compose:oneapi/one-api');
  const multi = hostsOf(opts).length > 1;
  return onEveryHost(opts, async (docker, host) => {
    const members = await composeMembers(docker, project, service, opts.signal);
    const out: Source[] = [];
    for (const m of members) out.push(containerSource(spec, docker, await resolveContainer(docker, m.id, opts.signal), multi ? host : undefined, opts));
    return out;
  });
}

/** `service:NAME` → one source reading every task of the service through the first host that knows it. */
async function openService(spec: string, opts: SourceOptions): Promise<Source[]> {
  const name = spec.slice('service:'.length);
  if (name === '') throw new UsageError('service: needs a service name', spec, 'example: service:oneapi_one-api (docker service ls)');
  const multi = hostsOf(opts).length > 1;
  const all = await onEveryHost(opts, async (docker, host) => {
    const service = await resolveService(docker, name, opts.signal);
    return [serviceSource(spec, docker, service, await serviceTasks(docker, service, opts.signal), multi ? host : undefined, opts, hostsOf(opts))];
  });
  // Managers of one swarm all answer for the same service: read it once.
  const seen = new Set<string>();
  return all.filter((s) => (seen.has(s.info.id!) ? false : (seen.add(s.info.id!), true)));
}

/**
 * The fleet specs, or null for any other spec (resolved by the ordinary resolvers). A plain container name is
 * handled here only when several hosts are given.
 */
export async function openFleet(spec: string, opts: SourceOptions): Promise<Source[] | null> {
  if (spec.startsWith('service:')) return openService(spec, opts);
  if (spec.startsWith('compose:')) return openCompose(spec, opts);
  return null;
}

/** A container spec when several `--host` values are given: one source per host that has the container. */
export async function openContainerOnHosts(spec: string, opts: SourceOptions): Promise<Source[]> {
  return openOnEveryHost(spec, opts);
}

/** The running tasks' containers of a service on the hosts given, for inspect and stats (bundle, check). */
export async function serviceContainers(spec: string, opts: SourceOptions): Promise<{ docker: DockerRuntime; task: TaskInfo; host: string | undefined }[]> {
  const name = spec.slice('service:'.length);
  return onEveryHost(opts, async (docker, host) => {
    const service = await resolveService(docker, name, opts.signal);
    const tasks = await serviceTasks(docker, service, opts.signal);
    const out: { docker: DockerRuntime; task: TaskInfo; host: string | undefined }[] = [];
    for (const task of tasks) {
      if (task.state !== 'running' || task.containerId === null) continue;
      // Only containers of this node can be inspected through this host.
      try {
        await resolveContainer(docker, task.containerId, opts.signal);
        out.push({ docker, task, host });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    return out;
  });
}

export { hostDownLine, incompleteLine, parseMaxStreams } from './fleet-text.js';

/** One container to check: shown as `name`, looked up as `lookup` through `docker` (the default endpoint when absent). */
export interface CheckTarget {
  name: string;
  lookup: string;
  docker?: DockerRuntime;
  host?: string;
  /** With `keepUnresolved`: why this spec named no container (`no container of this compose service (p/s)`). */
  unresolved?: string;
}

/**
 * `check` arguments → containers: `compose:PROJECT[/SERVICE]` is every container of the project, `service:NAME`
 * every running task's container on the hosts given; with several `--host` values a container name is looked up on
 * each (shown as `name@host`). A plain name with one host stays as it is (check reports a missing container itself).
 */
export async function expandCheckTargets(names: string[], opts: SourceOptions & { keepUnresolved?: boolean }): Promise<CheckTarget[]> {
  const out: CheckTarget[] = [];
  for (const spec of names) {
    try {
      out.push(...(await expandOne(spec, opts)));
    } catch (err) {
      // check reports such a spec as unknown (exit 3, with the reason) rather than failing the whole run.
      if (!opts.keepUnresolved || !(err instanceof GoroscopeError) || err instanceof UsageError) throw err;
      out.push({ name: spec, lookup: spec, unresolved: err.headline().replace(/^error: /, '') });
    }
  }
  return out;
}

async function expandOne(spec: string, opts: SourceOptions): Promise<CheckTarget[]> {
  const multi = hostsOf(opts).length > 1;
  const at = (name: string, host: string | undefined) => (multi && host !== undefined ? `${name}@${hostLabel(host)}` : name);
  const out: CheckTarget[] = [];
  {
    if (spec.startsWith('compose:')) {
      const rest = spec.slice('compose:'.length);
      const slash = rest.indexOf('/');
      const project = slash < 0 ? rest : rest.slice(0, slash);
      const service = slash < 0 ? undefined : rest.slice(slash + 1);
      if (project === '' || service === '') throw new UsageError('compose: needs a project name', spec, 'examples: compose:oneapi, compose:oneapi/one-api');
      out.push(
        ...(await onEveryHost(opts, async (docker, host) =>
          (await composeMembers(docker, project, service, opts.signal)).map((m) => ({ name: at(m.name, host), lookup: m.id, docker, ...(multi && host ? { host } : {}) })),
        )),
      );
    } else if (spec.startsWith('service:')) {
      const running = await serviceContainers(spec, opts);
      if (running.length === 0) {
        throw new NotFoundError('no running task of the service on these hosts', spec.slice('service:'.length), 'docker service ps shows where its tasks run; give that node with --host');
      }
      for (const { docker, task, host } of running) {
        out.push({ name: at(`${task.replica}.${task.id}`, host), lookup: task.containerId!, docker, ...(multi && host ? { host } : {}) });
      }
    } else if (multi) {
      out.push(
        ...(await onEveryHost(opts, async (docker, host) => {
          const info = await resolveContainer(docker, spec, opts.signal);
          return [{ name: at(info.name, host), lookup: info.id, docker, ...(host ? { host } : {}) }];
        })),
      );
    } else out.push({ name: spec, lookup: spec });
  }
  return out;
}

