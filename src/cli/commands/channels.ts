// `goroscope channels SOURCE…`: declares arguments and options; the body lives in src/commands/channels.ts.
import type { Register } from '../context.js';
import { addThresholdOptions } from '../options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('channels')
    .description('channels ranked by relay errors in a window or before a spike; flags the ones whose rate jumped')
    .argument('<source...>', 'containers, log files, bundles, or - for stdin')
    .option('--since <time>', 'from: 30m, 2h, 7d (back from now; for saved files, back from the latest event), or a time')
    .option('--until <time>', 'until: a duration or a time, like --since')
    .option('--spike', 'use the window leading into the largest goroutine excursion (else the densest relay-error burst)')
    .option('--around <time>', 'use the window centred on this time (2025-11-03 14:00, RFC 3339, or a duration back)')
    .option('--window <duration>', 'window length for --around and --spike', '15m')
    .option('--json', 'one JSON object (docs/channels.md)')
    .option('--monitor-interval <duration>', "the goroutine monitor's period; default: read from the spacing of the samples (30s, ezlinkai's, when there are too few)");
  addThresholdOptions(cmd);
  cmd
    .addHelpText(
      'after',
      `
Flag rule: at least 5 relay errors in the window and at least 3x the channel's rate in the rest of the input.
Examples:
  goroscope channels one-api --spike
  goroscope channels one-api.log --around "2026-03-07 14:10" --window 30m --json`,
    )
    .action(async (sources: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/channels.js');
      await run(sources, opts, await context());
    });
};
