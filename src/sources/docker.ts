// A container spec (name, id or id prefix) → a Source reading its logs through src/docker.
import { NotFoundError } from '../errors.js';
import type { Line } from '../stream/types.js';
import { quietLine } from '../stream/decode.js';
import { dockerFor, type DockerRuntime } from '../docker/index.js';
import { resolveContainer, type ContainerInfo } from '../docker/containers.js';
import { readContainerLines } from '../docker/logs.js';
import type { EventTags, Source, SourceOptions } from './types.js';

/** Find the container on the first host that has it (`--host` may be repeated). */
export async function findContainer(spec: string, opts: SourceOptions): Promise<{ docker: DockerRuntime; info: ContainerInfo }> {
  const hosts = opts.hosts && opts.hosts.length > 0 ? opts.hosts : [undefined];
  let notFound: NotFoundError | undefined;
  for (const host of hosts) {
    const docker = await dockerFor(host);
    try {
      return { docker, info: await resolveContainer(docker, spec, opts.signal) };
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
  docker: DockerRuntime,
  info: ContainerInfo,
  opts: SourceOptions,
  name: string = info.name,
  extra: { host?: string; tags?: EventTags } = {},
): Source {
  const tags = extra.tags;
  const source: Source = {
    info: { spec, kind: 'container', name, id: info.id, ...(extra.host !== undefined ? { host: extra.host } : {}), dockerRestartCount: info.restartCount },
    tags: tags ? () => tags : undefined,
    async read(onLine, quiet) {
      const quietLines = { stdout: quietLine(name, 'stdout'), stderr: quietLine(name, 'stderr'), unknown: quietLine(name, 'unknown') };
      await readContainerLines(
        docker,
        info,
        {
          since: opts.since,
          until: opts.until,
          tail: opts.tail,
          follow: opts.follow,
          signal: opts.signal,
          via: opts.via,
          onVia: (via) => (source.info.via = via),
          quiet: quiet ? { test: quiet, onQuiet: (stream) => onLine(quietLines[stream]) } : undefined,
        },
        (stream, dockerTime, text, oversized) => {
          const line: Line = oversized ? { source: name, stream, dockerTime, text, oversized } : { source: name, stream, dockerTime, text };
          onLine(line);
        },
      );
    },
  };
  return source;
}

export async function openContainer(spec: string, opts: SourceOptions): Promise<Source> {
  const { docker, info } = await findContainer(spec, opts);
  return containerSource(spec, docker, info, opts);
}
