import { describe, expect, it } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import { LineSplitter, capText } from '../../src/stream/lines.js';
import { MAX_LINE_CHARS } from '../../src/stream/types.js';

function split(chunks: (string | Buffer | number[])[], max?: number): [string, boolean][] {
  const out: [string, boolean][] = [];
  const s = new LineSplitter((t, o) => out.push([t, o]), max);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.isBuffer(c) ? c : Buffer.from(c));
  s.end();
  return out;
}

describe('LineSplitter', () => {
  const cases: { name: string; input: (string | number[])[]; max?: number; want: [string, boolean][] }[] = [
    { name: 'empty input', input: [], want: [] },
    { name: 'one line with newline', input: ['a\n'], want: [['a', false]] },
    { name: 'no final newline', input: ['a\nb'], want: [['a', false], ['b', false]] },
    { name: 'CRLF stripped', input: ['a\r\nb\r\n'], want: [['a', false], ['b', false]] },
    { name: 'CR split from LF across chunks', input: ['a\r', '\nb\n'], want: [['a', false], ['b', false]] },
    { name: 'lone CR line (GORM prefix)', input: ['\r\n2025/01/01 x\n'], want: [['', false], ['2025/01/01 x', false]] },
    { name: 'blank lines kept', input: ['\n\n'], want: [['', false], ['', false]] },
    { name: 'line across three chunks', input: ['ab', 'cd', 'ef\n'], want: [['abcdef', false]] },
    { name: 'NUL bytes kept', input: [[0x61, 0, 0x62, 10]], want: [['a\u0000b', false]] },
    { name: 'invalid UTF-8 replaced', input: [[0xff, 0x61, 0xc3, 10]], want: [['\ufffda\ufffd', false]] },
    { name: 'multi-byte char split across chunks', input: [[0xe4, 0xb8], [0xad, 10]], want: [['中', false]] },
    { name: 'line at the cap is not oversized', input: ['0123456789\n'], max: 10, want: [['0123456789', false]] },
    { name: 'line over the cap is cut', input: ['0123456789X\nok\n'], max: 10, want: [['0123456789', true], ['ok', false]] },
    { name: 'long line in pieces is cut once', input: ['0123456', '789012345', '6789012345678901234567890123456789012345', '\nok'], max: 10, want: [['0123456789', true], ['ok', false]] },
    { name: 'CJK within cap by chars though over by bytes', input: ['中文中文中\n'], max: 5, want: [['中文中文中', false]] },
    { name: 'CJK over the cap', input: ['中文中文中文\n'], max: 5, want: [['中文中文中', true]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(split(c.input, c.max)).toEqual(c.want);
    });
  }

  it('a 5 MB line is capped at MAX_LINE_CHARS and counted once', () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 0x78);
    const chunks: Buffer[] = [Buffer.from('before\n')];
    for (let off = 0; off < big.length; off += 1 << 20) chunks.push(big.subarray(off, off + (1 << 20)));
    chunks.push(Buffer.from('\nafter\n'));
    const out = split(chunks);
    expect(out.length).toBe(3);
    expect(out[0]).toEqual(['before', false]);
    expect(out[1]![0].length).toBe(MAX_LINE_CHARS);
    expect(out[1]![1]).toBe(true);
    expect(out[2]).toEqual(['after', false]);
  });

  it('a 5 MB line inside one chunk is capped too', () => {
    const buf = Buffer.concat([Buffer.alloc(5 * 1024 * 1024, 0x79), Buffer.from('\nz\n')]);
    const out = split([buf]);
    expect(out.map(([t, o]) => [t.length, o])).toEqual([[MAX_LINE_CHARS, true], [1, false]]);
  });

  it('capText never leaves half a surrogate pair', () => {
    expect(capText('a😀b', 2)).toBe('a');
    expect(capText('a😀b', 3)).toBe('a😀');
  });

  ptest.prop([fc.array(fc.oneof(fc.constantFrom('\n', '\r\n', '\r', 'é', '中', '\u0000'), fc.string({ maxLength: 30 })), { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 20 })])(
    'any chunking yields the same lines',
    (pieces, cuts) => {
      const bytes = Buffer.from(pieces.join(''), 'utf8');
      const whole = split([bytes], 16);
      const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let prev = 0;
      for (const p of points) {
        chunks.push(bytes.subarray(prev, p));
        prev = p;
      }
      chunks.push(bytes.subarray(prev));
      expect(split(chunks, 16)).toEqual(whole);
    },
  );
});
