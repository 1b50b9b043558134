// `goroscope trend SOURCE…`: declares arguments and options; the body lives in src/commands/trend.ts.
import type { Register } from '../context.js';
import { addThresholdOptions } from '../options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('trend')
    .description('goroutine and memory trend: leak verdict, slope, peaks, time to threshold, before/after comparison')
    .argument('<source...>', 'containers, log files, bundles, `watch --record` files, or - for stdin')
    .option('--since <time>', 'from: 30m, 2h, 7d (back from now; for saved files, back from the latest event), or a time')
    .option('--until <time>', 'until: a duration or a time, like --since')
    .option('--baseline <source>', 'compare with another source or period (before the fix)')
    .option('--baseline-since <time>', '--since for the baseline source')
    .option('--baseline-until <time>', '--until for the baseline source')
    .option('--json', 'one JSON object (docs/trend.md)')
    .option('--html <file>', 'also write a self-contained HTML page with an SVG chart')
    .option('--assume-monitor', 'treat silence as "< warning" even when the logs hold no goroutine line at all (ezlinkai without DEBUG)')
    .option('--monitor-interval <duration>', "the goroutine monitor's period; default: read from the spacing of the samples (30s, ezlinkai's, when there are too few)");
  addThresholdOptions(cmd);
  cmd
    .addHelpText(
      'after',
      `
Verdicts: leak, stable, spike, insufficient-data (rules in docs/trend.md).
Examples:
  goroscope trend one-api --since 24h
  goroscope trend fixtures/sample/one-api-week.log --html trend.html
  goroscope trend after.log --baseline before.log`,
    )
    .action(async (sources: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/trend.js');
      await run(sources, opts, await context());
    });
};
