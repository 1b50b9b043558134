import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { openSource } from '../../src/sources/index.js';
import { orderLogFiles } from '../../src/sources/files.js';
import { readStdin } from '../../src/sources/stdin.js';
import type { Line } from '../../src/stream/types.js';
import { EXIT, GoroscopeError } from '../../src/errors.js';

const TS1 = '2025-02-21T11:30:16.123456789Z';
const TS2 = '2025-02-21T11:30:17.000000001Z';
const APP1 = '[SYS] 2025/02/21 - 19:30:16 | One API v0.6.10 started ';
const APP2 = '[ERR] 2025/02/21 - 19:30:17 | 20250221193017123456789abcdefgh | relay error (channel #3, status code: 504): ';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-sources-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, data: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

async function readAll(spec: string): Promise<{ kind: string; lines: Line[] }> {
  const s = await openSource(spec);
  const lines: Line[] = [];
  await s.read((l) => lines.push(l));
  return { kind: s.info.kind, lines };
}

const jsonFile = (log: string, stream: string, time: string) => JSON.stringify({ log, stream, time }) + '\n';
const short = (ls: Line[]) => ls.map((l) => [l.stream, l.dockerTime, l.text]);

describe('file sources: format detected from the content', () => {
  const cases: { name: string; file: string; data: () => string | Buffer; want: [string, string | null, string][] }[] = [
    { name: 'plain docker logs', file: 'plain.log', data: () => `${APP1}\n${APP2}\n`, want: [['unknown', null, APP1], ['unknown', null, APP2]] },
    { name: 'docker logs -t', file: 'dash-t.txt', data: () => `${TS1} ${APP1}\n${TS2} ${APP2}\n`, want: [['unknown', TS1, APP1], ['unknown', TS2, APP2]] },
    { name: 'docker compose logs', file: 'compose.log', data: () => `one-api  | ${APP1}\r\none-api  | ${APP2}\r\n`, want: [['unknown', null, APP1], ['unknown', null, APP2]] },
    {
      name: 'json-file',
      file: 'abc-json.log',
      data: () => jsonFile(APP1 + '\n', 'stdout', TS1) + jsonFile(APP2 + '\n', 'stderr', TS2),
      want: [['stdout', TS1, APP1], ['stderr', TS2, APP2]],
    },
    { name: 'rotated json-file .1', file: 'abc-json.log.1', data: () => jsonFile('old\n', 'stdout', TS1), want: [['stdout', TS1, 'old']] },
    { name: 'gzipped rotated json-file', file: 'abc-json.log.2.gz', data: () => gzipSync(jsonFile('older\n', 'stderr', TS1)), want: [['stderr', TS1, 'older']] },
    { name: 'gzipped plain text without .gz name', file: 'weird.log', data: () => gzipSync(`${APP1}\n`), want: [['unknown', null, APP1]] },
    { name: 'One API --log-dir file', file: 'oneapi-20250221.log', data: () => `${APP1}\n${APP2}\n`, want: [['unknown', null, APP1], ['unknown', null, APP2]] },
    { name: 'empty file', file: 'empty.log', data: () => '', want: [] },
    { name: 'binary junk does not crash', file: 'junk.bin', data: () => Buffer.from([0xff, 0xfe, 0, 1, 10, 0x80, 0x81]), want: [['unknown', null, '\ufffd\ufffd\u0000\u0001'], ['unknown', null, '\ufffd\ufffd']] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const p = write(c.file, c.data());
      const r = await readAll(p);
      expect(r.kind).toBe('file');
      expect(short(r.lines)).toEqual(c.want);
      expect(new Set(r.lines.map((l) => l.source))).toEqual(new Set(r.lines.length ? [p] : []));
    });
  }

  it('a log directory is read in name/date order, rotated files oldest first, each file its own source', async () => {
    const d = join(dir, 'logdir');
    mkdirSync(d);
    writeFileSync(join(d, 'oneapi-20250222.log'), 'day2\n');
    writeFileSync(join(d, 'oneapi-20250221.log'), 'day1\n');
    writeFileSync(join(d, 'x-json.log'), jsonFile('newest\n', 'stdout', TS2));
    writeFileSync(join(d, 'x-json.log.1'), jsonFile('middle\n', 'stdout', TS1));
    writeFileSync(join(d, 'x-json.log.2.gz'), gzipSync(jsonFile('oldest\n', 'stdout', TS1)));
    writeFileSync(join(d, 'notes.md'), 'ignored\n');
    const r = await readAll(d);
    expect(r.lines.map((l) => [l.source.slice(d.length + 1), l.text])).toEqual([
      ['oneapi-20250221.log', 'day1'],
      ['oneapi-20250222.log', 'day2'],
      ['x-json.log.2.gz', 'oldest'],
      ['x-json.log.1', 'middle'],
      ['x-json.log', 'newest'],
    ]);
  });

  it('orderLogFiles', () => {
    expect(orderLogFiles(['b.log', 'a.log.1', 'a.log', 'a.log.10.gz', 'a.log.2', 'c.md', 'oneapi-error-20250101.log'])).toEqual([
      'a.log.10.gz',
      'a.log.2',
      'a.log.1',
      'a.log',
      'b.log',
      'oneapi-error-20250101.log',
    ]);
  });
});

