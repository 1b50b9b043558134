// The goroscope program: global options, the command list, and the one place errors become exit codes.
// Command modules only declare their options; each action imports its implementation lazily so that
// `goroscope --help` loads nothing heavy (dockerode, chalk, analyses).
import { Command, CommanderError } from 'commander';
import { writeSync } from 'node:fs';
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

/** Exit codes of the signals goroscope stops on: 128 + the signal's number, as shells report a process killed by it. */
const SIGNAL_EXIT = { SIGINT: EXIT.INTERRUPTED, SIGTERM: EXIT.TERMINATED } as const;
/** How long a command may take to stop after the first signal before the process ends anyway. */
const STOP_GRACE_MS = 1_000;
/** The same for a command whose normal end is a signal (it may have alerts in flight and a summary to print). */
const NORMAL_END_GRACE_MS = 10_000;

/** What the signals did to this run. */
const stopping = { code: null as number | null, normalEnd: false };

/**
 * End the process now with the signal's exit code; exit handlers run (a bundle being written removes its partial
 * files and says so). Our signal listeners go first: should the exit itself be held up (a thread the system never
 * gives back), one more Ctrl-C has its default effect and ends the process regardless.
 */
function stopNow(code: number, line?: string): void {
  if (line) {
    try {
      writeSync(2, line);
    } catch {
      // stderr is gone
    }
  }
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.exit(code);
}

/**
 * SIGINT and SIGTERM: the first aborts the command's signal (every command stops on it and says what it kept); a
 * command that cannot stop is not waited for past the grace time; the second ends the process at once.
 */
function onSignals(abort: AbortController): void {
  const onSignal = (sig: keyof typeof SIGNAL_EXIT) => {
    if (stopping.code !== null) return stopNow(stopping.code); // a second Ctrl-C does not wait
    stopping.code = SIGNAL_EXIT[sig];
    abort.abort(new GoroscopeError(`interrupted by ${sig}`, stopping.code));
    const grace = stopping.normalEnd ? NORMAL_END_GRACE_MS : STOP_GRACE_MS;
    const code = stopping.code;
    setTimeout(() => stopNow(stopping.normalEnd ? (typeof process.exitCode === 'number' ? process.exitCode : 0) : code, `goroscope: still busy ${grace / 1000} s after ${sig}; stopped without waiting\n`), grace).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function makeContext(globals: GlobalOptions): Promise<CommandContext> {
  const [{ loadConfigFile }, { detectLang, checkLangFlag }, { colorFor }, { localZone, checkZone }, { parseVia }] = await Promise.all([
    import('../config.js'),
    import('../i18n.js'),
    import('./output.js'),
    import('../time.js'),
    import('../docker/via.js'),
  ]);
  const via = parseVia(globals.via);
  const env = process.env;
  const lang = checkLangFlag(globals.lang);
  const config = loadConfigFile(globals.config, env);
  const abort = new AbortController();
  onSignals(abort);
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
    endsOnSignal: () => {
      stopping.normalEnd = true;
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnEpipe();
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    // Stopped by a signal: 130 / 143, unless ending on a signal is what the command is for.
    if (stopping.code !== null && !stopping.normalEnd) return stopping.code;
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (stopping.code !== null && !stopping.normalEnd) {
      // The failure the stop caused is not news; any other is still said.
      if (err instanceof GoroscopeError && err.exitCode !== stopping.code) process.stderr.write(`${err.headline()}\n`);
      return stopping.code;
    }
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
