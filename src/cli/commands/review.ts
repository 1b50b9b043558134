// `goroscope review SOURCE…`: declares arguments and options; the body lives in src/commands/review.ts.
import type { Register } from '../context.js';
import { addThresholdOptions } from '../options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('review')
    .description('the weekly review: trend, peaks, events per day, panics, channels, restarts, container, next steps')
    .argument('<source...>', 'containers, log files, bundles, `watch --record` files, or - for stdin')
    .option('--since <time>', 'from (default 7d: back from now for containers, back from the latest event for saved files)')
    .option('--until <time>', 'until: a duration or a time, like --since')
    .option('--format <format>', 'text, md, html or json', 'text')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--health-url <url>', 'also ask the health endpoint for the live goroutine count (container sources)')
    .option('--monitor-interval <duration>', "the goroutine monitor's period; default: read from the spacing of the samples (30s, ezlinkai's, when there are too few)");
  addThresholdOptions(cmd);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  goroscope review fixtures/sample/one-api-week.log
  goroscope review one-api --format md --out review.md
  goroscope --lang zh review one-api --format html --out review.html`,
    )
    .action(async (sources: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/review.js');
      await run(sources, opts, await context());
    });
};
