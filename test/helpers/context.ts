// A CommandContext for running a command in-process (with the in-memory engine of fake-docker.ts): a fixed clock,
// English, UTC, no colour, and stdout/stderr captured as text.
import { Writable } from 'node:stream';
import { Chalk } from 'chalk';
import type { CommandContext } from '../../src/cli/context.js';

export interface Captured {
  ctx: CommandContext;
  stdout: () => string;
  stderr: () => string;
  abort: AbortController;
}

function sink(into: string[]): Writable & { isTTY: boolean } {
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      into.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(w, { isTTY: false });
}

export function testContext(opts: { now?: number; env?: Record<string, string | undefined>; host?: string[] } = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const abort = new AbortController();
  const now = opts.now ?? Date.parse('2026-01-01T01:00:00Z');
  const ctx: CommandContext = {
    globals: opts.host ? { host: opts.host } : {},
    env: opts.env ?? {},
    config: {},
    lang: 'en',
    tz: 'UTC',
    now: () => now,
    stdout: sink(out),
    stderr: sink(err),
    color: new Chalk({ level: 0 }),
    signal: abort.signal,
    endsOnSignal: () => undefined,
  };
  return { ctx, stdout: () => out.join(''), stderr: () => err.join(''), abort };
}
