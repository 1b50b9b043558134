import { describe, expect, it } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import { FrameDemuxer, looksLikeFrames } from '../../src/stream/frames.js';
import { MessageAssembler, TtyAssembler } from '../../src/stream/messages.js';
import { dockerTsPrefixLengthBytes } from '../../src/time.js';
import { UnavailableError, DataError } from '../../src/errors.js';

function frame(type: number, payload: string | Buffer): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(p.length, 4);
  return Buffer.concat([h, p]);
}

type Out = [string, string | null, string, boolean];
function demuxLines(chunks: Buffer[]): { lines: Out[]; truncated: number } {
  const lines: Out[] = [];
  const asm = new MessageAssembler((s, ts, t, o) => lines.push([s, ts, t, o]));
  const d = new FrameDemuxer((s, p) => asm.frame(s, p));
  for (const c of chunks) d.push(c);
  d.end();
  asm.end();
  return { lines, truncated: d.truncatedBytes };
}

const T1 = '2026-11-26T12:37:49.450722864Z';
const T2 = '2026-11-26T12:37:49.937927709Z';

// The stream measured on a real engine (docs/docker.md, "Long lines: 16 KB parts"): stdout/stderr, a 20,000-byte line in 16 KB parts, unterminated last lines.
const long = 'x'.repeat(20_000);
const measured = Buffer.concat([
  frame(2, `${T1} err-1\n`),
  frame(2, `${T1} err-2\n`),
  frame(1, `${T1} out-1\n`),
  frame(1, `${T2} ${long.slice(0, 16_384)}`),
  frame(1, `${T2} ${long.slice(16_384)}\n`),
  frame(1, `${T2} stdout-no-newline`),
  frame(2, `${T2} stderr-no-newline`),
]);
const measuredWant: Out[] = [
  ['stderr', T1, 'err-1', false],
  ['stderr', T1, 'err-2', false],
  ['stdout', T1, 'out-1', false],
  ['stdout', T2, long, false],
  ['stdout', T2, 'stdout-no-newline', false],
  ['stderr', T2, 'stderr-no-newline', false],
];

