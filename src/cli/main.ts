// The goroscope program: global options, the command list, and the one place errors become exit codes.
// Command modules only declare their options; each action imports its implementation lazily so that
// `goroscope --help` loads nothing heavy (dockerode, chalk, analyses).
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { GoroscopeError, EXIT } from '../errors.js';
import { exitQuietlyOnEpipe } from './epipe.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { COMMANDS } from './commands/index.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function buildProgram(): Command {
  const program = new Command('goroscope')
    .description('Goroutine leaks, relay errors, panics and incident bundles for One API-family gateways in Docker')
    .version(version, '-V, --version')
    .option('-H, --host <url>', 'Docker host (unix:///path, tcp://host:2376, ssh://user@host); repeatable', collect)
    .option('--max-streams <n>', 'several sources (compose:, service:, repeated --host): most log streams read at once (default 8)')
    .option('--via <how>', "a container's log: auto (its log files when readable, else the Docker API), file or api")
    .option('--config <file>', 'config file (JSON); default $GOROSCOPE_CONFIG, ./goroscope.json, ~/.config/goroscope/config.json')
    .option('--lang <lang>', 'language of human output: en or zh (default: from the locale)')
    .option('--tz <zone>', "zone of the application's naive timestamps (default: this machine's zone)")
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('--debug', 'show stack traces on errors')
    .showSuggestionAfterError(true)
    .exitOverride();
  program.configureOutput({ outputError: () => {} }); // usage errors are printed by main() in the house format
  for (const register of COMMANDS) register(program, () => makeContext(program.opts<GlobalOptions>()));
  return program;
}


async function makeContext(globals: GlobalOptions): Promise<CommandContext> {
  const [{ loadConfigFile }, { detectLang, checkLangFlag }, { colorFor }, { localZone, checkZone }, { parseVia }] = await Promise.all([
    import('../config.js'),
    import('../i18n.js'),
    import('./output.js'),
    import('../time.js'),
    import('../docker/logfiles.js'),
  ]);
  const via = parseVia(globals.via);
  const env = process.env;
  const lang = checkLangFlag(globals.lang);
  const config = loadConfigFile(globals.config, env);
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT.INTERRUPTED); // a second Ctrl-C does not wait
    abort.abort(new GoroscopeError(`interrupted by ${sig}`, EXIT.INTERRUPTED));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    globals,
    env,
    config,
    lang: detectLang(lang ?? config.lang, env),
    tz: checkZone(globals.tz ?? env.GOROSCOPE_TZ ?? config.tz ?? localZone()),
    now: () => Date.now(),
    stdout: process.stdout,
    stderr: process.stderr,
    color: colorFor(process.stdout, env, globals.color),
    signal: abort.signal,
    via,
  };
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnEpipe();
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      const text = err.message.replace(/^error: /, '');
      process.stderr.write(`error: ${text}\n(see goroscope --help)\n`);
      return EXIT.USAGE;
    }
    if (err instanceof GoroscopeError) {
      process.stderr.write(`${err.headline()}\n`);
      if (err.hint) process.stderr.write(`${err.hint}\n`);
      if (debug && err.cause) process.stderr.write(`${String((err.cause as Error).stack ?? err.cause)}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`error: unexpected failure (${e?.message ?? String(err)})\n`);
    process.stderr.write(debug ? `${e?.stack}\n` : 'this is a bug in goroscope; run again with --debug and report the trace\n');
    return EXIT.SOFTWARE;
  }
}

main(process.argv).then((code) => {
  // Exit once stdout has flushed: a Docker socket or timer left open by a library must not hold the process.
  process.stdout.write('', () => process.exit(code));
});
