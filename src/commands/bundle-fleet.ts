// `goroscope bundle compose:PROJECT | service:NAME | CONTAINER with several --host`: one bundle holding one ordinary
// container bundle directory per container and one fleet manifest (docs/sources.md). Each container is collected by
// the single-container bundle code, so every directory reads like any bundle; the fleet manifest lists them.
import { mkdir, readdir, rename, rm, writeFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { EXIT, OutputError } from '../errors.js';
import { safeName, utcStamp } from '../bundle/writer.js';
import { bundleContainer, human, type BundleCliOptions } from './bundle.js';
import { expandCheckTargets, hostDownLine, hostLabel, parseMaxStreams } from '../sources/fleet.js';
import { clientFor } from '../sources/docker.js';

/** `kind` of a fleet bundle's manifest.json; the source resolver expands such a directory into its containers. */
export const FLEET_BUNDLE_KIND = 'goroscope-fleet-bundle';

export interface FleetManifest {
  kind: typeof FLEET_BUNDLE_KIND;
  spec: string;
  createdAt: string;
  /** True when every container's bundle is complete and no host was skipped. */
  complete: boolean;
  containers: { name: string; dir: string; host?: string; complete: boolean; failed: string[] }[];
  hostsDown: { host: string; error: string; exitCode: number }[];
}

export async function runFleet(spec: string, opts: BundleCliOptions, ctx: CommandContext): Promise<void> {
  const format = opts.format ?? 'tgz';
  const hostsDown: FleetManifest['hostsDown'] = [];
  const targets = await expandCheckTargets([spec], {
    hosts: ctx.globals.host,
    signal: ctx.signal,
    onHostDown: (host, err) => {
      hostsDown.push({ host, error: err.headline().replace(/^error: /, ''), exitCode: err.exitCode });
      ctx.stderr.write(hostDownLine(host, err));
    },
  });
  const outDir = opts.out ?? '.';
  const base = `goroscope-fleet-${safeName(spec.replace(/^(compose|service):/, '$1-'))}-${utcStamp(ctx.now())}`;
  const staging = join(outDir, `.${base}.partial`);
  try {
    await mkdir(staging, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new OutputError('cannot create the bundle directory', staging, 'choose a directory you can write to with --out DIR', { cause: err });
  }

  // Containers are collected side by side, at most --max-streams at once (each holds a log stream).
  const limit = parseMaxStreams(ctx.globals.maxStreams) ?? 8;
  const entries: FleetManifest['containers'] = new Array(targets.length);
  let next = 0;
  let interrupted = false;
  const worker = async () => {
    while (next < targets.length && !ctx.signal.aborted) {
      const i = next++;
      const t = targets[i]!;
      const sub = join(staging, String(i).padStart(3, '0'));
      await mkdir(sub, { mode: 0o700 });
      const client = t.client ?? (await clientFor(ctx.globals.host?.[0]));
      const r = await bundleContainer(t.lookup, { ...opts, quiet: true }, ctx, { client, outDir: sub });
      if (r.interrupted) interrupted = true;
      // The container's bundle directory moves up beside the others, named by its own bundle name.
      // Several hosts may hold containers of one name: the host label keeps their directories apart.
      const dir = t.host ? `${safeName(hostLabel(t.host))}_${basename(r.finished.path)}` : basename(r.finished.path);
      await rename(r.finished.path, join(staging, dir));
      await rm(sub, { recursive: true, force: true });
      const failed = Object.entries(r.manifest.items)
        .filter(([, it]) => it.status === 'failed')
        .map(([name]) => name);
      entries[i] = { name: t.name, dir, ...(t.host ? { host: t.host } : {}), complete: r.manifest.complete, failed };
      if (!opts.quiet) for (const f of failed) ctx.stderr.write(`warning: ${t.name}: ${f} not collected\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, targets.length) }, worker));
  const containers = entries.filter((e) => e !== undefined);
  const complete = !interrupted && hostsDown.length === 0 && containers.length === targets.length && containers.every((c) => c.complete);
  const manifest: FleetManifest = { kind: FLEET_BUNDLE_KIND, spec, createdAt: new Date(ctx.now()).toISOString(), complete, containers, hostsDown };
  await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });

  const name = interrupted ? `${base}.incomplete` : base;
  let path: string;
  if (format === 'dir') {
    path = join(outDir, name);
    await rename(staging, path);
  } else {
    path = join(outDir, `${name}.tar.gz`);
    const tar = await import('tar');
    const entries = await readdir(staging);
    await tar.create({ gzip: { level: 6 }, cwd: staging, portable: true, prefix: name, file: `${path}.partial` }, entries);
    await rename(`${path}.partial`, path);
    await rm(staging, { recursive: true, force: true });
  }
  const bytes = format === 'dir' ? 0 : (await stat(path)).size;
  if (interrupted) {
    ctx.stderr.write(`interrupted: kept the incomplete bundle ${path} (manifest.json says complete: false)\n`);
    process.exitCode = EXIT.INTERRUPTED;
    return;
  }
  ctx.stdout.write(`${complete ? 'bundle' : 'incomplete bundle'}: ${path} (${containers.length} containers${bytes ? `, ${human(bytes)}` : ''})\n`);
}
