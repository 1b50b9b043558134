// The byte-level fast path (starts.ts quietStart, each dialect's `quiet`): a line it calls quiet is one the ordinary
// path would have read as a record start making no event, and whole logs give the same events, record and line counts
// with and without it, in every saved format.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { EventParser, RecordGrouper, quietStart, startKind } from '../../src/parse/index.js';
import { START } from '../../src/parse/starts.js';
import { DetectingDecoder } from '../../src/stream/decode.js';
import { TtyAssembler } from '../../src/stream/messages.js';
import type { GEvent } from '../../src/events.js';
import type { Line, QuietTest } from '../../src/stream/types.js';
import { dockerTsPrefixLength, dockerTsPrefixLengthBytes } from '../../src/time.js';

const quietText = (t: string) => {
  const b = Buffer.from(t, 'utf8');
  return quietStart(b, 0, b.length);
};

describe('quietStart', () => {
  const D = '2025/02/21 - 19:31:05';
  const cases: { name: string; input: string; want: boolean }[] = [
    { name: 'gin 200 (custom)', input: `[GIN] ${D} | 2025022119310512345678909876543 | 200 |    3.402117ms |    203.0.113.57 |    POST /v1/chat/completions`, want: true },
    { name: 'gin 404', input: `[GIN] ${D} | R1 | 404 |  1ms |  1.2.3.4 |  GET /x`, want: true },
    { name: 'gin 499', input: `[GIN] ${D} | R1 | 499 |  1ms |  1.2.3.4 |  GET /x`, want: true },
    { name: 'gin 500 is an event', input: `[GIN] ${D} | R1 | 500 |  1ms |  1.2.3.4 |  GET /x`, want: false },
    { name: 'gin 502 default format is an event', input: `[GIN] ${D} | 502 | 28.509584165s |      10.0.2.100 | POST     "/v1/chat/completions"`, want: false },
    { name: 'gin 200 default format', input: `[GIN] ${D} | 200 | 28.509584165s |      10.0.2.100 | POST     "/v1/chat/completions"`, want: true },
    { name: 'gin coloured: parse() looks again without colours', input: `[GIN] ${D} |\x1b[97;41m 500 \x1b[0m| 1ms | 1.2.3.4 | GET "/x"`, want: false },
    { name: 'gin without a status, no colours', input: `[GIN] ${D} | x | y`, want: true },
    { name: 'gin without the bar at 28 (unparsed)', input: `[GIN] ${D}  | R1 | 200 | 1ms`, want: false },
    { name: 'gin with a non-digit after the tag (continuation)', input: '[GIN] hello | R1 | 200 | 1ms | 1.2.3.4 | GET /x', want: false },
    { name: 'gin with a multi-byte character in the time', input: `[GIN] 2025/02/21 - 19:31:0é | R1 | 200 | 1ms | 1.2.3.4 | GET /x`, want: false },
    { name: 'gin with Chinese in the path', input: `[GIN] ${D} | R1 | 200 | 1ms | 1.2.3.4 | GET /模型`, want: true },
    { name: 'gin ending like a goroutine header', input: `[GIN] ${D} | R1 | 200 | 1ms | 1.2.3.4 | GET /goroutine 1 [running]:`, want: false },
    { name: 'consume log', input: `[INFO] ${D} | 2026030208000085246579366973404 | record consume log: userId=1, content=模型倍率 2.50 `, want: true },
    { name: 'INFO retry is an event', input: `[INFO] ${D} | R1 | using channel #7 to retry (remain times 2) `, want: false },
    { name: 'INFO ezlinkai retry is an event', input: `[INFO] ${D} | R1 | Retry: 模型=gpt-4o, 渠道切换: #12(a) -> #15(b) `, want: false },
    { name: 'INFO panic part (request:) may join a panic', input: `[INFO] ${D} | R1 | request: POST /v1/chat/completions `, want: false },
    { name: 'INFO with file and function (era D)', input: `[INFO] ${D} | R1 | controller/relay.go:125 [relay] all good `, want: true },
    { name: 'INFO with file and function, event after', input: `[INFO] ${D} | R1 | monitor/channel.go:33 [DisableChannel] channel #5 has been disabled: x `, want: false },
    { name: 'INFO new-api file segment, event after', input: `[INFO] ${D} | SYSTEM | controller/relay.go:374 | channel #5 has been disabled `, want: false },
    { name: 'INFO monitor line is an event', input: `[INFO] ${D} | ⚠️ Goroutine count elevated: 2417 `, want: false },
    { name: 'INFO timeout text is not searched', input: `[INFO] ${D} | R1 | context deadline exceeded `, want: true },
    { name: 'DEBUG line', input: `[DEBUG] ${D} | R1 | Relay START: path=/v1 `, want: true },
    { name: 'DEBUG memory line is an event', input: `[DEBUG] ${D} | Memory: Alloc=812MB `, want: false },
    { name: 'SYS lines are searched for timeouts: not covered', input: `[SYS] ${D} | Redis is enabled `, want: false },
    { name: 'ERR line', input: `[ERR] ${D} | R1 | relay error (channel id 3, user id: 1): x `, want: false },
    { name: 'WARN line', input: `[WARN] ${D} | R1 | something `, want: false },
    { name: 'INFO without a digit (continuation)', input: '[INFO] hello', want: false },
    { name: 'INFO cut short', input: `[INFO] ${D}`, want: false },
    { name: 'INFO with only the time', input: `[INFO] ${D} |`, want: true },
    { name: 'INFO ending after the bar', input: `[INFO] ${D} | `, want: true },
    { name: 'gin debug line', input: '[GIN-debug] [WARNING] Running in "debug" mode.', want: true },
    { name: 'mysql line is an event', input: '[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF', want: false },
    { name: 'an unknown bracket line', input: '[foo] bar', want: false },
    { name: 'JSON line: not covered', input: '{"ts":"2026-08-21T10:15:30+08:00","level":"info","msg":"x"}', want: false },
    { name: 'std-log line: not covered', input: '2025/02/21 19:31:07 hello', want: false },
    { name: 'stack line', input: '\tgithub.com/x/y.go:12 +0x5e', want: false },
    { name: 'empty', input: '', want: false },
    { name: 'ANSI first (cleaned by startKind first)', input: `\x1b[0m[GIN] ${D} | R1 | 200 | 1ms | 1.2.3.4 | GET /x`, want: false },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect(quietText(input)).toBe(want);
  });

  it('reads only its own bytes: the same line inside a bigger buffer', () => {
    const gin = `[GIN] ${D} | R1 | 200 | 1ms | 1.2.3.4 | GET /x`;
    const short = `[INFO] ${D} | `;
    const buf = Buffer.from(`xx${gin}\n${short}\n[GIN] ${D} | R9 | 503 | 1ms`, 'utf8');
    expect(quietStart(buf, 2, 2 + Buffer.byteLength(gin))).toBe(true);
    const s2 = 3 + Buffer.byteLength(gin);
    expect(quietStart(buf, s2, s2 + Buffer.byteLength(short))).toBe(true);
    // cut before the status: the status of the next line is not read
    expect(quietStart(buf, s2 + Buffer.byteLength(short) + 1, buf.length - 8)).toBe(true);
  });
});

