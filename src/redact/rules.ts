// The secret shapes goroscope redacts, as data: each rule has the regex that finds where a secret starts, how far
// the secret goes, the kind it is counted as, and the trigger literals one of which every match contains.
//
// Text is matched as latin1 (one char per byte): log bytes that are not UTF-8 keep their exact value, and UTF-8
// words (`密码`) are written below as their bytes (`u8`). Keywords are matched in any case inside a line, but a line
// is only looked at closely when a trigger literal appears in it, and triggers are case-sensitive in three casings
// (`key`, `Key`, `KEY`): V8 scans for those at several hundred MB/s, a case-insensitive trigger is 3–6× slower.

export type SecretKind =
  | 'api_key'
  | 'aws_key'
  | 'github_token'
  | 'slack_token'
  | 'jwt'
  | 'private_key'
  | 'bearer'
  | 'authorization'
  | 'cookie'
  | 'password'
  | 'secret'
  | 'env'
  | 'label'
  | 'header';

/** Where a secret was found in a line: [start, end) and its kind. */
export interface Found {
  start: number;
  end: number;
  kind: SecretKind;
}

export interface Rule {
  name: string;
  kind: SecretKind;
  /** A line the rule matches (the secret is what follows the keyword). */
  example: string;
  /** The regex source. Group 1 is the text kept before the secret; group 2, when the rule has it, is the secret. */
  source: string;
  /** Rules without group 2: where the secret ends, given the line and where it starts (the end of the match). */
  valueEnd?: (line: string, from: number, match: RegExpExecArray, base: number) => number;
  /** The kind, when it depends on the match (a field named `password` is a password). */
  kindOf?: (match: RegExpExecArray, base: number) => SecretKind;
  /** Say no to a match (e.g. a bare `key=` outside JSON); `base` is the index of the rule's group 1, minus 1. */
  accept?: (match: RegExpExecArray, base: number, line: string) => boolean;
}

/** The latin1 form of a UTF-8 string (its bytes as chars), escaped for a regex. */
export function u8(s: string): string {
  return Buffer.from(s, 'utf8')
    .toString('latin1')
    .replace(/[\x80-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

/** `key` → `[Kk][Ee][Yy]`: any casing, without the /i flag (the other rules stay case-sensitive). */
export function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))).join('');
}

/**
 * Names whose values are secrets, as the last word of a name: `password`, `DB_PASS`, `OPENAI_API_KEY`, `apiKey`,
 * `x-api-key`, `SESSION_SECRET`, `GITHUB_TOKEN`, `SQL_DSN`, `REDIS_CONN_STRING`, `private_key`.
 */
export const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'credentials',
  'credential',
  'dsn',
  'connstr',
  'conn_string',
  'connection_string',
  'auth',
];

/** Free-text names that are too common alone to mean a secret unless quoted (`{"key":"…"}` yes, `cache key=x` no). */
const BARE_ONLY_QUOTED = new Set(['key', 'pass', 'auth']);

const WORDS_SOURCE = `(?:${SECRET_WORDS.map(anyCase).join('|')})`;

/** Letters and digits of a name, and the separators inside it (`x-api-key`, `a.b_c`). */
const NAME_CHAR = 'A-Za-z0-9_.\\-';

/** Where an unquoted value ends: whitespace, a quote, or (unless it is a URL or DSN) `&,;<>)]}`. */
export function unquotedEnd(line: string, from: number): number {
  let end = from;
  while (end < line.length && !/[\s"'`]/.test(line[end]!)) end++;
  const value = line.slice(from, end);
  if (/^[A-Za-z][A-Za-z0-9+.\-]*:\/\/|@(?:tcp|unix|udp|tcp6)\(/.test(value)) return end; // a DSN keeps its `&`, `)`
  const cut = value.search(/[&,;<>)\]}]/);
  return cut === -1 ? end : from + cut;
}

/**
 * Where a quoted value ends (before its closing quote): `"a\"b"` → after `a\"b`. `\"x\"` is JSON inside a JSON
 * string: there the value ends at the next `\"` that is not itself escaped (`\\\"` is a quote inside the value).
 */
export function quotedEnd(line: string, from: number, quote: string): number {
  const escaped = quote.length === 2;
  const q = quote[quote.length - 1]!;
  let innerEscape = false;
  for (let i = from; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\n' || c === '\r') return i;
    if (c === '\\') {
      const next = line[i + 1];
      if (escaped && next === q) {
        if (!innerEscape) return i;
        innerEscape = false;
      } else innerEscape = escaped && next === '\\' ? !innerEscape : false;
      i++;
      continue;
    }
    if (c === q) return i;
    innerEscape = false;
  }
  return line.length;
}

