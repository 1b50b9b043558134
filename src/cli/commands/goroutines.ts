// `goroscope goroutines SOURCE`: declares arguments and options; the body lives in src/commands/goroutines.ts.
import type { Register } from '../context.js';
import { addTimeoutOption } from '../options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('goroutines')
    .description('goroutine dumps grouped by stack; leak suspects by growth between two dumps')
    .argument('<source>', 'pprof URL (http://host:port or …/debug/pprof/goroutine?debug=2), dump file, - (stdin), or bundle')
    .option('--compare <source>', 'a later dump to compare SOURCE with: groups that grew are leak suspects')
    .option('--interval <duration>', 'with a URL: take two samples this far apart and compare them; with --compare: how far apart the dumps were')
    .option('--json', 'JSON: {"total", "groups": [...]} plus "suspects" when comparing (docs/goroutines.md)')
    .option('--top <n>', 'rows per table in text output (default 15)');
  addTimeoutOption(cmd, "each request to a pprof URL", '15s');
  cmd
    .addHelpText(
      'after',
      `
Examples:
  goroscope goroutines http://127.0.0.1:6060 --interval 60s
  goroscope goroutines before.txt --compare after.txt --interval 10m
  goroscope goroutines ./goroscope-one-api-20251103-142205.tar.gz --json`,
    )
    .action(async (source: string, opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/goroutines.js');
      await run(source, opts, await context());
    });
};
