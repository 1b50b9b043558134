import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { Redactions, StreamRedactor, redactHeaders, redactInspect } from '../../src/bundle/redact.js';

const KEY = 'sk-AbCdEf0123456789XyZ0123456789ab';
const KEY2 = 'sk-proj-ZZZZ1111222233334444';

describe('redactText', () => {
  const cases: { name: string; input: string; want: string }[] = [
    { name: 'api key', input: `key=${KEY} ok`, want: 'key=[REDACTED:api_key:1] ok' },
    { name: 'same key twice, other key', input: `${KEY} ${KEY2} ${KEY}`, want: '[REDACTED:api_key:1] [REDACTED:api_key:2] [REDACTED:api_key:1]' },
    { name: 'bearer token', input: 'Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', want: 'Bearer [REDACTED:bearer:1]' },
    { name: 'bearer sk key keeps api_key kind', input: `Authorization: Bearer ${KEY}`, want: 'Authorization: Bearer [REDACTED:api_key:1]' },
    { name: 'basic authorization', input: 'authorization: Basic dXNlcjpwYXNz', want: 'authorization: Basic [REDACTED:authorization:1]' },
    { name: 'json authorization', input: '{"Authorization":"Token abcdef123"}', want: '{"Authorization":"Token [REDACTED:authorization:1]"}' },
    { name: 'url password', input: 'dial mysql://root:hunter22@db:3306/x', want: 'dial mysql://root:[REDACTED:password:1]@db:3306/x' },
    { name: 'go dsn', input: 'SQL_DSN=oneapi:s3cretPw@tcp(db:3306)/oneapi', want: 'SQL_DSN=oneapi:[REDACTED:password:1]@tcp(db:3306)/oneapi' },
    { name: 'password=', input: 'login password=abc123 user=x', want: 'login password=[REDACTED:password:1] user=x' },
    { name: 'nothing to redact', input: '[GIN] 2025/01/01 - 12:00:00 | 200 | 1ms | GET /api/status', want: '[GIN] 2025/01/01 - 12:00:00 | 200 | 1ms | GET /api/status' },
    { name: 'short sk- word is not a key', input: 'task sk-1 done', want: 'task sk-1 done' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = new Redactions();
      expect(t.redactText(c.input, 'f')).toBe(c.want);
    });
  }

  it('counts per kind and file, never stores secrets in the report', () => {
    const t = new Redactions();
    t.redactText(`${KEY} ${KEY} Bearer abcdefgh12345`, 'logs/stdout.log');
    t.redactText(`${KEY}`, 'logs/stderr.log');
    expect(t.report()).toEqual([
      { kind: 'api_key', file: 'logs/stderr.log', count: 1 },
      { kind: 'api_key', file: 'logs/stdout.log', count: 2 },
      { kind: 'bearer', file: 'logs/stdout.log', count: 1 },
    ]);
    expect(JSON.stringify(t.report())).not.toContain('sk-');
    expect(t.distinct()).toEqual({ api_key: 1, bearer: 1 });
  });
});