/** The kind of a value found by its name: `DB_PASSWORD` → password, `private_key` → private_key, else secret. */
export function nameKind(name: string): SecretKind {
  const n = name.toLowerCase();
  if (/private_?key$/.test(n)) return 'private_key';
  return /(?:pass|passwd|password|passphrase|pwd)$/.test(n) ? 'password' : 'secret';
}

/** Values that say "no secret here". */
const NOT_A_VALUE = /^(?:null|nil|<nil>|none|true|false|undefined|\*+)$/i;

const URL_HOST_AFTER = String.raw`(?=@[A-Za-z0-9.\-_\[\]%]+(?::\d+)?(?:[/?#\s"'<>),;\\]|$))`;

export const RULES: Rule[] = [
  {
    name: 'private key (PEM on one line, as in a Vertex AI service-account JSON)',
    kind: 'private_key',
    example: String.raw`"private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQ…\n-----END PRIVATE KEY-----\n"`,
    source: String.raw`(-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----)((?:(?!-----END)[^"\r\n])+)`,
  },
  {
    name: 'bearer credential',
    kind: 'bearer',
    example: 'Authorization: Bearer eyJhbGciOi…',
    source: String.raw`(\b${anyCase('bearer')}\s+)([A-Za-z0-9\-._~+/:]{6,}=*)`,
  },
  {
    name: 'authorization credential other than bearer (Basic, Token, Digest, or bare)',
    kind: 'authorization',
    example: 'authorization: Basic dXNlcjpwYXNz',
    source: String.raw`((?:\b${anyCase('proxy-')})?\b${anyCase('authorization')}\\?["']?\s*[:=]\s*\\?["']?(?!${anyCase('bearer')}\s)(?:(?:${['basic', 'token', 'digest', 'negotiate', 'ntlm', 'apikey', 'key'].map(anyCase).join('|')})\s+)?)([^\s"',;}]{4,})`,
  },
  {
    name: 'cookie header',
    kind: 'cookie',
    example: 'Cookie: session=abc123; theme=dark',
    source: String.raw`(\b(?:${anyCase('set-')})?${anyCase('cookie')}\\?["']?\s*[:=]\s*\\?["']?)([^"\\\r\n]{4,})`,
  },
  {
    name: 'OpenAI, One API and Anthropic keys',
    kind: 'api_key',
    example: 'relay with sk-proj-AbCdEf0123456789XyZ0123456789ab',
    source: String.raw`()(\bsk-[A-Za-z0-9_\-]{16,})`,
  },
  {
    name: 'Google API key (also in ?key=)',
    kind: 'api_key',
    example: 'gemini channel AIzaSyA1234567890abcdefghijklmnopqrstuv',
    source: String.raw`()(AIza[0-9A-Za-z_\-]{35})`,
  },
  {
    name: 'AWS access key id',
    kind: 'aws_key',
    example: 'AKIAIOSFODNN7EXAMPLE',
    source: String.raw`()(\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b)`,
  },
  {
    name: "AWS secret key after its access key (Bedrock channel key `AK|SK|region`)",
    kind: 'aws_key',
    example: 'AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY|us-east-1',
    source: String.raw`()(?<=(?:AKIA|ASIA)[A-Z2-7]{16}[|:,\s])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])`,
  },
  {
    name: 'GitHub tokens',
    kind: 'github_token',
    example: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a, github_pat_11AB…',
    source: String.raw`()(\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}))`,
  },
  {
    name: 'Slack tokens',
    kind: 'slack_token',
    example: 'xoxb-123456789012-1234567890123-AbCdEf…',
    source: String.raw`()(\bxox[abposre]-[A-Za-z0-9\-]{10,})`,
  },
  {
    name: 'JWT',
    kind: 'jwt',
    example: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
    source: String.raw`()(\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*)`,
  },
  {
    name: 'password in a URL, whatever it holds (`/`, `@`, `+`, `=`)',
    kind: 'password',
    example: 'mysql://root:p@ss/w+rd=@db:3306/x, redis://:pw@redis:6379, mongodb+srv://u:pw@c0.example.net',
    source: String.raw`(\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@"'<>]*:)([^\s"'<>]+)${URL_HOST_AFTER}`,
  },
  {
    name: "password in a Go MySQL DSN (One API's SQL_DSN)",
    kind: 'password',
    example: 'root:p@ss/word@tcp(db:3306)/oneapi',
    source: String.raw`((?<![${NAME_CHAR}:])[${NAME_CHAR}]*:)([^\s"'<>]+)(?=@(?:tcp|unix|udp|tcp6)\()`,
  },
  {
    name: 'a value by its name: `password=`, `"api_key":"…"`, `x-api-key: …`, `SQL_DSN=…`, `--token=…`',
    kind: 'secret',
    example: '{"key":"sk-…"} password=hunter2 x-api-key: 0123abcd… AWS_SECRET_ACCESS_KEY=…',
    // group 2: the name; group 3: the quote after the name; group 4: the quote before the value
    source: String.raw`((?<![${NAME_CHAR}])([${NAME_CHAR}]{0,60}?${WORDS_SOURCE})(?![A-Za-z0-9])(\\?["'])?\s*(?:[:=]|${u8('：')})\s*(\\?["'])?)(?!\[REDACTED:)`,
    kindOf: (m, b) => nameKind(m[b + 2]!),
    accept: (m, b, line) => {
      const name = m[b + 2]!.toLowerCase().replace(/^-+/, '');
      if (!BARE_ONLY_QUOTED.has(name) || m[b + 4] !== undefined) return true;
      const before = line[m.index - 1];
      return before === '?' || before === '&'; // a query parameter: `?key=…` (Google, WeCom)
    },
    valueEnd: (line, from, m, b) => {
      const q = m[b + 4];
      return q !== undefined ? quotedEnd(line, from, q) : unquotedEnd(line, from);
    },
  },
  {
    name: 'a command-line flag and its value: `--password hunter2`, `--api-key sk-…`',
    kind: 'secret',
    example: 'mysql --password hunter2 --token abc',
    // group 2: the flag's name
    source: String.raw`((?<![${NAME_CHAR}])(--[A-Za-z0-9_\-]{0,40}?${WORDS_SOURCE})\s+)(?![-\[])`,
    kindOf: (m, b) => nameKind(m[b + 2]!),
    valueEnd: (line, from) => unquotedEnd(line, from),
  },
  {
    name: 'mysql -pPASSWORD',
    kind: 'password',
    example: 'mysqldump -uroot -ps3cret oneapi',
    source: String.raw`(\bmysql(?:dump|admin|import|sh)?\b[^\r\n]{0,200}?\s-p)([^\s"']+)`,
  },
  {
    name: 'Chinese: 密码：…, 口令=…, 密钥：…, 令牌：…',
    kind: 'password',
    example: '数据库密码：Abc123!x',
    source: `((?:${['密码', '口令', '密钥', '秘钥', '令牌', '凭证', '凭据'].map(u8).join('|')})\\s*(?:${[u8('：'), ':', '=', u8('是'), u8('为')].join('|')})\\s*)([!-~]+)`,
  },
];

