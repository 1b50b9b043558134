// A worker of the parallel `scan --json` (src/commands/scan-parallel.ts): started before the cuts are known (its
// modules load meanwhile), it gets one byte range, runs it through the pipeline and posts the summary builder back.
import { parentPort } from 'node:worker_threads';
import { GoroscopeError } from '../errors.js';
import { runRange, type RangeJob } from './scan-parallel.js';
import '../sources/split.js';

parentPort!.once('message', (job: RangeJob) => {
  runRange(job).then(
    ({ builder, stats }) => parentPort!.postMessage({ builder: { ...builder }, stats }),
    (err: unknown) => {
      const e = err as Error;
      parentPort!.postMessage({
        error:
          err instanceof GoroscopeError
            ? { message: err.message, exitCode: err.exitCode, value: err.value, hint: err.hint }
            : { message: e?.message ?? String(err) },
      });
    },
  );
});
