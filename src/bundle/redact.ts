// Secret redaction for bundles. One `Redactions` table is shared by every file of a bundle, so the same
// secret gets the same placeholder everywhere (`[REDACTED:api_key:1]`), and it counts what it replaced per
// kind and file for `redactions.json` (never the secret itself).
//
// Log files are redacted as a stream of byte chunks (`StreamRedactor`): text is matched as latin1, which maps
// every byte to one char and back, so bytes outside the matches (invalid UTF-8, CRLF, NUL) are kept exactly.
// Secrets never contain a newline, so only the bytes after the last newline are held back between chunks.

export type SecretKind = 'api_key' | 'bearer' | 'authorization' | 'password' | 'env' | 'header';

/** One row of `redactions.json`. */
export interface RedactionCount {
  kind: SecretKind;
  file: string;
  count: number;
}

/** Env var names whose values are secrets: KEY, SECRET, TOKEN, PASSWORD (any case), e.g. `OPENAI_API_KEY`, `SESSION_SECRET`. */
export const SECRET_ENV_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD/i;

/** Header names whose values are secrets: `Authorization`, `Cookie`, `X-Api-Key`, `Proxy-Authorization`, … */
export const SECRET_HEADER_NAME = /authorization|cookie|key|secret|token|password/i;

// The patterns, one alternation so a single left-to-right pass finds the first secret at each place.
// Group numbers are fixed: each alternative captures (prefix kept)(secret replaced). Keywords are matched in
// the three usual casings (`Bearer`, `bearer`, `BEARER`) rather than with /i: the regex stays case-sensitive,
// so TRIGGER below can find candidate lines fast (V8 scans a 140 MB string for it in ~0.2 s).
const BEARER = '(?:[Bb]earer|BEARER)';
const PATTERNS: { kind: SecretKind; source: string }[] = [
  // `Authorization: Basic dXNlcjpwYXNz`, `"authorization":"Token abc"` → the credential after the scheme.
  // (Bearer credentials are left to the bearer pattern below so they get the `bearer` kind.)
  {
    kind: 'authorization',
    source: String.raw`((?:[Aa]uthorization|AUTHORIZATION)"?\s*[:=]\s*"?(?!${BEARER}\s)(?:(?:[Bb]asic|BASIC|[Tt]oken|TOKEN|[Dd]igest|DIGEST)\s+)?)([^\s",;}]{4,})`,
  },
  // `Bearer eyJhbGciOi…`, `bearer sk-abc…` (the credential; a `sk-` key keeps its api_key kind)
  { kind: 'bearer', source: String.raw`(\b${BEARER}\s+)([A-Za-z0-9\-._~+/]{8,}=*)` },
  // `sk-abcdef0123456789…`, `sk-proj-…`, `sk-ant-api03-…` (OpenAI / One API / Anthropic style keys)
  { kind: 'api_key', source: String.raw`(\b)(sk-[A-Za-z0-9_\-]{16,})` },
  // `mysql://root:hunter2@db:3306/x`, `redis://:pw@host` → the password between `:` and `@`
  { kind: 'password', source: String.raw`(\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@"']*:)([^\s@/"']+)(?=@)` },
  // Go MySQL DSN `root:hunter2@tcp(db:3306)/oneapi` (One API's SQL_DSN)
  { kind: 'password', source: String.raw`(\b[A-Za-z0-9_.\-]+:)([^\s:@/"']+)(?=@(?:tcp|unix)\()` },
  // `password=hunter2`, `pwd: hunter2`, `"password":"hunter2"`
  { kind: 'password', source: String.raw`(\b(?:[Pp]assword|PASSWORD|[Pp]asswd|PASSWD|[Pp]wd|PWD)"?\s*[:=]\s*"?)([^\s"&;,}]{3,})` },
];

const COMBINED = new RegExp(PATTERNS.map((p) => p.source).join('|'), 'g');
/** Every pattern above needs one of these in its line: a line without any is passed through untouched. */
const TRIGGER_SOURCE = String.raw`sk-|${BEARER}|[Aa]uthorization|AUTHORIZATION|:\/\/|@tcp\(|@unix\(|[Pp]assword|PASSWORD|[Pp]asswd|PASSWD|[Pp]wd|PWD`;
const API_KEY = /^sk-[A-Za-z0-9_\-]{16,}$/;