/**
 * Trigger literals, in small groups: one regex per group keeps V8's fast literal search (a single regex of all of
 * them falls to ~230 MB/s). A line holding none of them cannot match any rule.
 */
const three = (w: string) => `${w}|${w[0]!.toUpperCase()}${w.slice(1)}|${w.toUpperCase()}`;
export const TRIGGER_GROUPS: string[] = [
  ['sk-', 'AIza', 'AKIA', 'ASIA', 'ABIA', 'ACCA', 'gh[pousr]_', 'github_pat_', 'xox', 'eyJ', ':\\/\\/', '@(?:tcp|unix|udp|tcp6)\\(', 'mysql', 'PRIVATE KEY'].join('|'),
  ['key', 'secret', 'token', 'pass', 'pwd'].map(three).join('|'),
  [...['auth', 'bearer', 'cookie', 'credential', 'dsn', 'connstr'].map(three), 'conn_str|CONN_STR|connection_str|CONNECTION_STR|ConnectionStr'].join('|'),
  ['密码', '口令', '密钥', '秘钥', '令牌', '凭证', '凭据'].map(u8).join('|'),
];

/** Names of env vars, labels, headers and flags whose values are secrets (any case): the words above, as the last
 * word or anywhere as a whole word (`DB_PASSWORD`, `PGPASSWORD`, `OPENAI_API_KEY`, `API_KEY_FILE`, `basicauth`). */
export function isSecretName(name: string): boolean {
  const n = name.toLowerCase();
  // Docker's `NetworkSettings.SandboxKey` (a netns path) and public keys are not secrets
  if (/^sandbox_?key$|public_?key$/.test(n)) return false;
  if (/basic_?auth|digest_?auth|conn(?:ection)?_?str/.test(n)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((w) => SECRET_WORDS.includes(w) || w === 'apikey' || w === 'privatekey' || w === 'authorization' || w === 'cookie')) return true;
  // run together: `PGPASSWORD`, `MYSQLPWD`, `APIKEY` (but not `MONKEY`)
  return SECRET_WORDS.some((w) => w !== 'key' && !w.includes('_') && n.endsWith(w)) || /(?:api|secret|access|private|master|license|signing|encryption)key$/.test(n);
}

/** Header names whose values are secrets: the secret names plus `Set-Cookie`, `Proxy-Authorization`, `X-Auth-*`. */
export function isSecretHeader(name: string): boolean {
  return isSecretName(name) || /^(?:set-cookie|cookie|proxy-authorization|www-authenticate|x-auth-.*|x-amz-security-token)$/i.test(name);
}

export function isNotAValue(v: string): boolean {
  return NOT_A_VALUE.test(v);
}
