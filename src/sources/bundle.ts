// A goroscope bundle (directory or `.tar.gz`) as a source: its `logs/stdout.log` and `logs/stderr.log` are
// `docker logs -t` text per stream, handed over as lines of the right stream, merged by Docker timestamp,
// with the container name from the manifest as the source name. An archive is unpacked into a private
// temporary directory first (both streams are read side by side) and removed afterwards.
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile as readText, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, InputError } from '../errors.js';
import type { GEvent, Stream } from '../events.js';
import { recordLineEvents } from './record.js';
import { LineSplitter } from '../stream/lines.js';
import { DOCKER_API_TS_LEN, isDockerApiTs, stripDockerTs } from '../time.js';
import type { Line } from '../stream/types.js';
import type { LineSink, Source, SourceOptions } from './types.js';
import { fileError, FILE_CHUNK } from './files.js';

export const BUNDLE_LOGS = { stdout: 'logs/stdout.log', stderr: 'logs/stderr.log' } as const;

interface ManifestHead {
  container?: { name?: string; id?: string };
  startedAt?: string;
  items?: { health?: { status?: string; ms?: number } };
}

/**
 * The bundle's health snapshot (`health.json`) as events: a goroutine `sample` and a memory event, at the snapshot's
 * time: its own `time` (bundles since this field was added), else the manifest's `startedAt` plus the health item's
 * `ms` (when the answer came). The count and memory are what goroscope read from the answer (`goroutines`,
 * `memory`), else the ezlinkai body (`{"goroutines":…,"memory":{"alloc_mb":…}}`). No count or no time: no events.
 */
