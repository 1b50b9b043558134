// A container spec (name, id or id prefix) → a Source reading its logs through src/docker.
import { NotFoundError } from '../errors.js';
import type { Line } from '../stream/types.js';
import { connect, type DockerClient } from '../docker/client.js';
import { resolveContainer, type ContainerInfo } from '../docker/containers.js';
import { readContainerLines } from '../docker/logs.js';
import type { EventTags, Source, SourceOptions } from './index.js';

const clients = new Map<string, Promise<DockerClient>>();

/** One client per `--host` value (undefined: DOCKER_HOST, context, default socket), shared by every source. */
export function clientFor(host: string | undefined): Promise<DockerClient> {
  const key = host ?? '';
  let c = clients.get(key);
  if (!c) {
    c = connect(host);
    clients.set(key, c);
    c.catch(() => clients.delete(key));
  }
  return c;
}

/** Find the container on the first host that has it (`--host` may be repeated). */
export async function findContainer(spec: string, opts: SourceOptions): Promise<{ client: DockerClient; info: ContainerInfo }> {
  const hosts = opts.hosts && opts.hosts.length > 0 ? opts.hosts : [undefined];
  let notFound: NotFoundError | undefined;
  for (const host of hosts) {
    const client = await clientFor(host);
    try {
      return { client, info: await resolveContainer(client, spec, opts.signal) };
    } catch (err) {
      if (err instanceof NotFoundError && hosts.length > 1) {
        notFound ??= err;
        continue;
      }
      throw err;
    }
  }
  throw notFound!;
}

/**
 * A Source reading one container's logs. `name` is the source name events carry (the container name, or
 * `name@host` when several hosts are read); `extra` adds fields to the source's info and tags to its events.
 */
export function containerSource(
  spec: string,
  client: DockerClient,
  info: ContainerInfo,
  opts: SourceOptions,
  name: string = info.name,
  extra: { host?: string; tags?: EventTags } = {},
): Source {
  const tags = extra.tags;
  return {
    info: { spec, kind: 'container', name, id: info.id, ...(extra.host !== undefined ? { host: extra.host } : {}) },
    tags: tags ? () => tags : undefined,
    async read(onLine) {
      await readContainerLines(
        client,
        info,
        { since: opts.since, until: opts.until, tail: opts.tail, follow: opts.follow, signal: opts.signal },
        (stream, dockerTime, text, oversized) => {
          const line: Line = oversized ? { source: name, stream, dockerTime, text, oversized } : { source: name, stream, dockerTime, text };
          onLine(line);
        },
      );
    },
  };
}

export async function openContainer(spec: string, opts: SourceOptions): Promise<Source> {
  const { client, info } = await findContainer(spec, opts);
  return containerSource(spec, client, info, opts);
}
