// Random secrets of every shape goroscope must redact, in the text that carries them (a log line, a header, a
// JSON field, a DSN), for the property tests of the redactor, of bundles and of alerts. Each planted value is what
// must never be found afterwards; `kind` is the kind `redactions.json` must count it as.
import { fc } from '@fast-check/vitest';
import type { SecretKind } from '../../src/redact/index.js';

export interface Planted {
  shape: string;
  /** The text that carries the secrets (one line, no newline). */
  text: string;
  /** The random values that must disappear, each with the kind it is counted as. */
  secrets: { value: string; kind: SecretKind }[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const str = (chars: string, min: number, max = min) => fc.string({ unit: fc.constantFrom(...chars), minLength: min, maxLength: max });
const alnum = (min: number, max = min) => str(ALNUM, min, max);
const hex = (n: number) => str('0123456789abcdef', n);
const b32 = (n: number) => str('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', n);
/** Passwords as people and generators make them: any of `/ @ + = ! $ % * ~ -`, base64. */
const password = str(`${ALNUM}/@+=!$%*~-_.`, 8, 24);
/** A value whose end is not ambiguous without quotes (no `&,;)]}`). */
const plain = str(`${ALNUM}/+=!$%*~-_.@:`, 8, 30);
const base64 = fc.uint8Array({ minLength: 12, maxLength: 40 }).map((b) => Buffer.from(b).toString('base64'));
/** Guards against a random value that is all digits or a word goroscope leaves alone (`true`, `null`). */
const notTrivial = (s: string) => /[A-Za-z]/.test(s) && /[0-9]/.test(s);
/**
 * A user name that does not hold the password (fast-check likes `toString` for both): the user stays in the text, so
 * a password inside it would be read as a leak.
 */
const userApart = ([u, p]: [string, string]) => !u.includes(p);

const one = (shape: string, text: string, value: string, kind: SecretKind): Planted => ({ shape, text, secrets: [{ value, kind }] });

/** Every shape of issue 13, as a log line. */
export const SHAPES: Record<string, fc.Arbitrary<Planted>> = {
  openai: alnum(48).map((v) => one('openai', `relay with key sk-${v}`, `sk-${v}`, 'api_key')),
  openaiProject: str(`${ALNUM}_-`, 60, 120).map((v) => one('openaiProject', `using sk-proj-${v} for the request`, `sk-proj-${v}`, 'api_key')),
  anthropic: str(`${ALNUM}_-`, 93).map((v) => one('anthropic', `x-api-version ok, key sk-ant-api03-${v}AA`, `sk-ant-api03-${v}AA`, 'api_key')),
  azure: hex(32).map((v) => one('azure', `POST /openai/deployments/gpt-4o/chat/completions api-key: ${v}`, v, 'secret')),
  google: str(`${ALNUM}_-`, 35).map((v) => one('google', `GET https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:generateContent?key=AIza${v}`, `AIza${v}`, 'api_key')),
  googleAlone: str(`${ALNUM}_-`, 35).map((v) => one('googleAlone', `gemini channel AIza${v} failed`, `AIza${v}`, 'api_key')),
  awsKey: b32(16).map((v) => one('awsKey', `using access key AKIA${v} in us-east-1`, `AKIA${v}`, 'aws_key')),
  awsSecret: str(`${ALNUM}/+`, 40).filter(notTrivial).map((v) => one('awsSecret', `aws_secret_access_key=${v}`, v, 'secret')),
  bedrock: fc.tuple(b32(16), str(`${ALNUM}/+`, 40)).map(([a, s]) => ({ shape: 'bedrock', text: `channel 31 key AKIA${a}|${s}|us-west-2`, secrets: [{ value: `AKIA${a}`, kind: 'aws_key' as const }, { value: s, kind: 'aws_key' as const }] })),
  github: alnum(36).map((v) => one('github', `git clone with ghp_${v}`, `ghp_${v}`, 'github_token')),
  githubPat: str(`${ALNUM}_`, 82).map((v) => one('githubPat', `GITHUB token github_pat_${v} expired`, `github_pat_${v}`, 'github_token')),
  slack: fc.tuple(str('0123456789', 11), str('0123456789', 13), alnum(24)).map(([a, b, c]) => one('slack', `slack notify xoxb-${a}-${b}-${c}`, `xoxb-${a}-${b}-${c}`, 'slack_token')),
  jwt: fc.tuple(str(`${ALNUM}_-`, 10, 30), str(`${ALNUM}_-`, 10, 60), str(`${ALNUM}_-`, 20, 43)).map(([h, p, s]) => one('jwt', `session eyJ${h}.eyJ${p}.${s} refreshed`, `eyJ${h}.eyJ${p}.${s}`, 'jwt')),
  vertex: str(`${ALNUM}+/`, 64, 200).map((v) => one('vertex', String.raw`channel update {"type":"service_account","project_id":"p","private_key":"-----BEGIN PRIVATE KEY-----\nMIIE${v}\n-----END PRIVATE KEY-----\n","client_email":"sa@p.iam.gserviceaccount.com"}`, `MIIE${v}`, 'private_key')),
  bearer: str(`${ALNUM}-._~+/`, 12, 60).filter(notTrivial).map((v) => one('bearer', `upstream request Authorization: Bearer ${v}`, v, 'bearer')),
  basic: fc.tuple(alnum(4, 10), password).filter(userApart).map(([u, p]) => {
    const cred = Buffer.from(`${u}:${p}`).toString('base64');
    return one('basic', `proxy sent authorization: Basic ${cred}`, cred, 'authorization');
  }),
  xApiKey: plain.filter(notTrivial).map((v) => one('xApiKey', `anthropic request x-api-key: ${v}`, v, 'secret')),
  cookie: alnum(16, 40).map((v) => one('cookie', `GET /api/user/self Cookie: session=${v}; lang=zh`, v, 'cookie')),
  jsonKey: str(`${ALNUM}-_|:/+=`, 8, 60).filter(notTrivial).map((v) => one('jsonKey', `PUT /api/channel/ body {"id":5,"key":"${v}","name":"c5"}`, v, 'secret')),
  jsonFields: fc.tuple(fc.constantFrom('api_key', 'apikey', 'secret', 'token', 'password', 'private_key', 'access_token'), str(`${ALNUM}-_/+=@!`, 8, 40).filter(notTrivial)).map(([f, v]) =>
    one('jsonFields', `config {"${f}": "${v}", "model":"gpt-4o"}`, v, f === 'password' ? 'password' : f === 'private_key' ? 'private_key' : 'secret'),
  ),
  goDsn: fc.tuple(alnum(3, 8), password).filter(userApart).map(([u, p]) => one('goDsn', `connecting ${u}:${p}@tcp(mysql.internal:3306)/oneapi?charset=utf8mb4&parseTime=True`, p, 'password')),
  postgres: fc.tuple(alnum(3, 8), password).filter(userApart).map(([u, p]) => one('postgres', `db postgres://${u}:${p}@pg.internal:5432/oneapi?sslmode=disable`, p, 'password')),
  mysqlUrl: fc.tuple(alnum(3, 8), base64).filter(userApart).map(([u, p]) => one('mysqlUrl', `open mysql://${u}:${p}@db:3306/oneapi failed`, p, 'password')),
  redis: password.map((p) => one('redis', `redis: connecting to redis://:${p}@redis:6379/0`, p, 'password')),
  mongo: fc.tuple(alnum(3, 8), password).filter(userApart).map(([u, p]) => one('mongo', `mongo uri mongodb+srv://${u}:${p}@cluster0.ab1cd.mongodb.net/logs`, p, 'password')),
  httpsUserinfo: fc.tuple(alnum(3, 8), password).filter(userApart).map(([u, p]) => one('httpsUserinfo', `proxy https://${u}:${p}@proxy.example.com:8443/ in use`, p, 'password')),
  passwordField: plain.filter(notTrivial).map((v) => one('passwordField', `login failed password=${v} user=admin`, v, 'password')),
  chinese: str(`${ALNUM}!#$%^*-_+=.`, 8, 20).filter(notTrivial).map((v) => one('chinese', `数据库密码：${v}，请妥善保管`, v, 'password')),
  cliFlag: plain.filter((v) => notTrivial(v) && !v.startsWith('-')).map((v) => one('cliFlag', `exec mysqldump --password ${v} oneapi`, v, 'password')),
};

/** A non-UTF-8 line carrying a secret: bytes 0xff 0xfe (as latin1 chars) before it. */
export const NON_UTF8: fc.Arbitrary<Planted> = plain.filter(notTrivial).map((v) => one('nonUtf8', `\xff\xfe bad bytes then token=${v} end`, v, 'secret'));

/** Every shape at once (one random value each). */
export const ALL_SHAPES: fc.Arbitrary<Planted[]> = fc.tuple(...Object.values(SHAPES));

/** Env var names whose values must be redacted whatever they hold (values under 6 characters too). */
export const SECRET_ENV_NAMES = ['OPENAI_API_KEY', 'SESSION_SECRET', 'GITHUB_TOKEN', 'DB_PASS', 'MYSQL_PASSWD', 'MYSQL_ROOT_PASSWORD', 'PGPWD', 'GCP_CREDENTIALS', 'AWS_CREDENTIAL', 'PROXY_AUTH', 'SQL_DSN', 'REDIS_CONN_STRING', 'apiKey'];

/** No planted value appears in the text around another one (random values that collide would look like leaks). */
export function distinct(all: Planted[]): boolean {
  const values = all.flatMap((p) => p.secrets.map((s) => s.value));
  const around = all.map((p) => p.secrets.reduce((t, s) => t.split(s.value).join('\u0000'), p.text)).join('\n');
  return values.every((v) => !around.includes(v) && values.filter((w) => w !== v && w.includes(v)).length === 0);
}
