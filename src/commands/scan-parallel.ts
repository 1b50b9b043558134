// `scan --json` over one big plain file on several cores: the file is cut into one byte range per thread, of about
// equal work, at safe line starts (src/sources/split.ts planRanges), when enough of its lines may make an event to
// keep a second thread busy (MIN_BUSY_SHARE). This thread reads the first range and each worker_threads worker one of
// the others, all through the same pipeline (runPipeline over a byte-range file source), and the summaries are merged
// in file order (SummaryBuilder.merge). The merged summary is the sequential one (test/e2e/scan-parallel.test.ts).
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

/** Threads when `--workers` is not given: 2 on a machine with more than one core. */
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
 * The share of a file's lines that may make an event (not found quiet on their bytes, in planRanges' samples) from which a
 * second thread is worth it (`GOROSCOPE_PARALLEL_MIN_BUSY` sets it, for tests). On two cores a scan on one thread
 * already keeps about 1.4 of them busy (file reads in the thread pool, the garbage collector's and the compiler's
 * threads): while the lines are mostly quiet, a second thread only competes with those — the 734 MB bench file (1.3-1.9 %
 * of its lines not quiet, one in 111 an event) took 1.8–2.0 s on two threads against 1.45–1.6 s on one. When many
 * lines are events, parsing them is the thread's work and a second thread shares it: the event-heavy file (20 % not
 * quiet, one line in five an event) took 2.5–2.8 s on two against 2.8–3.7 s on one. The share is chosen between.
 */
const MIN_BUSY_SHARE = 0.05;

function minBusyShare(env: NodeJS.ProcessEnv): number {
  const v = env.GOROSCOPE_PARALLEL_MIN_BUSY;
  return v !== undefined && /^\d+(?:\.\d+)?$/.test(v) ? Number(v) : MIN_BUSY_SHARE;
}

/**
 * The summary of one file scanned on `workers` threads (this one and `workers - 1` worker threads), or null when the
 * parallel scan does not apply (not a regular plain file, smaller than the threshold, mostly quiet, no safe cut): the
 * caller then scans sequentially. Each thread reads one range (planRanges); the summaries are merged in file order.
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
  const { planRanges } = await import('../sources/split.js');
  const plan = await planRanges(path, st.size, workers);
  if (plan === null) return null;
  // Mostly quiet lines: one thread (MIN_BUSY_SHARE).
  if (plan.busy !== null && plan.busy < minBusyShare(opts.env)) {
    if (opts.env.GOROSCOPE_PARALLEL_TRACE) opts.trace?.(`parallel: no, ${(plan.busy * 100).toFixed(1)} % of the lines may make an event\n`);
    return null;
  }
  // One range, the whole file (no safe cut): read sequentially.
  const ranges = plan.ranges;
  if (ranges.length < 2) {
    if (opts.env.GOROSCOPE_PARALLEL_TRACE) opts.trace?.('parallel: no cut\n');
    return null;
  }
  const job = (range: FileRange): RangeJob => ({ path, range, kinds: opts.kinds, tz: opts.tz });
  // The workers load their modules while this thread starts on the first range.
  const pool = ranges.slice(1).map(() => new Worker(new URL('./scan-worker.js', import.meta.url)));
  const results: (RangeResult | null)[] = [];
  // whether this thread's range was read to its end (not cut short by Ctrl-C)
  let firstWhole = false;
  const runs = pool.map((w, i) => inWorker(w, job(ranges[i + 1]!)));
  // Ctrl-C: the workers are ended, their parts left out (one listener for them all)
  const onAbort = () => {
    for (const r of runs) r.stop();
  };
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) onAbort();
  try {
    await Promise.all([
      runRange(job(ranges[0]!), opts.signal).then((r) => {
        results[0] = r;
        firstWhole = !opts.signal.aborted;
      }),
      ...runs.map((r, i) => r.result.then((x) => (results[i + 1] = x))),
    ]);
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    for (const w of pool) void w.terminate();
  }
  // Hidden, for tests: how many threads read the file, and where it was cut.
  if (opts.env.GOROSCOPE_PARALLEL_TRACE) {
    opts.trace?.(`parallel: ${ranges.length} threads, ${ranges.map((r) => `${r.start}-${r.end}`).join(' ')}\n`);
  }
  // Interrupted (Ctrl-C): the ranges read so far in a row from the start of the file, the last one perhaps in part.
  let merged: RangeResult | null = null;
  for (const r of results) {
    if (r === null || r === undefined) break;
    merged = merged === null ? r : { builder: merged.builder.merge(r.builder), stats: mergeInputStats(merged.stats, r.stats) };
    if (!firstWhole) break; // no gap: a worker's range only after a whole first range
  }
  return merged ?? { builder: new SummaryBuilder(), stats: { lines: 0, oversized: 0, unparsed: 0, records: 0, sources: [], hostsDown: [] } };
}

interface WorkerReply {
  builder?: unknown;
  stats?: PipelineStats;
  error?: { message: string; exitCode?: number; value?: string; hint?: string };
}

/** One range in worker `w`: its result, or null once `stop` was called (Ctrl-C: the worker is ended, its part left out). */
function inWorker(w: Worker, job: RangeJob): { result: Promise<RangeResult | null>; stop: () => void } {
  let stop = () => {};
  const result = new Promise<RangeResult | null>((resolve, reject) => {
    w.postMessage(job);
    let done = false;
    const onMessage = (m: WorkerReply) =>
      finish(() => {
        if (m.error) reject(new GoroscopeError(m.error.message, m.error.exitCode ?? 70, m.error.value, m.error.hint));
        else resolve({ builder: SummaryBuilder.revive(m.builder), stats: m.stats! });
      });
    const onError = (err: Error) => finish(() => reject(err));
    const onExit = (code: number) => finish(() => reject(new GoroscopeError('a scan worker ended without a result', 70, `exit ${code}`)));
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      cleanup();
      fn();
    };
    stop = () =>
      finish(() => {
        void w.terminate();
        resolve(null);
      });
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
  });
  return { result, stop: () => stop() };
}
