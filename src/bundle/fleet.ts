// A fleet bundle (`bundle compose:PROJECT | service:NAME | CONTAINER with several --host`): one ordinary container
// bundle directory per container and one fleet manifest, written through the bundle writer like any bundle
// (docs/sources.md). Each container is collected by the caller's single-container bundle, so every directory reads like any
// bundle; this file only runs them side by side, places their directories and lists them.
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { mapLimit } from '../limit.js';
import { hostLabel } from '../sources/fleet.js';
import type { BundleResult } from './types.js';
import { BundleWriter, safeName, utcStamp, type BundleFormat, type Finished } from './writer.js';

/** `kind` of a fleet bundle's manifest.json; the source resolver expands such a directory into its containers. */
export const FLEET_BUNDLE_KIND = 'goroscope-fleet-bundle';

export interface FleetEntry {
  name: string;
  dir: string;
  host?: string;
  complete: boolean;
  failed: string[];
}

export interface FleetManifest {
  kind: typeof FLEET_BUNDLE_KIND;
  spec: string;
  createdAt: string;
  /** True when every container's bundle is complete and no host was skipped. */
  complete: boolean;
  containers: FleetEntry[];
  hostsDown: { host: string; error: string; exitCode: number }[];
}

export interface FleetTarget {
  /** As shown: `one-api`, `svc.1.<task>`, `name@host`. */
  name: string;
  /** Set when several hosts hold containers: keeps their directories apart. */
  host?: string;
}

export interface FleetOptions {
  /** What the user asked for: `compose:oneapi`, `service:api`, a container name. */
  spec: string;
  outDir: string;
  format: BundleFormat;
  /** Containers collected at once (each holds a log stream). */
  limit: number;
  hostsDown: FleetManifest['hostsDown'];
  now: () => number;
  signal: AbortSignal;
  /** Called as each container's bundle is placed. */
  onCollected?: (entry: FleetEntry) => void;
}

export interface FleetResult {
  finished: Finished;
  manifest: FleetManifest;
  interrupted: boolean;
}

/** Bundle every target with `bundleOne` (which writes one container bundle directory into the directory it is given). */
export async function collectFleet<T extends FleetTarget>(
  targets: readonly T[],
  bundleOne: (target: T, outDir: string) => Promise<BundleResult>,
  opts: FleetOptions,
): Promise<FleetResult> {
  const base = `goroscope-fleet-${safeName(opts.spec.replace(/^(compose|service):/, '$1-'))}-${utcStamp(opts.now())}`;
  const writer = new BundleWriter(opts.outDir, base, opts.format);
  await writer.open();
  try {
    let interrupted = false;
    const entries = await mapLimit(targets, opts.limit, async (t, i): Promise<FleetEntry | undefined> => {
      if (opts.signal.aborted) return undefined;
      const work = await writer.workDir(`.${String(i).padStart(3, '0')}`);
      const r = await bundleOne(t, work);
      if (r.interrupted) interrupted = true;
      // The container's bundle directory moves up beside the others, named by its own bundle name.
      const dir = t.host ? `${safeName(hostLabel(t.host))}_${basename(r.finished.path)}` : basename(r.finished.path);
      await writer.adopt(r.finished.path, dir, r.finished.bytes);
      await rm(work, { recursive: true, force: true });
      const failed = Object.entries(r.manifest.items)
        .filter(([, it]) => it.status === 'failed')
        .map(([name]) => name);
      const entry: FleetEntry = { name: t.name, dir, ...(t.host ? { host: t.host } : {}), complete: r.manifest.complete, failed };
      opts.onCollected?.(entry);
      return entry;
    });
    if (opts.signal.aborted) interrupted = true;
    const containers = entries.filter((e): e is FleetEntry => e !== undefined);
    const complete = !interrupted && opts.hostsDown.length === 0 && containers.length === targets.length && containers.every((c) => c.complete);
    const manifest: FleetManifest = {
      kind: FLEET_BUNDLE_KIND,
      spec: opts.spec,
      createdAt: new Date(opts.now()).toISOString(),
      complete,
      containers,
      hostsDown: opts.hostsDown,
    };
    await writer.write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    // An interrupted fleet gets the `.incomplete` name; one with a failed container says so in its manifest only.
    const finished = await writer.finish(!interrupted, base, interrupted ? 'dir' : opts.format);
    return { finished, manifest, interrupted };
  } catch (err) {
    await writer.discard();
    throw err;
  }
}