// ---- real lines -------------------------------------------------------------------------------------------------

const ROOT = join(import.meta.dirname, '..', '..');
const fixtureLines = readdirSync(join(ROOT, 'fixtures', 'formats'))
  .filter((f) => f.endsWith('.log'))
  .flatMap((f) => readFileSync(join(ROOT, 'fixtures', 'formats', f), 'utf8').split('\n'));
const weekLines = readFileSync(join(ROOT, 'fixtures', 'sample', 'one-api-week.log'), 'utf8')
  .split('\n')
  .slice(0, 4000)
  .map((l) => l.slice(dockerTsPrefixLength(l)));
/** Every distinct line of the format fixtures and the first lines of the sample week (a `docker logs -t` log, unwrapped). */
const REAL = [...new Set([...fixtureLines, ...weekLines])];

const D = '2025/02/21 - 19:31:05';
/** Near misses of the quiet shapes: statuses, levels, message beginnings, bytes that shift offsets. */
const variant = fc
  .tuple(
    fc.constantFrom('[GIN] ', '[INFO] ', '[DEBUG] ', '[SYS] ', '[ERR] ', '[GIN-debug] ', '[GIN]  ', '[INFO]'),
    fc.constantFrom(D, '2025/02/21 - 19:31:0中', '2025/02/21 19:31:05', ''),
    fc.constantFrom(' | R1 | ', ' |  | ', ' | R 1 | ', ' | ', ' |', ' | 中 | '),
    fc.constantFrom('', 'x.go:12 [f] ', 'x.go:12 | ', 'a.go:1 [', 'relay.go:374 |', 'go:1 [f] ', 'x.go:12 [f]'),
    fc.constantFrom('200', '500', ' 502 ', '404 ', '', 'abc', 'using channel #7 to retry (remain times 2)', 'request: POST /', 'record consume log: 模型', 'channel #5 has been disabled', '⚠️ Goroutine count elevated: 2417', 'timeout', '通道「x」（#12）已被禁用'),
    fc.constantFrom('', ' | 1ms | 1.2.3.4 | GET /x', ' ', ' ]:', ' |\x1b[31m 500 \x1b[0m| x', '\r', ' 中文'),
  )
  .map((p) => p.join(''));
const realLine = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...REAL) }, { weight: 3, arbitrary: variant }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) });