export async function healthSnapshotEvents(root: string, name: string, manifest: ManifestHead): Promise<GEvent[]> {
  let snap: Record<string, unknown>;
  try {
    snap = JSON.parse(await readText(join(root, 'health.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return []; // no snapshot (skipped, or not ours): nothing to add
  }
  if (snap === null || typeof snap !== 'object') return [];
  let body: Record<string, unknown> = {};
  if (typeof snap.body === 'string') {
    try {
      const b = JSON.parse(snap.body) as unknown;
      if (b !== null && typeof b === 'object') body = b as Record<string, unknown>;
    } catch {
      // /metrics text or an error page: only the extras can say something
    }
  }
  let ms = typeof snap.time === 'string' ? Date.parse(snap.time) : NaN;
  if (!Number.isFinite(ms) && typeof manifest.startedAt === 'string') {
    const took = manifest.items?.health?.ms;
    ms = Date.parse(manifest.startedAt) + (typeof took === 'number' && took > 0 ? took : 0);
  }
  if (!Number.isFinite(ms)) return [];
  const goroutines = typeof snap.goroutines === 'number' ? snap.goroutines : body.goroutines;
  const memory = snap.memory !== null && typeof snap.memory === 'object' ? snap.memory : body.memory;
  const line = JSON.stringify({ time: new Date(ms).toISOString(), container: name, goroutines, memory });
  return recordLineEvents(line, name, null).events.map((e) => ({ ...e, raw: 'health.json' }));
}

/** The bundle root inside an unpacked archive: the archive holds one top directory `<name>/`. */
async function findRoot(dir: string): Promise<string> {
  try {
    await stat(join(dir, 'manifest.json'));
    return dir;
  } catch {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      try {
        await stat(join(dir, e.name, 'manifest.json'));
        return join(dir, e.name);
      } catch {
        // not this one
      }
    }
  }
  throw new DataError('not a goroscope bundle (no manifest.json)', dir);
}

async function readManifest(root: string, spec: string): Promise<ManifestHead> {
  try {
    return JSON.parse(await readText(join(root, 'manifest.json'), 'utf8')) as ManifestHead;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw fileError(err, join(spec, 'manifest.json'));
    throw new DataError('the bundle manifest is not valid JSON', join(spec, 'manifest.json'), undefined, { cause: err });
  }
}

/** Unpack a `.tar.gz` bundle into a private temporary directory; returns it (the caller removes it). */
export async function unpackBundle(archive: string): Promise<string> {
  const tar = await import('tar');
  const dir = await mkdtemp(join(tmpdir(), 'goroscope-bundle-'));
  try {
    await tar.x({ file: archive, cwd: dir, strict: true, preserveOwner: false });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM') throw fileError(err, archive);
    throw new DataError('not a readable bundle archive', archive, 'the archive is damaged or was cut short', { cause: err });
  }
  return dir;
}

/**
 * One physical line of `docker logs -t` text → the messages in it. The file lost the frame boundaries, so two
 * cases put a timestamp inside a line: a line Docker cut into 16 KB parts (every part repeats the first part's
 * timestamp: the copy is removed), and a message without newline followed by the next one (a program that exited
 * mid-line, then restarted: a later timestamp starts a new line). This is what the container source makes of the
 * same frames.
 */
export function splitMessages(emit: (ts: string | null, text: string, oversized: boolean) => void): (text: string, oversized: boolean) => void {
  return (line, oversized) => {
    const s = stripDockerTs(line);
    if (!s) return emit(null, line, oversized);
    let ts = s.ts;
    let body = s.text;
    const year = ts.slice(0, 5); // `2026-`
    let from = 0;
    for (;;) {
      const i = body.indexOf(year, from);
      if (i === -1) break;
      if (!isDockerApiTs(body, i)) {
        from = i + 1;
        continue;
      }
      const inner = body.slice(i, i + DOCKER_API_TS_LEN - 1);
      if (inner === ts) {
        body = body.slice(0, i) + body.slice(i + DOCKER_API_TS_LEN);
        from = i;
      } else if (inner > ts) {
        emit(ts, body.slice(0, i), false);
        ts = inner;
        body = body.slice(i + DOCKER_API_TS_LEN);
        from = 0;
      } else from = i + 1;
    }
    emit(ts, body, oversized);
  };
}

/** Lines of one stream file, in batches (one per read chunk), pulled one batch at a time. */
async function* streamLines(path: string, name: string, stream: Stream, signal?: AbortSignal): AsyncGenerator<Line[]> {
  let batch: Line[] = [];
  const asm = new LineSplitter(
    splitMessages((dockerTime, text, oversized) => {
      batch.push(oversized ? { source: name, stream, dockerTime, text, oversized } : { source: name, stream, dockerTime, text });
    }),
  );
  let input;
  try {
    input = createReadStream(path, { highWaterMark: FILE_CHUNK, ...(signal ? { signal } : {}) });
    for await (const chunk of input) {
      asm.push(chunk as Buffer);
      if (batch.length > 0) {
        const out = batch;
        batch = [];
        yield out;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // a stream with no file: nothing was logged there
    if (signal?.aborted) return;
    throw fileError(err, path);
  }
  asm.flush();
  if (batch.length > 0) yield batch;
}

/** Hand over the lines of both streams merged by Docker timestamp (ties: stdout first; untimed lines stay in place). */
export async function readBundleLogs(root: string, name: string, onLine: LineSink, signal?: AbortSignal): Promise<void> {
  const its = [
    streamLines(join(root, BUNDLE_LOGS.stdout), name, 'stdout', signal),
    streamLines(join(root, BUNDLE_LOGS.stderr), name, 'stderr', signal),
  ];
  const heads: { batch: Line[]; i: number; last: string }[] = [];
  for (const it of its) {
    const r = await it.next();
    heads.push({ batch: r.done ? [] : r.value, i: 0, last: '' });
  }
  const key = (h: { batch: Line[]; i: number; last: string }): string => h.batch[h.i]!.dockerTime ?? h.last;
  for (;;) {
    if (signal?.aborted) return;
    let pick = -1;
    for (let k = 0; k < heads.length; k++) {
      const h = heads[k]!;
      if (h.i >= h.batch.length) continue;
      if (pick === -1 || key(h) < key(heads[pick]!)) pick = k;
    }
    if (pick === -1) return;
    const h = heads[pick]!;
    const line = h.batch[h.i++]!;
    if (line.dockerTime) h.last = line.dockerTime;
    onLine(line);
    if (h.i >= h.batch.length) {
      const r = await its[pick]!.next();
      h.batch = r.done ? [] : r.value;
      h.i = 0;
    }
  }
}

/** The source for a bundle directory or archive (called by src/sources/index.ts for bundle paths). */
export async function openBundle(path: string, spec: string, opts: SourceOptions): Promise<Source> {
  const isDir = (await stat(path).catch((err) => Promise.reject(fileError(err, path)))).isDirectory();
  let root: string;
  let manifest: ManifestHead;
  let cleanup: string | null = null;
  if (isDir) {
    root = path;
    manifest = await readManifest(root, spec);
  } else {
    cleanup = await unpackBundle(path);
    try {
      root = await findRoot(cleanup);
      manifest = await readManifest(root, spec);
    } catch (err) {
      await rm(cleanup, { recursive: true, force: true });
      throw err instanceof DataError ? new DataError('not a goroscope bundle (no manifest.json)', path) : err;
    }
  }
  const name = manifest.container?.name;
  if (typeof name !== 'string' || name === '') {
    if (cleanup) await rm(cleanup, { recursive: true, force: true });
    throw new InputError('the bundle manifest names no container', join(spec, 'manifest.json'));
  }
  const id = manifest.container?.id;
  const snapshot = await healthSnapshotEvents(root, name, manifest);
  return {
    info: { spec, kind: 'bundle', name, ...(typeof id === 'string' ? { id } : {}) },
    events: () => snapshot,
    read: async (onLine) => {
      try {
        await readBundleLogs(root, name, onLine, opts.signal);
      } finally {
        if (cleanup) await rm(cleanup, { recursive: true, force: true });
      }
    },
  };
}
