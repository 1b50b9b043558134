// `goroscope bundle CONTAINER`: declares arguments and options; the body lives in src/commands/bundle.ts.
import type { Register } from '../context.js';
import { addTimeoutOption } from '../options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('bundle')
    .description('collect an emergency incident bundle: complete logs, inspect, stats, health, goroutine dumps, Docker events, summary, manifest')
    .argument('<container>', 'container name or id')
    .option('-o, --out <dir>', 'directory to write the bundle in (default: the current directory)')
    .option('--format <format>', 'tgz (a .tar.gz with a .sha256 beside it) or dir (a directory)', 'tgz')
    .option('--since <time>', 'logs from this time only: 30m, 2h, 7d, 168h, RFC 3339, "2025-11-03 14:00" (default: the whole history)')
    .option('--health-url <url>', 'health endpoint (default: GOROSCOPE_HEALTH_URL, the config file, or derived from the container)')
    .option('--pprof-url <url>', 'goroutine dump URL, or a base URL for /debug/pprof/goroutine?debug=2 (default: on the health server)')
    .option('--pprof-interval <duration>', 'time between the two goroutine dumps', '5s')
    .option('--no-redact', 'keep secrets: the raw bytes, as Docker holds them (the manifest says so)')
    .option('-q, --quiet', 'no progress on stderr');
  addTimeoutOption(cmd, 'how long Docker may go unanswered (its calls are retried until then) and the health and pprof endpoints may take', '30s');
  cmd
    .addHelpText(
      'after',
      `
Examples:
  goroscope bundle one-api                       # one-api-20251103T140000.123Z.tar.gz + .sha256 here
  goroscope bundle one-api --out /var/tmp --since 24h
  goroscope bundle one-api --format dir --no-redact --pprof-url http://127.0.0.1:6060

Exit codes: 0 bundle written (parts that failed are listed in manifest.json), 64 bad flags,
67 no such container, 69 Docker unreachable, 73 output not writable, 75 bundle written but incomplete (logs
cut short, or Docker did not answer within --timeout), 130 / 143 interrupted (incomplete bundle kept).`,
    )
    .action(async (container: string, opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/bundle.js');
      await run(container, opts, await context());
    });
};