describe('a quiet line is what the ordinary path concludes', () => {
  test.prop([realLine, fc.array(realLine, { maxLength: 4 })], { numRuns: 2000 })('a START whose record makes no event, whatever continues it', (first, rest) => {
    fc.pre(quietText(first));
    expect(startKind(first)).toBe(START);
    const events: GEvent[] = [];
    const p = new EventParser({ tz: 'UTC', onEvent: (e) => events.push(e) });
    p.record({ source: 's', stream: 'stdout', dockerTime: null, lines: [first, ...rest], seq: 0 });
    p.flush();
    expect(events).toEqual([]);
    expect(p.unparsed).toBe(0);
  });

  it('covers the access lines below 500 and the consume logs of a real gateway log', () => {
    // `[GIN] … | 200 |`, `[INFO] … | record consume log: …`
    const bulk = weekLines.filter((l) => /^\[GIN\] .*? \| +[1-4]\d\d \|/.test(l) || /^\[INFO\] .* \| record consume log: /.test(l));
    expect(bulk.length).toBeGreaterThan(2000);
    expect(bulk.filter((l) => !quietText(l))).toEqual([]);
  });

  test.prop([fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('', '2025-02-21T11:30:16.123456789Z ', '2025-02-21T11:30:16Z ', '2025-02-21T11:30:16.5+08:00 ')])(
    'the `-t` prefix has the same length in bytes as in characters',
    (body, ts) => {
      const text = ts + body;
      const b = Buffer.from(text, 'utf8');
      const decoded = b.toString('utf8');
      expect(dockerTsPrefixLengthBytes(b, 0, b.length)).toBe(dockerTsPrefixLength(decoded));
    },
  );
});

// ---- whole logs, fast path against slow path ---------------------------------------------------------------------

interface Outcome {
  events: GEvent[];
  lines: number;
  records: number;
  unparsed: number;
  quietLines: number;
}

function consume(feed: (onLine: (l: Line) => void) => void): Outcome {
  const events: GEvent[] = [];
  const out: Outcome = { events, lines: 0, records: 0, unparsed: 0, quietLines: 0 };
  const parser = new EventParser({ tz: 'Asia/Shanghai', onEvent: (e) => events.push(e) });
  // counted as the pipeline counts them: a quiet Line or record may stand for a run (`count`)
  const grouper = new RecordGrouper((r) => {
    out.records += r.count ?? 1;
    parser.record(r);
  });
  feed((l) => {
    out.lines += l.count ?? 1;
    if (l.quiet) out.quietLines += l.count ?? 1;
    grouper.push(l);
  });
  grouper.flush();
  parser.flush();
  out.unparsed = parser.unparsed;
  return out;
}

/** Bytes through the saved-log decoder, cut into chunks at `cuts` (fractions of the length). */
function decodeFile(bytes: Buffer, cuts: number[], quiet?: QuietTest): Outcome {
  return consume((onLine) => {
    const d = new DetectingDecoder('f', onLine, undefined, quiet);
    const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
    let prev = 0;
    for (const a of [...at, bytes.length]) {
      if (a > prev) d.push(bytes.subarray(prev, a));
      prev = Math.max(prev, a);
    }
    d.end();
  });
}

const ts = (i: number) => `2025-02-21T11:30:${String(10 + (i % 50)).padStart(2, '0')}.${String(123456789 + i).slice(0, 9)}Z`;
const FORMATS: Record<string, (lines: string[], streams: boolean[]) => Buffer> = {
  plain: (lines) => Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8'),
  'docker -t': (lines) => Buffer.from(lines.map((l, i) => `${ts(i)} ${l}\n`).join(''), 'utf8'),
  'docker -t, CRLF': (lines) => Buffer.from(lines.map((l, i) => `${ts(i)} ${l}\r\n`).join(''), 'utf8'),
  'json-file': (lines, streams) =>
    Buffer.from(lines.map((l, i) => JSON.stringify({ log: l + '\n', stream: streams[i] ? 'stderr' : 'stdout', time: ts(i) }) + '\n').join(''), 'utf8'),
  'json-file, some lines cut in 16 KB parts': (lines, streams) =>
    Buffer.from(
      lines
        .map((l, i) => {
          const stream = streams[i] ? 'stderr' : 'stdout';
          // a line Docker cut: its first part has no `\n`
          if (i % 7 === 3) return JSON.stringify({ log: l.slice(0, 5), stream, time: ts(i) }) + '\n' + JSON.stringify({ log: l.slice(5) + '\n', stream, time: ts(i) }) + '\n';
          return JSON.stringify({ log: l + (i % 11 === 5 ? '\r\n' : '\n'), stream, time: ts(i) }) + '\n';
        })
        .join(''),
      'utf8',
    ),
  'saved API body (frames)': (lines, streams) =>
    Buffer.concat(
      lines.map((l, i) => {
        const payload = Buffer.from(`${ts(i)} ${l}\n`, 'utf8');
        const h = Buffer.alloc(8);
        h[0] = streams[i] ? 2 : 1;
        h.writeUInt32BE(payload.length, 4);
        return Buffer.concat([h, payload]);
      }),
    ),
};

