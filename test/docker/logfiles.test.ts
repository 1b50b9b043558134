// Reading a container's log from the engine's files (src/docker/logfiles.ts) on files written the way the engine
// writes them: json-file lines (escapes, 16 KB parts, CRLF, `attrs`), local-driver protobuf entries, rotated and
// compressed sets; tail, since and until as the daemon applies them; follow across appends, rotation and truncation.
// The comparison with the real engine's API is test/e2e/scan-via.engine.test.ts.
import { appendFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLogFiles, parseVia, readLogFiles, type FileLogQuery, type LogFiles } from '../../src/docker/logfiles.js';
import { EXIT, GoroscopeError } from '../../src/errors.js';
import { until } from '../helpers/wait.js';

/** A message as the API would send it: stream, timestamp (9 digits), text, ending. */
type Msg = [stream: 'stdout' | 'stderr', ts: string, text: string, ending: 0 | 1 | 2];

const ID = 'a'.repeat(64);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), `gs-logfiles-${ID}-`));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Go's RFC3339Nano: trailing zeros of the fraction trimmed, no fraction at all for a whole second. */
function goTime(ts: string): string {
  return ts.replace(/\.?0+Z$/, 'Z');
}

function jsonLine([stream, ts, text, ending]: Msg, extra: Record<string, unknown> = {}): string {
  const log = text + ['', '\n', '\r\n'][ending]!;
  // the engine escapes <, > and & as Go's encoder does
  return JSON.stringify({ log, stream, time: goTime(ts), ...extra }).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026') + '\n';
}

