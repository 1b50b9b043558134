import { describe, expect, it } from 'vitest';
import { detectTextFormat, parseJsonFileLine, stripCompose } from '../../src/stream/wrappers.js';
import { DetectingDecoder } from '../../src/stream/decode.js';
import type { Line } from '../../src/stream/types.js';

describe('stripCompose', () => {
  const cases = [
    { name: 'padded service', input: 'one-api  | [SYS] started', want: { service: 'one-api', text: '[SYS] started' } },
    { name: 'compose v2 name', input: 'oneapi-one-api-1  | hi', want: { service: 'oneapi-one-api-1', text: 'hi' } },
    { name: 'empty line after prefix', input: 'one-api  |', want: { service: 'one-api', text: '' } },
    { name: 'GIN line is not compose', input: '[GIN] 2025/02/21 - 19:30:16 | 200 |', want: null },
    { name: 'coloured (compose to a terminal)', input: '\x1b[36mone-api-1  |\x1b[0m [SYS] started', want: { service: 'one-api-1', text: '[SYS] started' } },
  ];
  for (const c of cases) it(c.name, () => expect(stripCompose(c.input)).toEqual(c.want));
});

describe('parseJsonFileLine', () => {
  it('envelope', () => {
    expect(parseJsonFileLine('{"log":"hi\\n","stream":"stderr","time":"2025-02-21T11:30:16.93802264Z"}')).toEqual({ log: 'hi\n', stream: 'stderr', time: '2025-02-21T11:30:16.93802264Z' });
  });
  it('not an envelope', () => {
    expect([parseJsonFileLine('{"ts":"x","msg":"y"}'), parseJsonFileLine('{"log":'), parseJsonFileLine('{"log":1}')]).toEqual([null, null, null]);
  });
});

describe('detectTextFormat', () => {
  const cases = [
    { name: 'json-file', input: ['{"log":"a\\n","stream":"stdout","time":"2025-02-21T11:30:16Z"}'], want: 'json-file' },
    { name: 'docker -t', input: ['2025-02-21T11:30:16.1Z a', '2025-02-21T11:30:17.1Z b', 'continuation'], want: 'docker-t' },
    { name: 'compose', input: ['one-api  | a', 'one-api  | b', 'mysql  | c'], want: 'compose' },
    { name: 'coloured compose', input: ['\x1b[36mone-api  |\x1b[0m a', '\x1b[33mmysql  |\x1b[0m b'], want: 'compose' },
    { name: 'plain One API', input: ['[SYS] 2025/02/21 - 19:30:16 | started', '[GIN] 2025/02/21 - 19:30:16 | x |  200 |'], want: 'plain' },
    { name: 'mostly plain with one prefixed line', input: ['a', 'b', '2025-02-21T11:30:16.1Z c'], want: 'plain' },
    { name: 'blank only', input: ['', ' '], want: 'plain' },
  ];
  for (const c of cases) it(c.name, () => expect(detectTextFormat(c.input)).toBe(c.want));
});

function decode(chunks: (string | Buffer)[]): Line[] {
  const out: Line[] = [];
  const d = new DetectingDecoder('f', (l) => out.push(l));
  for (const c of chunks) d.push(typeof c === 'string' ? Buffer.from(c) : c);
  d.end();
  return out;
}

describe('DetectingDecoder', () => {
  const TS = '2025-02-21T11:30:16.123456789Z';
  const cases: { name: string; input: string[]; want: Line[] }[] = [
    { name: 'plain', input: ['a\nb\n'], want: [{ source: 'f', stream: 'unknown', dockerTime: null, text: 'a' }, { source: 'f', stream: 'unknown', dockerTime: null, text: 'b' }] },
    { name: 'docker -t', input: [`${TS} a\n${TS} b\r\n`], want: [{ source: 'f', stream: 'unknown', dockerTime: TS, text: 'a' }, { source: 'f', stream: 'unknown', dockerTime: TS, text: 'b' }] },
    { name: 'compose with -t', input: [`one-api  | ${TS} a\none-api  | b\n`], want: [{ source: 'f', stream: 'unknown', dockerTime: TS, text: 'a' }, { source: 'f', stream: 'unknown', dockerTime: null, text: 'b' }] },
    {
      name: 'json-file with streams, CRLF and a 16 KB partial',
      input: [
        `{"log":"out\\r\\n","stream":"stdout","time":"${TS}"}\n`,
        `{"log":"part1-","stream":"stderr","time":"${TS}"}\n{"log":"x\\n","stream":"stdout","time":"${TS}"}\n`,
        `{"log":"part2\\n","stream":"stderr","time":"${TS}"}\n{"log":"tail-no-nl","stream":"stdout","time":"${TS}"}\n`,
      ],
      want: [
        { source: 'f', stream: 'stdout', dockerTime: TS, text: 'out' },
        { source: 'f', stream: 'stdout', dockerTime: TS, text: 'x' },
        { source: 'f', stream: 'stderr', dockerTime: TS, text: 'part1-part2' },
        { source: 'f', stream: 'stdout', dockerTime: TS, text: 'tail-no-nl' },
      ],
    },
    { name: 'a broken json-file line passes as text', input: [`{"log":"a\\n","stream":"stdout","time":"${TS}"}\n{"log":"bro\n`], want: [{ source: 'f', stream: 'stdout', dockerTime: TS, text: 'a' }, { source: 'f', stream: 'unknown', dockerTime: null, text: '{"log":"bro' }] },
    { name: 'detection sees past the first chunk', input: [TS.slice(0, 10), `${TS.slice(10)} a\n`], want: [{ source: 'f', stream: 'unknown', dockerTime: TS, text: 'a' }] },
    { name: 'empty input', input: [], want: [] },
  ];
  for (const c of cases) it(c.name, () => expect(decode(c.input)).toEqual(c.want));

  it('a saved multiplexed body is demultiplexed', () => {
    const f = (t: number, s: string) => {
      const p = Buffer.from(s);
      const h = Buffer.alloc(8);
      h[0] = t;
      h.writeUInt32BE(p.length, 4);
      return Buffer.concat([h, p]);
    };
    expect(decode([Buffer.concat([f(1, `${TS} o\n`), f(2, `${TS} e\n`)])])).toEqual([
      { source: 'f', stream: 'stdout', dockerTime: TS, text: 'o' },
      { source: 'f', stream: 'stderr', dockerTime: TS, text: 'e' },
    ]);
  });

  it('json-file: a 5 MB line in 16 KB entries is joined and capped once', () => {
    const part = 'z'.repeat(16_384);
    const entries: string[] = [];
    for (let i = 0; i < 320; i++) entries.push(`{"log":"${part}","stream":"stdout","time":"${TS}"}\n`);
    entries.push(`{"log":"end\\n","stream":"stdout","time":"${TS}"}\n{"log":"next\\n","stream":"stdout","time":"${TS}"}\n`);
    const out = decode([entries.join('')]);
    expect(out.map((l) => [l.text.length, l.oversized ?? false])).toEqual([[65_536, true], [4, false]]);
  });
});
