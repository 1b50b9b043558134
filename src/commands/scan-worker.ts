// A worker of the parallel `scan --json` (src/commands/scan-parallel.ts): started while this thread begins the first
// range (its modules load meanwhile), it gets its byte range, runs it through the pipeline and posts its summary
// builder back.
import { parentPort } from 'node:worker_threads';
import { GoroscopeError } from '../errors.js';
import { runRange, type RangeJob } from './scan-parallel.js';
import '../sources/split.js';

// `on`, not `once`: the port keeps the worker alive after it answered, so its exit can never overtake the answer;
// the main thread terminates it once the answer is in.
parentPort!.on('message', (job: RangeJob) => {
  runRange(job).then(
    ({ builder, stats }) => parentPort!.postMessage({ builder: builder.state(), stats }),
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
