// One stats sample of a container through the Engine API (docs/docker.md, "Stats"). `stream:false` waits for two
// collector ticks (~1 s) so precpu is filled and CPU % is right; a stopped container answers at once with zeros.
// The connection comes from src/docker/client.ts; this file opens none of its own.
import type Docker from 'dockerode';
import { computeStats, isEmptySample, type ContainerStats, type RawStats } from '../analyze/stats.js';

export interface StatsSample extends ContainerStats {
  /** The engine's sample time (ISO), null for the empty sample of a stopped container. */
  read: string | null;
}

export const EMPTY_STATS: ContainerStats = {
  cpuPercent: 0,
  memory: { usageBytes: 0, limitBytes: 0, percent: 0 },
  net: { rxBytes: 0, txBytes: 0 },
  block: { readBytes: 0, writeBytes: 0 },
  pids: 0,
};

/** One sample with CPU % computed from the engine's own two samples. Rejects like any dockerode call (map errors at the caller). */
export async function sampleStats(container: Docker.Container): Promise<StatsSample> {
  // stream:false → one JSON document (dockerode's default is a stream, issue apocas/dockerode#658). Not one-shot:
  // one-shot leaves precpu empty and CPU % cannot be computed. It takes ~1 s; callers sample containers in parallel.
  const raw = (await container.stats({ stream: false })) as unknown as RawStats;
  if (isEmptySample(raw)) return { ...EMPTY_STATS, read: null };
  return { ...computeStats(raw), read: raw.read ?? null };
}

/**
 * Follow the stats stream (`stream:true`, one document per ~1 s) and hand over each sample. The first document has
 * an empty precpu (CPU % cannot be computed) and is skipped. Resolves when the stream ends (container removed) or
 * the signal aborts; rejects on a transport error (map it at the caller). Chunks are split on newlines: a chunk
 * is not a whole document (apocas/dockerode#670).
 */
export async function followStats(container: Docker.Container, onSample: (s: StatsSample) => void, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  const stream = (await container.stats({ stream: true })) as NodeJS.ReadableStream & { destroy(): void };
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    let first = true;
    const onAbort = () => {
      stream.destroy();
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (err?: Error) => {
      signal.removeEventListener('abort', onAbort);
      if (err && !signal.aborted) reject(err);
      else resolve();
    };
    stream.on('data', (chunk: Buffer | string) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const doc = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!doc) continue;
        let raw: RawStats;
        try {
          raw = JSON.parse(doc) as RawStats;
        } catch {
          continue;
        }
        if (first) {
          first = false;
          continue;
        }
        onSample(isEmptySample(raw) ? { ...EMPTY_STATS, read: null } : { ...computeStats(raw), read: raw.read ?? null });
      }
    });
    stream.on('end', () => done());
    stream.on('close', () => done());
    stream.on('error', (err: Error) => done(err));
  });
}