describe('StreamRedactor', () => {
  const text = `2026-01-01T00:00:00.000000000Z use ${KEY} now\r\n2026-01-01T00:00:01.000000000Z \xff\xfe bytes Bearer tok_abcdefgh\n2026-01-01T00:00:02.000000000Z tail ${KEY}`;
  const input = Buffer.from(text, 'latin1');
  const want = Buffer.from(
    '2026-01-01T00:00:00.000000000Z use [REDACTED:api_key:1] now\r\n2026-01-01T00:00:01.000000000Z \xff\xfe bytes Bearer [REDACTED:bearer:1]\n2026-01-01T00:00:02.000000000Z tail [REDACTED:api_key:1]',
    'latin1',
  );
  for (const size of [1, 3, 7, 16, 64, input.length]) {
    it(`chunks of ${size} bytes give the same output, raw bytes kept`, () => {
      const t = new Redactions();
      const r = new StreamRedactor(t, 'logs/stdout.log');
      const out: Buffer[] = [];
      for (let i = 0; i < input.length; i += size) out.push(r.push(input.subarray(i, i + size)));
      out.push(r.end());
      expect(Buffer.concat(out).equals(want)).toBe(true);
      expect(t.report()).toEqual([
        { kind: 'api_key', file: 'logs/stdout.log', count: 2 },
        { kind: 'bearer', file: 'logs/stdout.log', count: 1 },
      ]);
    });
  }

  it('a line over 1 MiB without newline is cut on whitespace, secret kept whole', () => {
    const t = new Redactions();
    const r = new StreamRedactor(t, 'f');
    const big = 'x '.repeat(600_000) + KEY + ' end';
    const input = Buffer.from(big, 'latin1');
    const out: Buffer[] = [];
    for (let i = 0; i < input.length; i += 65536) out.push(r.push(input.subarray(i, i + 65536)));
    out.push(r.end());
    expect(Buffer.concat(out).toString('latin1')).toBe('x '.repeat(600_000) + '[REDACTED:api_key:1] end');
  });
});

describe('structured redaction', () => {
  it('inspect env values by name, and the same value later in logs gets the same placeholder', () => {
    const t = new Redactions();
    const inspect = {
      Name: '/one-api',
      Config: { Env: ['PATH=/usr/bin', 'SESSION_SECRET=verysecretvalue', 'SQL_DSN=root:pw1234@tcp(db:3306)/x', 'GITHUB_TOKEN=', 'openai_api_key=zz-custom-key-99'] },
    };
    const out = redactInspect(inspect, t, 'inspect.json') as typeof inspect;
    expect(out.Config.Env).toEqual([
      'PATH=/usr/bin',
      'SESSION_SECRET=[REDACTED:env:1]',
      'SQL_DSN=root:[REDACTED:password:1]@tcp(db:3306)/x',
      'GITHUB_TOKEN=',
      'openai_api_key=[REDACTED:env:2]',
    ]);
    expect(out.Name).toBe('/one-api');
    expect(t.redactText('got verysecretvalue here', 'logs/stdout.log')).toBe('got [REDACTED:env:1] here');
    expect(t.report()).toEqual([
      { kind: 'env', file: 'inspect.json', count: 2 },
      { kind: 'password', file: 'inspect.json', count: 1 },
      { kind: 'env', file: 'logs/stdout.log', count: 1 },
    ]);
  });

  it('headers: secret-named headers whole', () => {
    const t = new Redactions();
    const out = redactHeaders({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-api-key': 'abc' }, t, 'health.json');
    expect(out).toEqual({ 'content-type': 'application/json', 'set-cookie': ['[REDACTED:header:1]', '[REDACTED:header:2]'], 'x-api-key': '[REDACTED:header:3]' });
  });
});

describe('StreamRedactor: any chunking gives the same bytes as redacting the whole text', () => {
  const pieces = ['plain text ', KEY, ' Bearer abcdefgh123 ', 'Authorization: Basic dXNlcjpw ', 'mysql://u:pw99@h/x ', '\n', '\r\n', '\xff', 'password=hunter2 '];
  fcTest.prop([fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 })])(
    'same output, same counts',
    (parts, cuts) => {
      const input = Buffer.from(parts.join(''), 'latin1');
      const whole = new Redactions();
      const want = Buffer.from(whole.redactText(input.toString('latin1'), 'f'), 'latin1');
      const t = new Redactions();
      const r = new StreamRedactor(t, 'f');
      const out: Buffer[] = [];
      let i = 0;
      let k = 0;
      while (i < input.length) {
        const n = cuts[k++ % cuts.length]!;
        out.push(r.push(input.subarray(i, i + n)));
        i += n;
      }
      out.push(r.end());
      expect(Buffer.concat(out).equals(want)).toBe(true);
      expect(t.report()).toEqual(whole.report());
    },
  );
});