/** Literal secrets shorter than this are not searched for in the logs (too many false hits). */
const MIN_LITERAL = 6;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The bundle-wide redaction table: secret → placeholder, and counts per (kind, file). */
export class Redactions {
  private readonly placeholders = new Map<string, string>();
  private readonly perKind = new Map<SecretKind, number>();
  private readonly counts = new Map<string, RedactionCount>();
  /** Secrets learnt from structured data (inspect env, headers) that are also searched for as literals in logs. */
  private literals: string[] = [];
  private literalRe: RegExp | null = null;
  private trigger = new RegExp(TRIGGER_SOURCE, 'g');

  /** The placeholder for a secret, allocating the next number of its kind the first time. */
  placeholder(secret: string, kind: SecretKind): string {
    let p = this.placeholders.get(secret);
    if (p === undefined) {
      const k: SecretKind = API_KEY.test(secret) ? 'api_key' : kind;
      const n = (this.perKind.get(k) ?? 0) + 1;
      this.perKind.set(k, n);
      p = `[REDACTED:${k}:${n}]`;
      this.placeholders.set(secret, p);
    }
    return p;
  }

  /** Replace one secret found in `file`, counting it. */
  replace(secret: string, kind: SecretKind, file: string): string {
    const p = this.placeholder(secret, kind);
    const realKind = /^\[REDACTED:([a-z_]+):/.exec(p)![1] as SecretKind;
    const key = `${realKind}\u0000${file}`;
    const row = this.counts.get(key);
    if (row) row.count += 1;
    else this.counts.set(key, { kind: realKind, file, count: 1 });
    return p;
  }

  /** Remember a secret value (e.g. an env var's value) so later text is searched for it literally. */
  learn(secret: string, kind: SecretKind): void {
    this.placeholder(secret, kind);
    if (secret.length >= MIN_LITERAL && !this.literals.includes(secret)) {
      this.literals.push(secret);
      // longest first, so a secret that contains another is replaced whole
      this.literals.sort((a, b) => b.length - a.length);
      const lit = this.literals.map(escapeRegExp).join('|');
      this.literalRe = new RegExp(lit, 'g');
      this.trigger = new RegExp(`${TRIGGER_SOURCE}|${lit}`, 'g');
    }
  }

  /** Redact free text (latin1 or UTF-16 string). Only lines holding a trigger are looked at closely. */
  redactText(text: string, file: string): string {
    const trigger = this.trigger;
    trigger.lastIndex = 0;
    let m = trigger.exec(text);
    if (m === null) return text;
    const parts: string[] = [];
    let done = 0;
    while (m !== null) {
      const start = text.lastIndexOf('\n', m.index) + 1;
      let end = text.indexOf('\n', m.index);
      if (end === -1) end = text.length;
      if (start > done) parts.push(text.slice(done, start));
      parts.push(this.redactLine(text.slice(Math.max(start, done), end), file));
      done = end;
      trigger.lastIndex = end;
      m = trigger.exec(text);
    }
    if (done < text.length) parts.push(text.slice(done));
    return parts.join('');
  }

  /** Patterns, then learnt literals, on one line. */
  private redactLine(line: string, file: string): string {
    let out = line.replace(COMBINED, (...args: unknown[]) => {
      // args: match, g1, g2, …, offset, input
      for (let i = 0; i < PATTERNS.length; i++) {
        const prefix = args[1 + 2 * i] as string | undefined;
        const secret = args[2 + 2 * i] as string | undefined;
        if (secret !== undefined) return (prefix ?? '') + this.replace(secret, PATTERNS[i]!.kind, file);
      }
      return args[0] as string;
    });
    if (this.literalRe) out = out.replace(this.literalRe, (s) => this.replace(s, 'env', file));
    return out;
  }

  /** Rows for `redactions.json`, sorted by file then kind. */
  report(): RedactionCount[] {
    return [...this.counts.values()].sort((a, b) => a.file.localeCompare(b.file) || a.kind.localeCompare(b.kind));
  }

  /** Number of distinct secrets per kind. */
  distinct(): Partial<Record<SecretKind, number>> {
    return Object.fromEntries(this.perKind);
  }

  /** Total replacements made. */
  total(): number {
    let n = 0;
    for (const r of this.counts.values()) n += r.count;
    return n;
  }
}

/** Longest run without a newline that is held back waiting for the rest of its line. */
const MAX_HOLD = 1 << 20;
/** When a line is longer than MAX_HOLD, this much of its end stays held back (a secret is shorter than this). */
const KEEP_TAIL = 8192;

/**
 * Redacts a byte stream chunk by chunk. `push` returns the bytes that are final so far; `end` the rest.
 * The output is the same whatever the chunking of the input (secrets are matched within lines).
 */
export class StreamRedactor {
  private held: Buffer | null = null;

