// `goroscope scan SOURCE…`: declares arguments and options; the body lives in src/commands/scan.ts.
import { Option } from 'commander';
import type { Register } from '../context.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export const register: Register = (program, context) => {
  program
    .command('scan')
    .description('events from containers, log files, bundles or stdin (-): a table, --jsonl events, or a --json summary')
    .argument('<source...>', 'container name or id, log file (plain, docker logs -t, *-json.log, .gz, --log-dir), bundle, or - for stdin')
    .option('-k, --kind <kinds>', 'only these event kinds, comma-separated or repeated (e.g. relay_error,timeout)', collect)
    .option('--since <time>', 'from this time: 30m, 2h, 7d, 168h, RFC 3339, "2025-11-03 14:00" (read in --tz)')
    .option('--until <time>', 'up to this time (same forms as --since)')
    .option('--tail <n>', 'containers: only the last N lines ("all" for everything)')
    .option('-f, --follow', 'keep reading new lines (containers across restarts, files across rotations) until Ctrl-C')
    .option('--jsonl', 'one JSON event per line (docs/events.md)')
    .option('--json', 'one JSON summary object at the end (docs/scan.md)')
    // Hidden: byte ranges of one big plain file scanned at once for --json (1 = sequential; tests and the bench).
    .addOption(new Option('--workers <n>', 'ranges scanned at once').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  goroscope scan one-api --since 168h --kind goroutine,crash
  goroscope scan fixtures/sample/one-api-week.log --json
  docker logs -t one-api 2>&1 | goroscope scan - --jsonl | jq 'select(.kind=="relay_error")'`,
    )
    .action(async (sources: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/scan.js');
      await run(sources, opts, await context());
    });
};
