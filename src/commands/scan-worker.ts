// A worker of the parallel `scan --json` (src/commands/scan-parallel.ts): one byte range through the pipeline,
// the summary builder's state posted back.
import { parentPort, workerData } from 'node:worker_threads';
import { GoroscopeError } from '../errors.js';
import { runRange, type RangeJob } from './scan-parallel.js';

try {
  const { builder, stats } = await runRange(workerData as RangeJob);
  parentPort!.postMessage({ builder: { ...builder }, stats });
} catch (err) {
  const e = err as Error;
  parentPort!.postMessage({
    error:
      err instanceof GoroscopeError
        ? { message: err.message, exitCode: err.exitCode, value: err.value, hint: err.hint }
        : { message: e?.message ?? String(err) },
  });
}
