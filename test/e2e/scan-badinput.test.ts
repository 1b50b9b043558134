// Bad input through the real binary: damaged logs end with exit 0 and exact counts; what a user gets wrong
// (missing or unreadable files, bad flags, no container, no daemon) ends with one clear line and its exit code.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goroscope, BIN, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-scan-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RELAY = '[ERR] 2026/03/02 - 08:00:01 | 2026030208000112345678912345678 | relay error (userId #3,channel #5): Post "https://x": net/http: timeout awaiting response headers ';
const GOROUTINE = '[SYS] 2026/03/02 - 08:00:30 | ⚠️ High goroutine count detected: 5234 ';
const GIN502 = '[GIN] 2026/03/02 - 08:00:31 | 2026030208003112345678912345678 | 502 |  2.137854913s |      172.18.0.1 |    POST /v1/chat/completions';
const b = (s: string) => Buffer.from(s, 'utf8');

/** A seeded byte soup: the same "binary file" every run. */
function binaryBytes(n: number, seed = 7): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

interface Want {
  lines: number;
  oversized: number;
  /** Only the kinds that must be non-zero; every other kind must be 0. */
  events: Record<string, number>;
}

const cases: { name: string; input: Buffer; want: Want; check?: (events: any[]) => void }[] = [
  {
    name: 'invalid UTF-8 inside and around events',
    input: Buffer.concat([b(RELAY.split('Post')[0]! + 'P'), Buffer.from([0xff, 0xfe]), b(`ost${RELAY.split('Post')[1]}\n`), b(GOROUTINE), b('\n'), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x0a])]),
    want: { lines: 3, oversized: 0, events: { relay_error: 1, goroutine: 1 } },
    check: (events) => {
      expect(events[0].raw).toContain('P\uFFFD\uFFFDost');
      expect(events[0].channel).toBe(5);
    },
  },
  {
    name: 'CRLF line endings',
    input: b(`${RELAY}\r\n${GOROUTINE}\r\n${GIN502}\r\n`),
    want: { lines: 3, oversized: 0, events: { relay_error: 1, goroutine: 1, http_error: 1 } },
    check: (events) => {
      expect(events.map((e) => e.raw.endsWith('\r'))).toEqual([false, false, false]);
      expect(events[2].path).toBe('/v1/chat/completions');
      expect(events[1].count).toBe(5234);
    },
  },
  {
    name: 'ANSI colour around and inside lines: the coloured relay errors still count',
    input: b(`\x1b[31m${RELAY}\x1b[0m\n${RELAY.replace('relay error', '\x1b[1;31mrelay error\x1b[0m')}\n\x1b[33m${GOROUTINE}\x1b[0m\n`),
    want: { lines: 3, oversized: 0, events: { relay_error: 2, goroutine: 1 } },
    check: (events) => {
      expect(events.filter((e) => e.kind === 'relay_error').map((e) => [e.channel, e.cause, /\x1b/.test(e.raw)])).toEqual([
        [5, 'timeout', false],
        [5, 'timeout', false],
      ]);
    },
  },
  {
    name: 'NUL bytes',
    input: Buffer.concat([Buffer.from([0, 0, 0, 0, 0x0a]), b(RELAY), Buffer.from([0, 0, 0x0a]), b('abc\u0000def\n'), b(`${GOROUTINE}\n`)]),
    want: { lines: 4, oversized: 0, events: { relay_error: 1, goroutine: 1 } },
  },
  {
    name: 'a binary file (300 KB of noise)',
    input: binaryBytes(300_000),
    want: { lines: binaryBytes(300_000).filter((x) => x === 0x0a).length + 1, oversized: 0, events: {} },
  },
  {
    name: 'a 5 MB line: capped, counted in oversized, the next line still parsed',
    input: Buffer.concat([Buffer.alloc(5 * 1024 * 1024, 'x'), b(`\n${RELAY}\n`)]),
    want: { lines: 2, oversized: 1, events: { relay_error: 1 } },
  },
  {
    name: 'a crash dump cut off at end of input: one crash, truncated',
    input: b(
      '[SYS] 2026/03/02 - 08:00:00 | One API v1.9.2 started \n' +
        `${GOROUTINE}\n` +
        'panic: runtime error: invalid memory address or nil pointer dereference\n' +
        '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1b3c5a4]\n\n' +
        'goroutine 8123 [running]:\n' +
        'one-api/controller.processChannelRelayError({0x2a1c3e0, 0xc000a1e2d0}, 0x22)\n' +
        '\t/build/contr',
    ),
    want: { lines: 8, oversized: 0, events: { startup: 1, goroutine: 1, crash: 1 } },
    check: (events) => {
      const crash = events.find((e) => e.kind === 'crash');
      expect([crash.truncated, crash.crashKind, crash.message]).toEqual([true, 'panic', 'runtime error: invalid memory address or nil pointer dereference']);
    },
  },
];

