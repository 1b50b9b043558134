// One `--timeout <duration>` grammar for every command that has the flag, through the real binary: durations are
// taken everywhere, a bad value is bad usage (64, one error line and its hint) before anything is contacted, and a
// bare number is milliseconds (with a one-line note) only where the flag once took milliseconds.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goroscope } from '../helpers/cli.js';

const DUMP = 'fixtures/dumps/go121-debug2.txt';
// Nothing listens on port 1: a command that gets past its flags fails at Docker, not at --timeout.
const NO_DOCKER = { DOCKER_HOST: 'tcp://127.0.0.1:1' };

describe('--timeout: a bad value is bad usage in every command (64, the error line and its hint)', () => {
  const commands: string[][] = [
    ['check', 'one-api'],
    ['watch', 'one-api'],
    ['alert', 'one-api', '--dry-run'],
    ['doctor', 'one-api'],
    ['bundle', 'one-api'],
    ['goroutines', DUMP],
  ];
  const values = ['soon', '0', '0s', '5x', '-1s', '1.5.0s'];
  const cases = commands.flatMap((args) => values.map((v) => ({ name: `${args[0]} --timeout=${v}`, args: [...args, `--timeout=${v}`], value: v })));
  it.each(cases)('$name', async ({ args, value }) => {
    const r = await goroscope(args, { env: NO_DOCKER });
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(`error: --timeout takes a duration (${value})\nexamples: 500ms, 5s, 2m\n`);
    expect(r.stdout).toBe('');
  });

  it.each([['bundle', 'one-api'], ['goroutines', DUMP]])('%s: a bare number never meant milliseconds there, so it is refused', async (...args) => {
    const r = await goroscope([...args, '--timeout', '5000'], { env: NO_DOCKER });
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('error: --timeout takes a duration (5000)\nexamples: 500ms, 5s, 2m\n');
  });
});

describe('--timeout: good values', () => {
  it.each(['500ms', '5s', '2m', '1m30s', '1.5s'])('goroutines on a dump file takes --timeout %s (exit 0, nothing on stderr)', async (v) => {
    const r = await goroscope(['goroutines', DUMP, '--timeout', v]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  // alert keeps checking an unreachable engine until it is stopped: it is stopped after 8 s, when it is past its flags.
  const run = (cmd: string, v: string) =>
    goroscope([cmd, 'one-api', '--timeout', v, ...(cmd === 'alert' ? ['--dry-run'] : [])], { env: NO_DOCKER, timeoutMs: cmd === 'alert' ? 8000 : 30_000 });

  it.each([['check'], ['watch'], ['alert'], ['doctor']])('%s: durations pass the flag check (the run then fails at Docker, not at --timeout)', { timeout: 60_000 }, async (cmd) => {
    const rs = await Promise.all(['500ms', '5s', '2m'].map((v) => run(cmd, v)));
    for (const r of rs) {
      expect(r.code).not.toBe(64);
      expect(r.stderr).not.toContain('--timeout');
    }
  });

  it.each([['check'], ['watch'], ['alert'], ['doctor']])('%s: a bare number is still milliseconds, with one note line first', { timeout: 60_000 }, async (cmd) => {
    const r = await run(cmd, '5000');
    expect(r.code).not.toBe(64);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('note: --timeout 5000 is read as milliseconds; write --timeout 5000ms (a bare number is deprecated)');
    expect(lines.filter((l) => l.includes('--timeout'))).toHaveLength(1);
  });
});

describe('--timeout bounds the request it names', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    // A pprof endpoint that accepts and never answers.
    server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debug/pprof/goroutine?debug=2`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('goroutines gives up on a silent endpoint after --timeout 300ms, and says so', async () => {
    const r = await goroscope(['goroutines', url, '--timeout', '300ms'], { timeoutMs: 30_000 });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(64);
    expect(r.stderr).toMatch(/300 ?ms|0\.3 ?s/);
  });
});
