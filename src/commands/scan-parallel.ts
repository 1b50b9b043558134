// `scan --json` over one big plain file on several cores: the file is cut into byte ranges at safe line starts
// (src/sources/split.ts), each range runs the same pipeline (runPipeline over a byte-range file source) — the first
// on this thread, the others in worker_threads workers — and the summaries are merged in order
// (SummaryBuilder.merge). The merged summary is the sequential one (test/e2e/scan-parallel.test.ts).
import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Kind } from '../events.js';
import { GoroscopeError } from '../errors.js';
import { runPipeline, type PipelineStats } from '../pipeline.js';
import { SummaryBuilder, mergeInputStats } from '../analyze/summary.js';
import type { FileRange } from '../sources/files.js';

/** Smallest file scanned in parallel (bytes); `GOROSCOPE_PARALLEL_MIN_BYTES` lowers it for tests. */
export const PARALLEL_MIN_BYTES = 64 << 20;

/** Ranges when `--workers` is not given: 2 on a machine with more than one core. */
export function defaultWorkers(): number {
  return availableParallelism() > 1 ? 2 : 1;
}

function minBytes(env: NodeJS.ProcessEnv): number {
  const v = env.GOROSCOPE_PARALLEL_MIN_BYTES;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : PARALLEL_MIN_BYTES;
}

export interface RangeJob {
  path: string;
  range: FileRange;
  kinds: ReadonlySet<Kind> | undefined;
  tz: string;
}

export interface RangeResult {
  builder: SummaryBuilder;
  stats: PipelineStats;
}

/** One range through the pipeline into a summary builder (this thread or a worker). */
export async function runRange(job: RangeJob, signal?: AbortSignal): Promise<RangeResult> {
  const { fileRangeSource } = await import('../sources/split.js');
  const builder = new SummaryBuilder();
  const stats = await runPipeline([fileRangeSource(job.path, job.range, signal)], { tz: job.tz, kinds: job.kinds, signal }, (e) => builder.add(e));
  return { builder, stats };
}

/**
 * The summary of one file scanned in `workers` ranges, or null when the parallel scan does not apply (not a
 * regular plain file, smaller than the threshold, no safe cut): the caller then scans sequentially.
 */
export async function scanParallel(
  path: string,
  workersOpt: number | undefined,
  opts: { kinds: ReadonlySet<Kind> | undefined; tz: string; signal: AbortSignal; env: NodeJS.ProcessEnv; trace?: (line: string) => void },
): Promise<RangeResult | null> {
  const workers = workersOpt ?? defaultWorkers();
  if (workers < 2) return null;
  const st = await stat(path).catch(() => null);
  if (!st?.isFile() || st.size < minBytes(opts.env) || /\.(?:gz|tgz)$/.test(path)) return null;
  // The workers start loading their modules while this thread looks for the cuts.
  const pool = Array.from({ length: workers - 1 }, () => new Worker(new URL('./scan-worker.js', import.meta.url)));
  const { findSplit } = await import('../sources/split.js');
  let split;
  try {
    split = await findSplit(path, st.size, workers);
  } catch (err) {
    for (const w of pool) void w.terminate();
    throw err;
  }
  // Hidden, for tests: where the file was cut.
  if (opts.env.GOROSCOPE_PARALLEL_TRACE) {
    opts.trace?.(`parallel: ${split ? split.ranges.map((r) => `${r.start}-${r.end}`).join(' ') : 'no cut'}\n`);
  }
  if (!split) {
    for (const w of pool) void w.terminate();
    return null;
  }
  const [first, ...rest] = split.ranges;
  const spawned = rest.map((range, i) => inWorker(pool[i]!, { path, range, kinds: opts.kinds, tz: opts.tz }, opts.signal));
  let results: RangeResult[];
  try {
    results = [await runRange({ path, range: first!, kinds: opts.kinds, tz: opts.tz }, opts.signal), ...(await Promise.all(spawned))];
  } catch (err) {
    for (const w of pool) void w.terminate();
    throw err;
  }
  return results.reduce((a, b) => ({ builder: a.builder.merge(b.builder), stats: mergeInputStats(a.stats, b.stats) }));
}

interface WorkerReply {
  builder?: unknown;
  stats?: PipelineStats;
  error?: { message: string; exitCode?: number; value?: string; hint?: string };
}

function inWorker(w: Worker, job: RangeJob, signal: AbortSignal): Promise<RangeResult> {
  return new Promise((resolve, reject) => {
    w.postMessage(job);
    let done = false;
    // Ctrl-C: the worker stops where it is; its part is left out of the summary so far.
    const onAbort = () => {
      if (done) return;
      done = true;
      void w.terminate();
      resolve({ builder: new SummaryBuilder(), stats: { lines: 0, oversized: 0, unparsed: 0, records: 0, sources: [], hostsDown: [] } });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void) => {
      signal.removeEventListener('abort', onAbort);
      if (done) return;
      done = true;
      fn();
    };
    w.once('message', (m: WorkerReply) =>
      finish(() => {
        void w.terminate();
        if (m.error) reject(new GoroscopeError(m.error.message, m.error.exitCode ?? 70, m.error.value, m.error.hint));
        else resolve({ builder: SummaryBuilder.revive(m.builder), stats: m.stats! });
      }),
    );
    w.once('error', (err) => finish(() => reject(err)));
    w.once('exit', (code) => finish(() => reject(new GoroscopeError('a scan worker ended without a result', 70, `exit ${code}`))));
  });
}