describe('a FIFO (readable once)', () => {
  const cases: { name: string; input: Buffer; want: [string, string | null, string][] }[] = [
    { name: 'plain text', input: Buffer.from(`${TS1} a\n${TS2} b\n`), want: [['unknown', TS1, 'a'], ['unknown', TS2, 'b']] },
    { name: 'gzip', input: gzipSync(`${APP1}\n`), want: [['unknown', null, APP1]] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const fifo = join(dir, `fifo-${c.name.replace(/\W/g, '')}`);
      execFileSync('mkfifo', [fifo]);
      const writer = createWriteStream(fifo);
      writer.end(c.input);
      const r = await readAll(fifo);
      expect(short(r.lines)).toEqual(c.want);
    });
  }
});

describe('bad paths', () => {
  it('a missing path that looks like a file → InputError 66', async () => {
    await expect(openSource(join(dir, 'nope.log'))).rejects.toMatchObject({ exitCode: EXIT.NO_INPUT, message: 'no such file' });
    await expect(openSource('./nope')).rejects.toMatchObject({ exitCode: EXIT.NO_INPUT });
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file → PermissionError 77', async () => {
    const p = write('secret.log', 'x\n');
    chmodSync(p, 0o000);
    const s = await openSource(p);
    await expect(s.read(() => undefined)).rejects.toMatchObject({ exitCode: EXIT.PERMISSION });
  });

  it('a damaged gzip → DataError 65', async () => {
    const gz = gzipSync('hello\n'.repeat(1000));
    const p = write('damaged.log.gz', gz.subarray(0, gz.length - 20));
    const s = await openSource(p);
    await expect(s.read(() => undefined)).rejects.toMatchObject({ exitCode: EXIT.DATA });
  });

  it('a bundle directory or archive is handed to the bundle reader', async () => {
    const b = join(dir, 'bundle-dir');
    mkdirSync(b);
    writeFileSync(join(b, 'manifest.json'), '{}');
    const tgz = write('incident.tar.gz', gzipSync('x'));
    for (const spec of [b, tgz]) {
      try {
        const s = await openSource(spec);
        expect(s.info.kind).toBe('bundle');
      } catch (err) {
        // Handed over: the bundle reader judged these fake bundles itself (not the file reader).
        expect(err).toBeInstanceOf(GoroscopeError);
        expect((err as GoroscopeError).message).not.toMatch(/no log files|no such file/);
      }
    }
  });
});

describe('stdin', () => {
  const cases: { name: string; input: Buffer; want: [string, string | null, string][] }[] = [
    { name: 'docker logs -t piped in', input: Buffer.from(`${TS1} a\n${TS2} b`), want: [['unknown', TS1, 'a'], ['unknown', TS2, 'b']] },
    { name: 'gzip piped in', input: gzipSync(jsonFile('z\n', 'stderr', TS1)), want: [['stderr', TS1, 'z']] },
    { name: 'nothing', input: Buffer.alloc(0), want: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const lines: Line[] = [];
      const chunks = [c.input.subarray(0, 3), c.input.subarray(3)].filter((b) => b.length > 0);
      await readStdin((l) => lines.push(l), undefined, Readable.from(chunks));
      expect(short(lines)).toEqual(c.want);
      expect(lines.every((l) => l.source === '-')).toBe(true);
    });
  }
});
