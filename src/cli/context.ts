// What every command gets from the program: global options, settings, the clock and the output streams.
import type { Command } from 'commander';
import type { Writable } from 'node:stream';
import type { ChalkInstance } from 'chalk';
import type { FileConfig, Env } from '../config.js';
import type { Lang } from '../i18n.js';
import type { LogVia } from '../docker/logfiles.js';

export interface GlobalOptions {
  /** Docker host URL (`unix:///…`, `tcp://h:2376`, `ssh://…`); repeatable where a command supports several hosts. */
  host?: string[];
  /** `--max-streams`: most log streams read at once (text as given; src/sources/fleet.ts `parseMaxStreams`). */
  maxStreams?: string;
  /** `--via`: how a container's log is read (text as given; `CommandContext.via` is the checked value). */
  via?: string;
  config?: string;
  lang?: string;
  tz?: string;
  debug?: boolean;
  color?: boolean;
}

export interface CommandContext {
  globals: GlobalOptions;
  env: Env;
  config: FileConfig;
  lang: Lang;
  /** IANA zone used to read naive app timestamps. */
  tz: string;
  now: () => number;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
  /** chalk for stdout, with colour off for NO_COLOR, --no-color and non-TTY output. */
  color: ChalkInstance;
  /**
   * Aborted on Ctrl-C (SIGINT) or SIGTERM (the reason is a GoroscopeError with exit code 130 or 143). Every command
   * stops on it; after 1 s the process ends anyway, and the exit code is 130 / 143 (docs/faults.md).
   */
  signal: AbortSignal;
  /** `--via`: a container's log from the engine's files or through the API (src/docker/logfiles.ts); undefined = auto. */
  via?: LogVia;
  /**
   * Declares that a signal is this command's normal way to end (watch, alert, stats, scan --follow): its exit code
   * then stays its own, and it has 10 s to deliver what is in flight and print its summary. A second signal ends
   * any command at once.
   */
  endsOnSignal(): void;
}

/** What notifying takes from a command's context (src/notify does not depend on the CLI): reports go to `out`. */
export function notifyContext(ctx: CommandContext, out: { write(text: string): unknown } = ctx.stderr) {
  return { env: ctx.env, config: ctx.config, lang: ctx.lang, signal: ctx.signal, now: ctx.now, out, host: ctx.globals.host?.length === 1 ? ctx.globals.host[0]! : null };
}

/** Declares one command on the program; `context` is made only when the command runs (`src/cli/commands/`). */
export type Register = (program: Command, context: () => Promise<CommandContext>) => void;
