// `goroscope doctor [CONTAINER…]`: declares arguments and options; the body lives in src/commands/doctor.ts.
import type { Register } from '../context.js';
import { addTimeoutOption } from '../options.js';

export const register: Register = (program, context) => {
  const cmd = program
    .command('doctor')
    .description('before an emergency: Docker access, the gateway containers, their health and pprof endpoints, logs, restart policy, where bundles go')
    .argument('[container...]', 'containers to check (default: every One API-family container of the engine); compose:PROJECT, service:NAME')
    .option('--health-url <url>', 'health endpoint of the one container named (default: derived as check does)')
    .option('--pprof-url <url>', 'pprof endpoint of the one container named (default: derived as bundle does)')
    .option('--out <dir>', 'where bundles would be written (default: the current directory)')
    .option('--json', 'one JSON object (docs/doctor.md)');
  addTimeoutOption(cmd, "each endpoint probe", '5s');
  cmd
    .addHelpText(
      'after',
      `
Exit codes: 0 ready, 1 warnings (a collection would lack something), 2 something blocks an emergency collection,
3 no gateway container found, 64 bad usage.
Examples:
  goroscope doctor
  goroscope doctor one-api --out /var/backups/goroscope
  goroscope doctor compose:oneapi --json`,
    )
    .action(async (containers: string[], opts: Record<string, unknown>) => {
      const { run } = await import('../../commands/doctor.js');
      await run(containers, opts, await context());
    });
};
