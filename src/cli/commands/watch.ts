// `goroscope watch CONTAINER`: declares arguments and options; the body lives in src/commands/watch.ts.
import type { Register } from './index.js';
import { addNotifyOptions } from '../../notify/options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('watch')
    .description('the live monitor: goroutines, memory, CPU, restarts, sparkline and new errors, until Ctrl-C')
    .argument('<container>', 'container name or id')
    .option('--interval <duration>', 'time between samples: 5s, 30s, 1m (default 5s)')
    .option('--record <file>', 'append each sample as a JSON line (the baseline file; read by goroscope trend)')
    .option('--health-url <url>', 'health endpoint (default: derived from the container, as in check)')
    .option('--warning <n>', 'goroutine warning level for colours (default 2000)')
    .option('--critical <n>', 'goroutine critical level (default 5000)')
    .option('--emergency <n>', 'goroutine emergency level (default 10000)')
    .option('--timeout <ms>', 'health endpoint timeout in ms (default 5000)');
  addNotifyOptions(cmd)
    .addHelpText(
      'after',
      `
Examples:
  goroscope watch one-api
  goroscope watch one-api --interval 30s --record baseline.jsonl`,
    )
    .action(async (container: string, opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/watch.js');
      await run(container, opts, await context());
    });
};