  constructor(
    private readonly table: Redactions,
    private readonly file: string,
  ) {}

  push(chunk: Buffer): Buffer {
    const buf = this.held ? Buffer.concat([this.held, chunk]) : chunk;
    let cut = buf.lastIndexOf(10) + 1; // after the last '\n'
    if (cut === 0 && buf.length > MAX_HOLD) cut = safeCut(buf, buf.length - KEEP_TAIL);
    if (cut === 0) {
      this.held = Buffer.from(buf); // copy: the caller may reuse its chunk
      return EMPTY;
    }
    this.held = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    return this.redact(buf.subarray(0, cut));
  }

  end(): Buffer {
    const rest = this.held;
    this.held = null;
    return rest ? this.redact(rest) : EMPTY;
  }

  private redact(bytes: Buffer): Buffer {
    const text = bytes.toString('latin1');
    const out = this.table.redactText(text, this.file);
    return out === text ? bytes : Buffer.from(out, 'latin1');
  }
}

const EMPTY = Buffer.alloc(0);

/** A cut point at or before `limit` that falls on whitespace, so no token is split (0 when none). */
function safeCut(buf: Buffer, limit: number): number {
  for (let i = limit; i > limit - KEEP_TAIL && i > 0; i--) {
    const c = buf[i - 1];
    if (c === 32 || c === 9 || c === 13) {
      // do not separate a keyword (`Bearer`, `Authorization:`) from its credential
      const before = buf.subarray(Math.max(0, i - 32), i).toString('latin1');
      if (!/(bearer|authorization"?\s*[:=]|basic|token|password"?\s*[:=])\s*$/i.test(before)) return i;
    }
  }
  return limit; // no whitespace near the end: a single huge token; cut anyway
}

/** Redact the `Config.Env` of a container inspect (values of secret-named vars) and every other string in it. */
export function redactInspect(inspect: unknown, table: Redactions, file: string): unknown {
  const env = (inspect as { Config?: { Env?: unknown } })?.Config?.Env;
  if (Array.isArray(env)) {
    for (const item of env) {
      if (typeof item !== 'string') continue;
      const eq = item.indexOf('=');
      if (eq > 0 && SECRET_ENV_NAME.test(item.slice(0, eq)) && item.length > eq + 1) table.learn(item.slice(eq + 1), 'env');
    }
  }
  return mapStrings(inspect, (s, key) => {
    if (key === 'Env') {
      const eq = s.indexOf('=');
      if (eq > 0 && SECRET_ENV_NAME.test(s.slice(0, eq)) && s.length > eq + 1) return s.slice(0, eq + 1) + table.replace(s.slice(eq + 1), 'env', file);
    }
    return table.redactText(s, file);
  });
}

/** Redact a headers object: values of secret-named headers whole, the others by pattern. */
export function redactHeaders(headers: Record<string, unknown>, table: Redactions, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_HEADER_NAME.test(name)) {
      out[name] = Array.isArray(value)
        ? value.map((v) => table.replace(String(v), 'header', file))
        : value === undefined || value === null || value === ''
          ? value
          : table.replace(String(value), 'header', file);
    } else {
      out[name] = mapStrings(value, (s) => table.redactText(s, file));
    }
  }
  return out;
}

/** Apply `f` to every string in a JSON value; `key` is the name of the array/object member holding it. */
export function mapStrings(value: unknown, f: (s: string, key: string | undefined) => string, key?: string): unknown {
  if (typeof value === 'string') return f(value, key);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, f, k);
    return out;
  }
  return value;
}
