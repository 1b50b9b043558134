import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { Redactions, StreamRedactor, redactDockerEvents, redactHeaders, redactInspect, redactValue } from '../../src/redact/index.js';
import { RULES, isSecretName } from '../../src/redact/rules.js';
import { ALL_SHAPES, NON_UTF8, SECRET_ENV_NAMES, SHAPES, distinct, type Planted } from '../helpers/secrets.js';

const KEY = 'sk-AbCdEf0123456789XyZ0123456789ab';
const KEY2 = 'sk-proj-ZZZZ1111222233334444';
const l1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

describe('rules', () => {
  for (const r of RULES) {
    it(`its example is redacted: ${r.name}`, () => {
      const t = new Redactions();
      const ex = l1(r.example);
      expect(t.redactText(ex, 'f')).not.toBe(ex);
    });
  }
});

describe('redactText', () => {
  const cases: { name: string; input: string; want: string }[] = [
    { name: 'api key', input: `key=${KEY} ok`, want: 'key=[REDACTED:api_key:1] ok' },
    { name: 'same key twice, other key', input: `${KEY} ${KEY2} ${KEY}`, want: '[REDACTED:api_key:1] [REDACTED:api_key:2] [REDACTED:api_key:1]' },
    { name: 'bearer token', input: 'Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', want: 'Bearer [REDACTED:bearer:1]' },
    { name: 'bearer sk key keeps api_key kind', input: `Authorization: Bearer ${KEY}`, want: 'Authorization: Bearer [REDACTED:api_key:1]' },
    { name: 'basic authorization', input: 'authorization: Basic dXNlcjpwYXNz', want: 'authorization: Basic [REDACTED:authorization:1]' },
    { name: 'json authorization', input: '{"Authorization":"Token abcdef123"}', want: '{"Authorization":"Token [REDACTED:authorization:1]"}' },
    { name: 'url password with / @ + =', input: 'dial mysql://root:p@ss/w+rd=@db:3306/x', want: 'dial mysql://root:[REDACTED:password:1]@db:3306/x' },
    { name: 'redis password only', input: 'redis://:pa$$w0rd@redis:6379', want: 'redis://:[REDACTED:password:1]@redis:6379' },
    { name: 'go dsn with @ and / in the password', input: 'open root:p@ss/w@rd@tcp(db:3306)/oneapi ok', want: 'open root:[REDACTED:password:1]@tcp(db:3306)/oneapi ok' },
    { name: 'DSN by name: the whole value', input: 'SQL_DSN=oneapi:s3cretPw@tcp(db:3306)/oneapi', want: 'SQL_DSN=[REDACTED:secret:1]' },
    { name: 'password=', input: 'login password=abc123 user=x', want: 'login password=[REDACTED:password:1] user=x' },
    { name: 'json key field, not a bare cache key', input: '{"key":"abc-123"} cache key=foo', want: '{"key":"[REDACTED:secret:1]"} cache key=foo' },
    { name: 'escaped JSON in a JSON log line', input: String.raw`{"msg":"body {\"password\":\"pw\\\"9x\"} sent"}`, want: String.raw`{"msg":"body {\"password\":\"[REDACTED:password:1]\"} sent"}` },
    { name: 'query key', input: 'GET /cgi-bin/webhook/send?key=693axxx6-7aoc&debug=1', want: 'GET /cgi-bin/webhook/send?key=[REDACTED:secret:1]&debug=1' },
    { name: 'azure api-key header', input: 'api-key: 0123456789abcdef0123456789abcdef', want: 'api-key: [REDACTED:secret:1]' },
    { name: 'cookie header', input: 'Cookie: session=abc123; theme=dark', want: 'Cookie: [REDACTED:cookie:1]' },
    { name: 'bedrock AK|SK|region', input: 'AKIAABCDEFGHIJKLMNOP|abcdefghijABCDEFGHIJ0123456789/+abcdefgh|us-east-1', want: '[REDACTED:aws_key:1]|[REDACTED:aws_key:2]|us-east-1' },
    { name: 'vertex private key in JSON', input: String.raw`{"private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQabc\n-----END PRIVATE KEY-----\n","x":1}`, want: '{"private_key":"[REDACTED:private_key:1]","x":1}' },
    { name: 'PEM outside a named field', input: String.raw`key material -----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----`, want: 'key material -----BEGIN RSA PRIVATE KEY-----[REDACTED:private_key:1]-----END RSA PRIVATE KEY-----' },
    { name: 'mysql -p', input: 'mysql -uroot -phunter2 oneapi', want: 'mysql -uroot -p[REDACTED:password:1] oneapi' },
    { name: 'flags with a space', input: 'run --password hunter2 --api-key abcdef', want: 'run --password [REDACTED:password:1] --api-key [REDACTED:secret:1]' },
    { name: 'Chinese sentence', input: l1('数据库密码：Abc123!x，请勿外传'), want: l1('数据库密码：[REDACTED:password:1]，请勿外传') },
    { name: 'non-UTF-8 bytes kept', input: '\xff\xfe password=hunter22 \x00end', want: '\xff\xfe password=[REDACTED:password:1] \x00end' },
    { name: 'placeholders are not redacted again', input: 'already [REDACTED:api_key:1] and password=[REDACTED:password:2]', want: 'already [REDACTED:api_key:1] and password=[REDACTED:password:2]' },
    { name: 'nothing to redact', input: '[GIN] 2025/01/01 - 12:00:00 | 200 | 1ms | GET /api/status', want: '[GIN] 2025/01/01 - 12:00:00 | 200 | 1ms | GET /api/status' },
    { name: 'short sk- word is not a key', input: 'task sk-1 done', want: 'task sk-1 done' },
    { name: 'token counts and names stay', input: 'promptTokens=360, completionTokens=101, tokenName=default, max_tokens=4096', want: 'promptTokens=360, completionTokens=101, tokenName=default, max_tokens=4096' },
    { name: 'a request id, a hash, a model', input: 'request_id=2026030208011866597607374335515 sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 model=claude-3-5-sonnet-20241022', want: 'request_id=2026030208011866597607374335515 sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 model=claude-3-5-sonnet-20241022' },
    { name: 'prose with the words', input: 'key disable notification listener started; token bucket refilled; auth: ok', want: 'key disable notification listener started; token bucket refilled; auth: ok' },
    { name: 'null values are not secrets', input: '{"token":null,"password":""} key: none', want: '{"token":null,"password":""} key: none' },
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

/** Redact one planted line; what must hold of every shape. */
function check(p: Planted, out: string, t: Redactions, file = 'f') {
  for (const s of p.secrets) expect({ shape: p.shape, leaked: out.includes(l1(s.value)) }).toEqual({ shape: p.shape, leaked: false });
  const want = new Map<string, number>();
  for (const s of p.secrets) want.set(s.kind, (want.get(s.kind) ?? 0) + 1);
  expect({ shape: p.shape, counts: t.report().filter((r) => r.file === file).map((r) => [r.kind, r.count]) }).toEqual({ shape: p.shape, counts: [...want].sort((a, b) => a[0].localeCompare(b[0])) });
}

describe('every shape of secret, with random values', () => {
  for (const [name, arb] of Object.entries({ ...SHAPES, nonUtf8: NON_UTF8 })) {
    fcTest.prop([arb], { numRuns: 60 })(`${name}: gone, counted once per secret, redacting again changes nothing`, (p) => {
      const t = new Redactions();
      const out = t.redactText(l1(p.text), 'f');
      check(p, out, t);
      expect(t.redactText(out, 'f')).toBe(out);
    });
  }

  fcTest.prop([ALL_SHAPES], { numRuns: 30 })('all shapes in one text, as a JS string (alerts, JSON fields)', (all) => {
    fc.pre(distinct(all));
    const t = new Redactions();
    const text = all.map((p) => p.text).join('\n');
    const out = t.redactString(utf8(l1(text)), 'f');
    for (const p of all) for (const s of p.secrets) expect(out.includes(s.value)).toBe(false);
  });
});

/** `docker logs -t` of a long line: Docker's 16 KB parts, each with the first part's timestamp. */
function dockerParts(ts: string, message: string): Buffer[] {
  const bytes = Buffer.from(`${message}\n`, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 16384) out.push(Buffer.concat([Buffer.from(`${ts} `), bytes.subarray(i, i + 16384)]));
  return out;
}

describe('a secret cut by Docker at 16 KB', () => {
  const TS = '2026-11-26T12:37:49.450722864Z';
  fcTest.prop([fc.constantFrom(...Object.values(SHAPES)).chain((a) => a), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 3 })], { numRuns: 150 })(
    'is redacted in the re-joined message; every timestamp at a cut is kept',
    (p, back, frames) => {
      // the secret's line text starts `back` bytes before the 16 KB cut (so the cut falls inside it)
      const text = l1(p.text);
      const first = p.secrets[0]!;
      const inText = text.indexOf(l1(first.value));
      const pad = Math.max(0, 16384 - inText - back - 1);
      const message = `${'x'.repeat(pad)} ${text} ${'y'.repeat(frames > 1 ? 16384 * (frames - 1) : 10)}`;
      const parts = dockerParts(TS, message);
      const t = new Redactions();
      const r = new StreamRedactor(t, 'logs/stdout.log');
      const out = Buffer.concat([...parts.map((b) => r.push(b)), r.end()]).toString('latin1');
      for (const s of p.secrets) expect(out.includes(l1(s.value))).toBe(false);
      // the timestamps: one at the start and one at each cut, untouched
      expect(out.split(`${TS} `).length - 1).toBe(parts.length);
      expect(out.startsWith(`${TS} `)).toBe(true);
      // re-joined as readers do (the copies removed), it is the redaction of the whole message
      const joined = out.slice(31).split(`${TS} `).join('');
      const whole = new Redactions();
      expect(joined).toBe(whole.redactText(`${message}\n`, 'logs/stdout.log'));
      expect(t.report()).toEqual(whole.report());
    },
  );
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

describe('StreamRedactor: any chunking gives the same bytes as redacting the whole text', () => {
  const pieces = ['plain text ', KEY, ' Bearer abcdefgh123 ', 'Authorization: Basic dXNlcjpw ', 'mysql://u:pw99@h/x ', '\n', '\r\n', '\xff', 'password=hunter2 ', l1('密码：abc123x '), '{"key":"k1234"} '];
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

describe('names whose values are secrets', () => {
  const cases: { input: string; want: boolean }[] = [
    ...SECRET_ENV_NAMES.map((input) => ({ input, want: true })),
    { input: 'PGPASSWORD', want: true },
    { input: 'traefik.http.middlewares.auth.basicauth.users', want: true },
    { input: 'caddy.basic_auth.admin', want: true },
    { input: 'x-api-key', want: true },
    { input: 'PATH', want: false },
    { input: 'KEYCLOAK_URL', want: false },
    { input: 'MONKEY', want: false },
    { input: 'SandboxKey', want: false },
    { input: 'org.opencontainers.image.authors', want: false },
    { input: 'MAX_TOKENS', want: false },
    { input: 'TZ', want: false },
    { input: 'com.docker.compose.project', want: false },
  ];
  for (const c of cases) it(`${c.input}: ${c.want}`, () => expect(isSecretName(c.input)).toBe(c.want));
});

describe('structured redaction', () => {
  it('inspect: env and labels by name (short values too), the command line, and the same values later in logs', () => {
    const t = new Redactions();
    const inspect = {
      Name: '/one-api',
      Path: '/one-api',
      Args: ['--port', '3000', '--password', 'pw5', '--log-dir', '/logs'],
      Config: {
        Env: ['PATH=/usr/bin', 'SESSION_SECRET=verysecretvalue', 'SQL_DSN=root:pw1234@tcp(db:3306)/x', 'GITHUB_TOKEN=', 'DB_PASS=abc', 'openai_api_key=zz-custom-key-99'],
        Cmd: ['--port', '3000', '--password', 'pw5', '--log-dir', '/logs'],
        Labels: { 'traefik.http.middlewares.a.basicauth.users': 'admin:$$apr1$$H6uskkkW$$IgXLP6ewTrSuBkTrqE8wj/', 'com.docker.compose.service': 'one-api' },
      },
    };
    const out = redactInspect(inspect, t, 'inspect.json') as typeof inspect;
    expect(out.Config.Env).toEqual([
      'PATH=/usr/bin',
      'SESSION_SECRET=[REDACTED:env:1]',
      'SQL_DSN=[REDACTED:env:2]',
      'GITHUB_TOKEN=',
      'DB_PASS=[REDACTED:env:3]',
      'openai_api_key=[REDACTED:env:4]',
    ]);
    expect(out.Args).toEqual(['--port', '3000', '--password', '[REDACTED:password:1]', '--log-dir', '/logs']);
    expect(out.Config.Cmd).toEqual(out.Args);
    expect(out.Config.Labels).toEqual({ 'traefik.http.middlewares.a.basicauth.users': '[REDACTED:label:1]', 'com.docker.compose.service': 'one-api' });
    expect(out.Name).toBe('/one-api');
    expect(t.redactText('got verysecretvalue here', 'logs/stdout.log')).toBe('got [REDACTED:env:1] here');
    expect(t.report()).toEqual([
      { kind: 'env', file: 'inspect.json', count: 4 },
      { kind: 'label', file: 'inspect.json', count: 1 },
      { kind: 'password', file: 'inspect.json', count: 2 },
      { kind: 'env', file: 'logs/stdout.log', count: 1 },
    ]);
  });

  it('docker events: labels in the attributes by name, exec_create command lines by the text rules', () => {
    const t = new Redactions();
    const events = [
      { status: 'exec_create: sh -c mysql --password hunter22', Action: 'exec_create: sh -c mysql --password hunter22', Actor: { ID: 'abc', Attributes: { execID: 'e1', 'caddy.basicauth.admin': 'JDJhJDE0JE', image: 'one-api' } } },
    ];
    expect(redactDockerEvents(events, t, 'docker-events.json')).toEqual([
      { status: 'exec_create: sh -c mysql --password [REDACTED:password:1]', Action: 'exec_create: sh -c mysql --password [REDACTED:password:1]', Actor: { ID: 'abc', Attributes: { execID: 'e1', 'caddy.basicauth.admin': '[REDACTED:label:1]', image: 'one-api' } } },
    ]);
  });

  it('headers: secret-named headers whole', () => {
    const t = new Redactions();
    const out = redactHeaders({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-api-key': 'abc' }, t, 'health.json');
    expect(out).toEqual({ 'content-type': 'application/json', 'set-cookie': ['[REDACTED:header:1]', '[REDACTED:header:2]'], 'x-api-key': '[REDACTED:header:3]' });
  });

  it('JSON values: fields by name, other strings by the text rules', () => {
    const t = new Redactions();
    expect(redactValue({ status: 'ok', key: 'k-1', nested: [{ password: 'p' }], note: `uses ${KEY}` }, t, 'health.json')).toEqual({
      status: 'ok',
      key: '[REDACTED:secret:1]',
      nested: [{ password: '[REDACTED:password:1]' }],
      note: 'uses [REDACTED:api_key:1]',
    });
  });
});

describe('false positives on the shipped sample (fixtures/sample/one-api-week.log)', () => {
  it('a week of One API logs without secrets comes out byte for byte (request ids, hashes, model names, token counts readable)', () => {
    const text = readFileSync(new URL('../../fixtures/sample/one-api-week.log', import.meta.url)).toString('latin1');
    const t = new Redactions();
    expect({ same: t.redactText(text, 'f') === text, report: t.report() }).toEqual({ same: true, report: [] });
  });
});
