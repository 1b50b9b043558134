// `goroscope watch CONTAINER`: declares arguments and options; the body lives in src/commands/watch.ts.
import type { Register } from '../context.js';
import { addThresholdOptions, addTimeoutOption } from '../options.js';
import { addNotifyOptions } from '../../notify/options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('watch')
    .description('the live monitor: goroutines, memory, CPU, restarts, sparkline and new errors, until Ctrl-C')
    .argument('<container>', 'container name or id')
    .option('--interval <duration>', 'time between samples: 5s, 30s, 1m (default 5s)')
    .option('--record <file>', 'append each sample as a JSON line (the baseline file; read by goroscope trend)')
    .option('--health-url <url>', 'health endpoint (default: derived from the container, as in check)')
  addThresholdOptions(cmd);
  addTimeoutOption(cmd, "the health endpoint's answer", '5s');
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