describe('FrameDemuxer + MessageAssembler', () => {
  const cases: { name: string; input: Buffer[]; want: Out[]; truncated?: number }[] = [
    { name: 'stdout and stderr kept apart', input: [frame(1, 'a\n'), frame(2, 'b\n'), frame(1, 'c\n')], want: [['stdout', null, 'a', false], ['stderr', null, 'b', false], ['stdout', null, 'c', false]] },
    { name: 'timestamps stripped per frame', input: [frame(1, `${T1} hello\n`)], want: [['stdout', T1, 'hello', false]] },
    { name: 'the measured stream (16 KB partials, unterminated ends)', input: [measured], want: measuredWant },
    { name: 'CRLF payload', input: [frame(1, `${T1} a\r\n`)], want: [['stdout', T1, 'a', false]] },
    { name: 'an unterminated message followed by another timestamp is its own line', input: [frame(1, `${T1} no-nl`), frame(1, `${T2} next\n`)], want: [['stdout', T1, 'no-nl', false], ['stdout', T2, 'next', false]] },
    { name: 'partials interleaved with the other stream', input: [frame(1, `${T1} aa`), frame(2, `${T2} e\n`), frame(1, `${T1} bb\n`)], want: [['stderr', T2, 'e', false], ['stdout', T1, 'aabb', false]] },
    { name: 'truncated frame at the end: delivered as far as it got', input: [frame(1, 'ok\n'), frame(1, 'cut-short\n').subarray(0, 8 + 3)], want: [['stdout', null, 'ok', false], ['stdout', null, 'cut', false]], truncated: 11 },
    { name: 'a lone partial header at the end is dropped', input: [frame(2, 'x\n'), Buffer.from([1, 0, 0])], want: [['stderr', null, 'x', false]], truncated: 3 },
    { name: 'type 0 (stdin) frames ignored', input: [frame(0, 'in\n'), frame(1, 'out\n')], want: [['stdout', null, 'out', false]] },
    { name: 'empty frame', input: [frame(1, ''), frame(1, 'a\n')], want: [['stdout', null, 'a', false]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = demuxLines(c.input);
      expect(r.lines).toEqual(c.want);
      expect(r.truncated).toBe(c.truncated ?? 0);
    });
  }

  it('type 3 is the daemon reporting an error', () => {
    expect(() => demuxLines([frame(1, 'a\n'), frame(3, 'Error grabbing logs: boom\n')])).toThrow(UnavailableError);
    expect(() => demuxLines([frame(3, 'Error grabbing logs: boom\n')])).toThrow(/daemon reported an error/);
  });

  it('a bad header type is a DataError', () => {
    expect(() => demuxLines([frame(7, 'a\n')])).toThrow(DataError);
  });

  it('the measured stream split at every 97th byte gives the same lines', () => {
    for (let cut = 1; cut < measured.length; cut += 97) {
      expect(demuxLines([measured.subarray(0, cut), measured.subarray(cut)]).lines).toEqual(measuredWant);
    }
  });

  it('a stream of every frame kind split at every byte boundary, in two and in three pieces', () => {
    // Same shapes as the measured stream, with a short line cut into two partial frames.
    const small = Buffer.concat([
      frame(2, `${T1} err-1\n`),
      frame(1, `${T1} out-1\r\n`),
      frame(1, `${T2} part-a-`),
      frame(2, `${T2} err-2\n`),
      frame(1, `${T2} part-b\n`),
      frame(1, `${T2} no-newline`),
    ]);
    const want: Out[] = [
      ['stderr', T1, 'err-1', false],
      ['stdout', T1, 'out-1', false],
      ['stderr', T2, 'err-2', false],
      ['stdout', T2, 'part-a-part-b', false],
      ['stdout', T2, 'no-newline', false],
    ];
    for (let a = 0; a <= small.length; a++) {
      expect(demuxLines([small.subarray(0, a), small.subarray(a)]).lines).toEqual(want);
      const b = Math.min(small.length, a + 9);
      expect(demuxLines([small.subarray(0, a), small.subarray(a, b), small.subarray(b)]).lines).toEqual(want);
    }
  });

  it('one byte at a time', () => {
    const small = Buffer.concat([frame(2, `${T1} err-1\n`), frame(1, `${T1} a`), frame(1, `${T1} b\n`)]);
    const chunks = Array.from(small, (b) => Buffer.from([b]));
    expect(demuxLines(chunks).lines).toEqual([['stderr', T1, 'err-1', false], ['stdout', T1, 'ab', false]]);
  });

  ptest.prop([fc.array(fc.tuple(fc.constantFrom(1, 2), fc.string({ maxLength: 20 }), fc.boolean()), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 10 })])(
    'any chunking of frames yields the same lines',
    (msgs, cuts) => {
      const body = Buffer.concat(msgs.map(([t, s, nl]) => frame(t, `${T1} ${s}${nl ? '\n' : ''}`)));
      const whole = demuxLines([body]).lines;
      const points = [...new Set(cuts.map((c) => (body.length ? c % body.length : 0)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let prev = 0;
      for (const p of points) {
        chunks.push(body.subarray(prev, p));
        prev = p;
      }
      chunks.push(body.subarray(prev));
      expect(demuxLines(chunks).lines).toEqual(whole);
    },
  );

  it('looksLikeFrames tells a saved API body from text', () => {
    expect([looksLikeFrames(frame(1, 'a\n')), looksLikeFrames(frame(2, 'a\n')), looksLikeFrames(Buffer.from('hello world\n')), looksLikeFrames(Buffer.from([1, 0, 0]))]).toEqual([true, true, false, false]);
  });

  it('the Docker time stamp rule on a message\'s bytes (time.ts)', () => {
    const cases: [string, number][] = [
      [`${T1} x`, 31],
      ['2026-11-26T12:37:49Z x', 21],
      ['2026-11-26T12:37:49.5+08:00 x', 28],
      ['2026-11-26T12:37:49.1234567890Z x', 0],
      ['2026/11/26 12:37:49 x', 0],
      [`${T1}x`, 0],
      ['short', 0],
    ];
    expect(cases.map(([s]) => dockerTsPrefixLengthBytes(Buffer.from(s), 0, Buffer.byteLength(s)))).toEqual(cases.map(([, n]) => n));
  });
});

describe('TtyAssembler', () => {
  function tty(chunks: string[]): Out[] {
    const out: Out[] = [];
    const a = new TtyAssembler((s, ts, t, o) => out.push([s, ts, t, o]));
    for (const c of chunks) a.push(Buffer.from(c));
    a.end();
    return out;
  }
  const cases: { name: string; input: string[]; want: Out[] }[] = [
    { name: 'CRLF lines with timestamps', input: [`${T1} hello\r\n${T2} world\r\n`], want: [['stdout', T1, 'hello', false], ['stdout', T2, 'world', false]] },
    { name: 'short output is not lost', input: [`${T1} 42\r\n`], want: [['stdout', T1, '42', false]] },
    { name: 'no timestamps', input: ['a\r\nb'], want: [['stdout', null, 'a', false], ['stdout', null, 'b', false]] },
    { name: 'a 16 KB partial repeats the timestamp mid-line', input: [`${T1} ${'y'.repeat(16_384)}${T1} ${'y'.repeat(100)}\r\n`], want: [['stdout', T1, 'y'.repeat(16_484), false]] },
  ];
  for (const c of cases) it(c.name, () => expect(tty(c.input)).toEqual(c.want));
});