function varint(v: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

/** A local-driver entry: size, LogEntry{source, time_nano, line, partial}, size. */
function localEntry([stream, ts, text, ending]: Msg): Buffer {
  const [whole, frac] = ts.slice(0, -1).split('.') as [string, string];
  const nanos = BigInt(Date.parse(`${whole}Z`) / 1000) * 1_000_000_000n + BigInt(frac);
  const line = Buffer.from(text + (ending === 2 ? '\r' : ''), 'utf8');
  const pb = Buffer.from([
    0x0a, stream.length, ...Buffer.from(stream),
    0x10, ...varint(nanos),
    0x1a, ...varint(BigInt(line.length)), ...line,
    ...(ending === 0 ? [0x20, 1] : []),
  ]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(pb.length);
  return Buffer.concat([size, pb, size]);
}

const ts = (i: number, ns = 123456789) => `2026-11-26T12:${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${String(ns).padStart(9, '0')}Z`;

/** 30 messages of both streams: a consume log with Chinese, `<&>` (escaped on disk), CRLF, a 16 KB line in two parts. */
const MESSAGES: Msg[] = Array.from({ length: 30 }, (_, i): Msg => {
  if (i === 10) return ['stdout', ts(i), 'x'.repeat(16_384), 0];
  if (i === 11) return ['stdout', ts(10), 'x'.repeat(3_616), 1];
  if (i % 7 === 3) return ['stderr', ts(i, 900000000), `[SYS] 2026/11/26 - 20:00:00 | <html> & timeout ${i}`, 2];
  if (i % 3 === 0) return ['stderr', ts(i, i * 1000), `[ERR] 2026/11/26 - 20:00:00 | R${i} | relay error (channel id 3, user id: 1): 503 `, 1];
  return ['stdout', ts(i), `[INFO] 2026/11/26 - 20:00:00 | R${i} | record consume log: 模型倍率 ${i}`, 1];
});

interface SetOpts {
  driver: LogFiles['driver'];
  /** How many messages go to each file, oldest file first; the last count is the current file. */
  split: number[];
  gz?: boolean;
}

/** Write MESSAGES as the engine would have rotated them; returns the set. */
async function writeSet({ driver, split, gz = true }: SetOpts): Promise<LogFiles> {
  const path = driver === 'json-file' ? join(dir, `${ID}-json.log`) : join(dir, 'container.log');
  let at = 0;
  for (let f = 0; f < split.length; f++) {
    const msgs = MESSAGES.slice(at, at + split[f]!);
    at += split[f]!;
    const body = driver === 'json-file' ? Buffer.from(msgs.map((m, k) => jsonLine(m, k === 1 ? { attrs: { team: 'a' } } : {})).join('')) : Buffer.concat(msgs.map(localEntry));
    const gen = split.length - 1 - f;
    if (gen === 0) await writeFile(path, body);
    else if (gz) await writeFile(`${path}.${gen}.gz`, gzipSync(body));
    else await writeFile(`${path}.${gen}`, body);
  }
  return { driver, path, maxFiles: split.length };
}

/** What the reader gives for MESSAGES: the local driver keeps a `\r` before the newline in the text (the API adds only `\n`). */
function want(driver: LogFiles['driver'], msgs: Msg[] = MESSAGES): Msg[] {
  return driver === 'json-file' ? msgs : msgs.map(([s, t, text, e]) => (e === 2 ? [s, t, `${text}\r`, 1] : [s, t, text, e]));
}

async function read(files: LogFiles, q: FileLogQuery = {}, running = async () => false): Promise<Msg[]> {
  const out: Msg[] = [];
  await readLogFiles(files, q, (m) => void out.push([m.stream, m.ts(), m.b.toString('utf8', m.from, m.to), m.ending]), running);
  return out;
}

/** `2026-11-26T12:10:05.000001000Z` → `"<sec>.<nanos>"`. */
function dockerTs(t: string): string {
  const [whole, frac] = t.slice(0, -1).split('.') as [string, string];
  return `${Date.parse(`${whole}Z`) / 1000}.${frac}`;
}

describe('readLogFiles', () => {
  const sets: { name: string; set: SetOpts }[] = [
    { name: 'json-file, one file', set: { driver: 'json-file', split: [30] } },
    { name: 'json-file, rotated and compressed', set: { driver: 'json-file', split: [9, 8, 7, 6] } },
    { name: 'json-file, rotated, not compressed', set: { driver: 'json-file', split: [12, 18], gz: false } },
    { name: 'local driver, one file', set: { driver: 'local', split: [30] } },
    { name: 'local driver, rotated and compressed', set: { driver: 'local', split: [5, 10, 15] } },
  ];

  it.each(sets)('$name: every message in order, with the API timestamps', async ({ set }) => {
    expect(await read(await writeSet(set))).toEqual(want(set.driver));
  });

  it.each(sets)('$name: tail counts messages from the end over every file', async ({ set }) => {
    const files = await writeSet(set);
    for (const tail of [0, 1, 5, 17, 29, 30, 100]) expect(await read(files, { tail }), `tail ${tail}`).toEqual(want(set.driver).slice(30 - Math.min(tail, 30)));
  });

  it.each(sets)('$name: since and until are inclusive, to the nanosecond; until ends the read', async ({ set }) => {
    const files = await writeSet(set);
    const t5 = MESSAGES[5]![1];
    const t20 = MESSAGES[20]![1];
    const all = want(set.driver);
    expect(await read(files, { since: dockerTs(t5) })).toEqual(all.slice(5));
    expect(await read(files, { until: dockerTs(t20) })).toEqual(all.slice(0, 21));
    // one nanosecond later / earlier
    const plus = (t: string, d: number) => dockerTs(t).replace(/\d{9}$/, (f) => String(Number(f) + d).padStart(9, '0'));
    expect(await read(files, { since: plus(t5, 1) })).toEqual(all.slice(6));
    expect(await read(files, { until: plus(t20, -1) })).toEqual(all.slice(0, 20));
    // tail is taken from the whole log first, then the window
    expect(await read(files, { since: dockerTs(t5), until: dockerTs(t20), tail: 12 })).toEqual(all.slice(18, 21));
  });

  it('a line still being written at the end of the current file is not a message yet', async () => {
    const files = await writeSet({ driver: 'json-file', split: [30] });
    await appendFile(files.path, '{"log":"half a li');
    expect(await read(files)).toEqual(MESSAGES);
    expect(await read(files, { tail: 2 })).toEqual(MESSAGES.slice(28));
  });

  it('a json-file line that is not JSON is skipped', async () => {
    const files = await writeSet({ driver: 'json-file', split: [30] });
    await appendFile(files.path, 'not json\n' + jsonLine(['stdout', ts(40), 'after', 1]));
    expect(await read(files)).toEqual([...MESSAGES, ['stdout', ts(40), 'after', 1]]);
  });

  it('follow: appended messages, a rotation (the old file finished through its handle), a truncation, then the container stops', async () => {
    const files = await writeSet({ driver: 'json-file', split: [10, 10] });
    const got: Msg[] = [];
    let running = true;
    const abort = new AbortController();
    const reading = readLogFiles(files, { follow: true, signal: abort.signal }, (m) => void got.push([m.stream, m.ts(), m.b.toString('utf8', m.from, m.to), m.ending]), async () => running);
    await until('history', () => got.length === 20);
    await appendFile(files.path, MESSAGES.slice(20, 23).map((m) => jsonLine(m)).join(''));
    await until('appended', () => got.length === 23);
    // rotation: the last message of the old file lands just before it is renamed
    await appendFile(files.path, jsonLine(MESSAGES[23]!));
    await rename(files.path, `${files.path}.1`);
    await writeFile(files.path, MESSAGES.slice(24, 26).map((m) => jsonLine(m)).join(''));
    await until('rotated', () => got.length === 26);
    // max-file=1: the engine truncates the file in place (and writes less than was read before, so it shows)
    await truncate(files.path, 0);
    await appendFile(files.path, jsonLine(MESSAGES[26]!));
    await until('after truncation', () => got.length === 27);
    await appendFile(files.path, MESSAGES.slice(27, 30).map((m) => jsonLine(m)).join(''));
    await until('the rest', () => got.length === 30);
    running = false;
    await reading;
    expect(got).toEqual(MESSAGES);
    expect(abort.signal.aborted).toBe(false);
  });

  it('follow ends quietly when the reader aborts', async () => {
    const files = await writeSet({ driver: 'local', split: [30] });
    const abort = new AbortController();
    const got: string[] = [];
    const reading = readLogFiles(files, { follow: true, tail: 2, signal: abort.signal }, (m) => void got.push(m.ts()), async () => true);
    await until('tail', () => got.length === 2);
    abort.abort();
    await reading;
    expect(got).toEqual([MESSAGES[28]![1], MESSAGES[29]![1]]);
    await new Promise((r) => setTimeout(r, 50));
  });
});

describe('findLogFiles', () => {
  const info = (over: Partial<Parameters<typeof findLogFiles>[0]>) => ({ id: ID, logDriver: 'json-file', logOptions: {}, logPath: '', dir: '', ...over });
  it('json-file: the LogPath, max-file from the options (default 1)', async () => {
    const files = await writeSet({ driver: 'json-file', split: [1] });
    expect(await findLogFiles(info({ logPath: files.path }))).toEqual({ driver: 'json-file', path: files.path, maxFiles: 1 });
    expect(await findLogFiles(info({ logPath: files.path, logOptions: { 'max-file': '4' } }))).toEqual({ driver: 'json-file', path: files.path, maxFiles: 4 });
  });
  it('local: local-logs/container.log in the container directory, max-file default 5', async () => {
    expect(await findLogFiles(info({ logDriver: 'local', dir }))).toEqual({ reason: `${join(dir, 'local-logs', 'container.log')} is not on this machine (a remote engine?)`, permission: false });
  });
  it('what cannot be read, and why', async () => {
    expect(await findLogFiles(info({ logDriver: 'syslog' }))).toEqual({ reason: 'the syslog log driver keeps no files goroscope reads', permission: false });
    expect(await findLogFiles(info({}))).toEqual({ reason: 'the engine gave no LogPath', permission: false });
    expect(await findLogFiles(info({ logPath: '/var/lib/docker/containers/other/other-json.log' }))).toEqual({
      reason: '/var/lib/docker/containers/other/other-json.log is not in the container\'s directory',
      permission: false,
    });
  });
});

describe('parseVia', () => {
  it.each([
    { input: undefined, want: 'auto' },
    { input: 'file', want: 'file' },
    { input: ' api ', want: 'api' },
  ])('$input → $want', ({ input, want }) => expect(parseVia(input)).toBe(want));
  it('anything else is a usage error', () => {
    const err = (() => {
      try {
        parseVia('disk');
      } catch (e) {
        return e as GoroscopeError;
      }
    })();
    expect([err?.exitCode, err?.headline()]).toEqual([EXIT.USAGE, 'error: --via takes auto, file or api (disk)']);
  });
});