describe('scan: damaged input ends with exit 0 and exact counts', () => {
  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const file = join(dir, `case-${i}.log`);
      writeFileSync(file, c.input);
      const json = await goroscope(['scan', file, '--json']);
      expect(json.stderr).toBe('');
      expect(json.code).toBe(0);
      const s = JSON.parse(json.stdout);
      const wantEvents = Object.fromEntries(Object.keys(s.events).map((k) => [k, c.want.events[k] ?? 0]));
      expect({ lines: s.lines, oversized: s.oversized, events: s.events }).toEqual({ ...c.want, events: wantEvents });
      const jsonl = await goroscope(['scan', file, '--jsonl']);
      expect(jsonl.code).toBe(0);
      const events = jsonl.stdout === '' ? [] : jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
      expect(events.length).toBe(Object.values(c.want.events).reduce((a, n) => a + n, 0));
      c.check?.(events);
    });
  }

  it('the table survives the same inputs (exit 0, no control characters in the details)', async () => {
    const file = join(dir, 'mixed.log');
    writeFileSync(file, Buffer.concat(cases.slice(0, 4).map((c) => c.input)));
    const r = await goroscope(['scan', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(r.stdout.trimEnd().split('\n').length).toBe(1 + 2 + 3 + 3 + 2);
  });
});

/** One line `error: …`, then one hint line, nothing on stdout. */
function expectOneClearError(r: { code: number | null; stdout: string; stderr: string }, code: number, headline: RegExp) {
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(headline);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(r.code).toBe(code);
}

describe('scan: user mistakes end with one clear line and a documented exit code', () => {
  const missing = join(dir, 'nope', 'one-api.log');
  const emptyDir = join(dir, 'empty-dir');
  beforeAll(() => mkdirSync(emptyDir, { recursive: true }));

  const table: { name: string; input: string[]; env?: Record<string, string>; want: { code: number; headline: RegExp } }[] = [
    { name: 'missing file', input: ['scan', missing], want: { code: 66, headline: /^error: no such file \(.*nope\/one-api\.log\)$/ } },
    { name: 'a directory without logs', input: ['scan', emptyDir], want: { code: 66, headline: /^error: no log files in the directory/ } },
    { name: 'unknown flag', input: ['scan', 'x.log', '--bogus'], want: { code: 64, headline: /^error: unknown option '--bogus'$/ } },
    { name: 'no source', input: ['scan'], want: { code: 64, headline: /^error: missing required argument 'source'$/ } },
    { name: 'bad --since', input: ['scan', 'x.log', '--since', 'yesterdayish'], want: { code: 64, headline: /^error: --since takes a duration or a time \(yesterdayish\)$/ } },
    { name: 'bad --until', input: ['scan', 'x.log', '--until', '2026-13-45'], want: { code: 64, headline: /^error: --until takes a duration or a time \(2026-13-45\)$/ } },
    { name: '--since after --until', input: ['scan', 'x.log', '--since', '1h', '--until', '2h'], want: { code: 64, headline: /^error: --since is later than --until/ } },
    { name: 'bad --kind', input: ['scan', 'x.log', '--kind', 'relay_error,panics'], want: { code: 64, headline: /^error: unknown event kind \(panics\)$/ } },
    { name: 'bad --tail', input: ['scan', 'one-api', '--tail', 'ten'], want: { code: 64, headline: /^error: --tail takes a number of lines or "all" \(ten\)$/ } },
    { name: '--json with --jsonl', input: ['scan', 'x.log', '--json', '--jsonl'], want: { code: 64, headline: /^error: --json and --jsonl cannot be combined/ } },
    { name: 'bad --tz', input: ['--tz', 'Mars/Olympus', 'scan', 'x.log'], want: { code: 64, headline: /^error: unknown time zone \(Mars\/Olympus\)$/ } },
    {
      name: 'no Docker daemon at DOCKER_HOST',
      input: ['scan', 'one-api'],
      env: { DOCKER_HOST: 'unix:///nonexistent.sock' },
      want: { code: 69, headline: /^error: cannot reach the Docker daemon \(unix:\/\/\/nonexistent\.sock\)$/ },
    },
  ];
  for (const t of table) {
    it(t.name, async () => expectOneClearError(await goroscope(t.input, { env: t.env }), t.want.code, t.want.headline));
  }

  it('--kind error lists every kind in its hint', async () => {
    const r = await goroscope(['scan', 'x.log', '--kind', 'nope']);
    expect(r.stderr.split('\n')[1]).toBe('kinds: goroutine, memory, relay_error, retry, channel_disabled, channel_enabled, panic, crash, fatal, startup, timeout, http_error, db_error');
  });

  // chmod 000 does not stop root: as root, read the file as `nobody` through setpriv.
  const asRoot = process.getuid?.() === 0;
  const setpriv = existsSync('/usr/bin/setpriv');
  it.skipIf(asRoot && !setpriv)('an unreadable file (chmod 000): permission denied, exit 77', () => {
    const file = join(dir, 'secret.log');
    writeFileSync(file, `${RELAY}\n`);
    chmodSync(file, 0o000);
    chmodSync(dir, 0o755);
    const cmd = asRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'scan', file]] : [process.execPath, [BIN, 'scan', file]];
    const r = spawnSync(cmd[0] as string, cmd[1] as string[], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expectOneClearError({ code: r.status, stdout: r.stdout, stderr: r.stderr }, 77, /^error: permission denied reading the file \(.*secret\.log\)$/);
  });
});
