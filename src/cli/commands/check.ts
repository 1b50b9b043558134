// `goroscope check CONTAINER…`: declares arguments and options; the body lives in src/commands/check.ts.
import type { Register } from '../context.js';
import { addThresholdOptions, addTimeoutOption } from '../options.js';
import { addNotifyOptions } from '../../notify/options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('check')
    .description('the quick check: verdict and exit code 0 ok, 1 warning, 2 critical, 3 unknown')
    .argument('<container...>', 'container names or ids')
    .option('--health-url <url>', 'health endpoint (default: derived from the published port 3000/tcp or the host network; also GOROSCOPE_HEALTH_URL, config healthUrl)')
    .option('--json', 'one JSON object (docs/check.md)');
  addThresholdOptions(cmd, { baselineRestarts: true });
  addTimeoutOption(cmd, "the health endpoint's answer", '5s');
  addNotifyOptions(cmd)
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 warning, 2 critical, 3 unknown (Nagios plugin convention), 64 bad usage.
Examples:
  goroscope check one-api
  goroscope check one-api --health-url http://127.0.0.1:3000/api/monitor/health --json`,
    )
    .action(async (containers: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/check.js');
      await run(containers, opts, await context());
    });
};
