// `goroscope stats CONTAINER…`: declares arguments and options; the body lives in src/commands/stats.ts.
import type { Register } from '../context.js';

export const register: Register = (program, context) => {
  program
    .command('stats')
    .description('restart count, state, CPU, memory, net and block I/O, like docker stats')
    .argument('<container...>', 'container names or ids')
    .option('--no-stream', 'one sample, then exit')
    .option('--interval <duration>', 'refresh period when streaming (default 2s; a sample itself takes ~1 s)')
    .option('--json', 'JSON (docs/check.md); streaming prints one JSON object per line')
    .addHelpText(
      'after',
      `
Examples:
  goroscope stats one-api --no-stream
  goroscope stats one-api mysql redis --json --no-stream`,
    )
    .action(async (containers: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/stats.js');
      await run(containers, opts, await context());
    });
};