describe('the fast path gives the events of the slow path', () => {
  for (const [name, make] of Object.entries(FORMATS)) {
    test.prop([fc.array(realLine, { minLength: 1, maxLength: 80 }), fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 })], {
      numRuns: 150,
    })(`${name}: random mixes of real lines, any chunking`, (lines, streams, cuts) => {
      const bytes = make(lines, streams);
      const slow = decodeFile(bytes, cuts);
      const fast = decodeFile(bytes, cuts, quietStart);
      expect(slow.quietLines).toBe(0);
      expect({ ...fast, quietLines: 0 }).toEqual(slow);
    });
  }

  // A run of quiet lines goes down the pipeline as one Line standing for all of them (Line.count): the panic parts
  // waiting across records must still age by one per line, so a part 63 records later joins and one 65 later does not.
  it('runs of quiet lines age a relay panic waiting for its parts as many records as they hold', () => {
    const rid = '2025022119500312345678987654321';
    const gin = '[GIN] 2025/02/21 - 19:50:03 | R1 | 200 |  8.579296696s |      192.0.2.44 |    POST /v1/chat/completions';
    const detected = `[ERROR] 2025/02/21 - 19:50:03 | ${rid} | middleware/recover.go:17 [1] panic detected: runtime error: boom`;
    const request = `[ERROR] 2025/02/21 - 19:50:03 | ${rid} | middleware/recover.go:20 [1] request: POST /v1/chat/completions`;
    const body = `[ERROR] 2025/02/21 - 19:50:03 | ${rid} | middleware/recover.go:21 [1] request body: {"model":"m"}`;
    for (const between of [62, 63, 64, 65, 70]) {
      const lines = [detected, ...Array<string>(between).fill(gin), request, body, gin, gin];
      for (const [name, make] of Object.entries(FORMATS)) {
        const bytes = make(lines, lines.map(() => false));
        const slow = decodeFile(bytes, [0.5]);
        const fast = decodeFile(bytes, [0.5], quietStart);
        expect({ ...fast, quietLines: 0 }, `${name}, ${between} between`).toEqual(slow);
        // the request line is the 64th record after the panic's: it joins while at most 64 records have passed
        const panics = fast.events.filter((e) => e.kind === 'panic');
        expect([fast.records, panics.map((e) => e.request ?? null)], `${name}, ${between} between`).toEqual([lines.length, [between <= 63 ? 'POST /v1/chat/completions' : null]]);
        // every gin line but the one the chunk boundary cuts (a line in two chunks is always decoded)
        if (!name.includes('16 KB')) expect(fast.quietLines, name).toBeGreaterThanOrEqual(between + 1);
      }
    }
  });

  it('takes the fast path for most lines of the sample week, in every format', () => {
    const lines = weekLines.slice(0, 2000);
    for (const [name, make] of Object.entries(FORMATS)) {
      const bytes = make(lines, lines.map((_, i) => i % 3 === 0));
      const slow = decodeFile(bytes, [0.3, 0.6]);
      const fast = decodeFile(bytes, [0.3, 0.6], quietStart);
      expect({ ...fast, quietLines: 0 }, name).toEqual(slow);
      expect(fast.quietLines / fast.lines, name).toBeGreaterThan(name.includes('16 KB') ? 0.45 : 0.6);
      expect(slow.events.length, name).toBeGreaterThan(10);
    }
  });

  test.prop([fc.array(realLine, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { maxLength: 5 })], { numRuns: 150 })('TTY body (raw, CRLF, a timestamp per message)', (lines, cutAt) => {
    const bytes = Buffer.from(lines.map((l, i) => `${ts(i)} ${l}\r\n`).join(''), 'utf8');
    const run = (quiet?: QuietTest) =>
      consume((onLine) => {
        const tty = new TtyAssembler(
          (stream, dockerTime, text, oversized) => onLine(oversized ? { source: 'c', stream, dockerTime, text, oversized } : { source: 'c', stream, dockerTime, text }),
          undefined,
          quiet ? { test: quiet, onQuiet: (stream) => onLine({ source: 'c', stream, dockerTime: null, text: '', quiet: true }) } : undefined,
        );
        let prev = 0;
        for (const c of [...cutAt.map((n) => n % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          if (c > prev) tty.push(bytes, prev, c);
          prev = Math.max(prev, c);
        }
        tty.end();
      });
    expect({ ...run(quietStart), quietLines: 0 }).toEqual(run());
  });
});
