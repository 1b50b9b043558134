// Container stats samples on any DockerRuntime, with CPU % computed the docker CLI's way (src/analyze/stats.ts,
// docs/docker.md "Stats").
// A one-shot sample waits for two collector ticks (~1 s) so precpu is filled; a stopped container answers at once
// with zeros.
import { computeStats, isEmptySample, type ContainerStats, type RawStats } from '../analyze/stats.js';
import type { DockerRuntime } from './runtime.js';

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

function toSample(raw: RawStats): StatsSample {
  return isEmptySample(raw) ? { ...EMPTY_STATS, read: null } : { ...computeStats(raw), read: raw.read ?? null };
}

/** One sample (~1 s; callers sample containers in parallel). Rejects as DockerRuntime calls do. */
export async function sampleStats(docker: DockerRuntime, id: string, signal?: AbortSignal): Promise<StatsSample> {
  return toSample(await docker.stats(id, signal));
}

/**
 * Follow the stats stream (one document per ~1 s) and hand over each sample. The first document has an empty
 * precpu (CPU % cannot be computed) and is skipped. Resolves when the stream ends (container removed) or the
 * signal aborts; rejects on a transport error.
 */
export async function followStats(docker: DockerRuntime, id: string, onSample: (s: StatsSample) => void, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let first = true;
  await docker.statsStream(
    id,
    (raw) => {
      if (first) {
        first = false;
        return;
      }
      onSample(toSample(raw));
    },
    signal,
  );
}
