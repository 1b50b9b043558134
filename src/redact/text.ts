// The one redactor for every text that leaves the machine: bundle files (logs, inspect, Docker events, health,
// pprof, manifest, summaries) and alert bodies. A `Redactions` table is shared by every file of one bundle, so the
// same secret gets the same placeholder everywhere (`[REDACTED:api_key:1]`); it counts what it replaced per kind and
// file for `redactions.json`, never keeping a secret in the report.
//
// Text is matched as latin1 (see rules.ts), so log bytes keep their exact value outside the secrets. Log files are
// redacted as a stream of byte chunks (`StreamRedactor`): secrets never hold a newline, so only the bytes after the
// last newline wait for more. A line Docker cut into 16 KB parts carries copies of its timestamp at the cuts: those
// are taken out, the re-joined message is redacted, and the timestamps are put back where they were.
import { DOCKER_API_TS_LEN, isDockerApiTs } from '../time.js';
import { RULES, TRIGGER_GROUPS, isNotAValue, type Found, type SecretKind } from './rules.js';

/** One row of `redactions.json`. */
export interface RedactionCount {
  kind: SecretKind;
  file: string;
  count: number;
}

/** Literal secrets shorter than this are not searched for in free text (too many false hits). */
export const MIN_LITERAL = 6;

const PLACEHOLDER = '[REDACTED:';

/** A secret whose own shape says what it is keeps that kind, whichever rule found it (an env var holding `sk-…`). */
const SHAPES: [RegExp, SecretKind][] = [
  [/^sk-[A-Za-z0-9_-]{16,}$/, 'api_key'],
  [/^AIza[0-9A-Za-z_-]{35}$/, 'api_key'],
  [/^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}$/, 'aws_key'],
  [/^(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{22,}$/, 'github_token'],
  [/^xox[abposre]-[A-Za-z0-9-]{10,}$/, 'slack_token'],
  [/^eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*$/, 'jwt'],
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Group counts, so each rule's groups can be found in the combined regex. */
function groupCount(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

const RULE_BASES: number[] = [];
{
  let b = 0;
  for (const r of RULES) {
    RULE_BASES.push(b);
    b += groupCount(r.source);
  }
}
const RULES_SOURCE = RULES.map((r) => r.source).join('|');
const TRIGGERS = TRIGGER_GROUPS.map((g) => new RegExp(g, 'g'));

/** Docker cuts messages after 16 KB: only lines longer than that can hold a copy of their timestamp. */
const PART_BYTES = 16 * 1024;

/** The latin1 form of a JS string (its UTF-8 bytes as chars). */
function toLatin1(s: string): string {
  return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'utf8').toString('latin1');
}

export class Redactions {
  private readonly placeholders = new Map<string, string>();
  private readonly perKind = new Map<SecretKind, number>();
  private readonly counts = new Map<string, RedactionCount>();
  private literals: string[] = [];
  private combined = new RegExp(RULES_SOURCE, 'g');
  private literalTrigger: RegExp | null = null;
  private literalBase = -1;

  /** The placeholder for a secret (latin1 form), allocating the next number of its kind the first time. */
  placeholder(secret: string, kind: SecretKind): string {
    let p = this.placeholders.get(secret);
    if (p === undefined) {
      const k = SHAPES.find(([re]) => re.test(secret))?.[1] ?? kind;
      const n = (this.perKind.get(k) ?? 0) + 1;
      this.perKind.set(k, n);
      p = `${PLACEHOLDER}${k}:${n}]`;
      this.placeholders.set(secret, p);
    }
    return p;
  }

  /** Replace one secret (latin1 form) found in `file`, counting it. */
  replace(secret: string, kind: SecretKind, file: string): string {
    const p = this.placeholder(secret, kind);
    const realKind = p.slice(PLACEHOLDER.length, p.indexOf(':', PLACEHOLDER.length)) as SecretKind;
    const key = `${realKind}\u0000${file}`;
    const row = this.counts.get(key);
    if (row) row.count += 1;
    else this.counts.set(key, { kind: realKind, file, count: 1 });
    return p;
  }

  /** Replace a whole value known to be a secret (a JS string: env value, header, label), counting it; learn it. */
  replaceValue(value: string, kind: SecretKind, file: string): string {
    const l1 = toLatin1(value);
    this.learn(value, kind);
    return this.replace(l1, kind, file);
  }

  /** Remember a secret value (a JS string) so later text is searched for it literally. */
  learn(secret: string, kind: SecretKind): void {
    const l1 = toLatin1(secret);
    this.placeholder(l1, kind);
    if (l1.length < MIN_LITERAL || this.literals.includes(l1)) return;
    this.literals.push(l1);
    this.literals.sort((a, b) => b.length - a.length); // longest first: a secret holding another is replaced whole
    const lit = this.literals.map(escapeRegExp).join('|');
    this.literalBase = RULE_BASES.length === 0 ? 0 : groupCount(RULES_SOURCE);
    this.combined = new RegExp(`${RULES_SOURCE}|()(${lit})`, 'g');
    this.literalTrigger = new RegExp(lit, 'g');
  }

  /** The secrets in one line (latin1), left to right, not overlapping, none inside a placeholder. */
  find(line: string): Found[] {
    const out: Found[] = [];
    const inPlaceholder = placeholderSpans(line);
    const re = this.combined;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) {
      const at = m.index;
      let next = at + 1;
      let rule = -1;
      for (let i = 0; i < RULES.length; i++) {
        if (m[RULE_BASES[i]! + 1] !== undefined) {
          rule = i;
          break;
        }
      }
      let start: number;
      let end: number;
      let kind: SecretKind;
      if (rule === -1) {
        // a learned literal: its placeholder exists already, the kind does not matter here
        const lit = m[this.literalBase + 2]!;
        start = at;
        end = at + lit.length;
        kind = 'env';
      } else {
        const r = RULES[rule]!;
        const b = RULE_BASES[rule]!;
        kind = r.kindOf ? r.kindOf(m, b) : r.kind;
        if (r.valueEnd) {
          start = at + m[0].length;
          end = r.valueEnd(line, start, m, b);
        } else {
          start = at + m[b + 1]!.length;
          end = start + m[b + 2]!.length;
        }
        if (r.accept && !r.accept(m, b, line)) end = start;
      }
      if (end > start && !inPlaceholder(start)) {
        const value = line.slice(start, end);
        if (!value.includes(PLACEHOLDER) && !isNotAValue(value)) {
          out.push({ start, end, kind });
          next = end;
        }
      }
      re.lastIndex = Math.max(next, at + 1);
    }
    return out;
  }

  /** Redact one line (latin1), counting in `file`. */
  redactLine(line: string, file: string): string {
    if (line.length > PART_BYTES + DOCKER_API_TS_LEN && isDockerApiTs(line)) return this.redactCutLine(line, file);
    const found = this.find(line);
    if (found.length === 0) return line;
    let out = '';
    let pos = 0;
    for (const f of found) {
      out += line.slice(pos, f.start) + this.replace(line.slice(f.start, f.end), f.kind, file);
      pos = f.end;
    }
    return out + line.slice(pos);
  }

  /**
   * A line of `docker logs -t` text longer than 16 KB: Docker may have cut its message, and every part starts with
   * a copy of the first part's timestamp. The parts are joined, the message is redacted, and the timestamps go back
   * at the cuts untouched; a secret that spans a cut is replaced where it starts and its rest is dropped.
   */
  private redactCutLine(line: string, file: string): string {
    const ts = line.slice(0, DOCKER_API_TS_LEN);
    const parts: string[] = [];
    let from = DOCKER_API_TS_LEN;
    for (;;) {
      const i = line.indexOf(ts, from);
      if (i === -1) break;
      parts.push(line.slice(from, i));
      from = i + DOCKER_API_TS_LEN;
    }
    parts.push(line.slice(from));
    if (parts.length === 1) {
      const found = this.find(line);
      return found.length === 0 ? line : applyFound(line, found, (f) => this.replace(line.slice(f.start, f.end), f.kind, file));
    }
    const joined = parts.join('');
    const found = this.find(joined);
    if (found.length === 0) return line;
    const placeholders = found.map((f) => this.replace(joined.slice(f.start, f.end), f.kind, file));
    let out = ts;
    let a = 0;
    let fi = 0;
    parts.forEach((part, k) => {
      const b = a + part.length;
      if (k > 0) out += ts;
      let pos = a;
      while (fi < found.length && found[fi]!.start < b) {
        const f = found[fi]!;
        if (f.start >= pos) {
          out += joined.slice(pos, f.start) + placeholders[fi]!;
        }
        pos = Math.max(pos, Math.min(f.end, b));
        if (f.end > b) break; // the rest of this secret is in the next part
        fi++;
      }
      out += joined.slice(pos, b);
      a = b;
    });
    return out;
  }

  /**
   * The index of the next trigger at or after `from`, or -1. `next` caches each trigger regex's next hit for this
   * text, so a long text is scanned once per regex, not once per line.
   */
  private triggered(text: string, from: number, next: number[]): number {
    const regexes = this.literalTrigger ? [...TRIGGERS, this.literalTrigger] : TRIGGERS;
    let first = -1;
    for (let i = 0; i < regexes.length; i++) {
      let at = next[i] ?? -2;
      if (at !== -1 && at < from) {
        const t = regexes[i]!;
        t.lastIndex = from;
        const m = t.exec(text);
        at = m === null ? -1 : m.index;
        next[i] = at;
      }
      if (at !== -1 && (first === -1 || at < first)) first = at;
    }
    return first;
  }

  /** Redact free text (latin1, any number of lines). Only lines holding a trigger, or long enough to hold a cut, are looked at closely. */
  redactText(text: string, file: string): string {
    const long = text.length > PART_BYTES + DOCKER_API_TS_LEN;
    const next: number[] = [];
    let hit = this.triggered(text, 0, next);
    if (hit === -1 && !long) return text;
    const pieces: string[] = [];
    let done = 0;
    const visit = (start: number, end: number) => {
      const line = text.slice(start, end);
      const red = this.redactLine(line, file);
      if (red !== line) {
        pieces.push(text.slice(done, start), red);
        done = end;
      }
    };
    if (!long) {
      // jump from trigger to trigger: each hit's line is looked at once
      while (hit !== -1) {
        const start = text.lastIndexOf('\n', hit) + 1;
        let end = text.indexOf('\n', hit);
        if (end === -1) end = text.length;
        visit(start, end);
        hit = end + 1 < text.length ? this.triggered(text, end + 1, next) : -1;
      }
    } else {
      // every line: long ones (which may hold a cut) always, the others when a trigger is in them
      let start = 0;
      while (start < text.length) {
        let end = text.indexOf('\n', start);
        if (end === -1) end = text.length;
        if (hit !== -1 && hit < start) hit = this.triggered(text, start, next);
        if (end - start > PART_BYTES + DOCKER_API_TS_LEN || (hit !== -1 && hit < end)) visit(start, end);
        start = end + 1;
      }
    }
    if (pieces.length === 0) return text;
    pieces.push(text.slice(done));
    return pieces.join('');
  }

  /** Redact a JS string (a field of a JSON document, an alert, an argument). */
  redactString(s: string, file: string): string {
    const l1 = toLatin1(s);
    const out = this.redactText(l1, file);
    if (out === l1) return s;
    return l1 === s ? out : Buffer.from(out, 'latin1').toString('utf8');
  }

  /** Rows for `redactions.json`, sorted by file then kind. */
  report(): RedactionCount[] {
    return [...this.counts.values()].sort((a, b) => a.file.localeCompare(b.file) || a.kind.localeCompare(b.kind));
  }

  /** Number of distinct secrets per kind. */
  distinct(): Partial<Record<SecretKind, number>> {
    return Object.fromEntries([...this.perKind].sort((a, b) => a[0].localeCompare(b[0])));
  }

  /** Total replacements made. */
  total(): number {
    let n = 0;
    for (const r of this.counts.values()) n += r.count;
    return n;
  }
}

function applyFound(line: string, found: Found[], placeholder: (f: Found) => string): string {
  let out = '';
  let pos = 0;
  for (const f of found) {
    out += line.slice(pos, f.start) + placeholder(f);
    pos = f.end;
  }
  return out + line.slice(pos);
}

/** A test for "this index is inside a placeholder already in the line" (a bundle file redacted twice stays the same). */
function placeholderSpans(line: string): (i: number) => boolean {
  let i = line.indexOf(PLACEHOLDER);
  if (i === -1) return () => false;
  const spans: [number, number][] = [];
  while (i !== -1) {
    const close = line.indexOf(']', i);
    const end = close === -1 ? line.length : close + 1;
    spans.push([i, end]);
    i = line.indexOf(PLACEHOLDER, end);
  }
  return (x) => spans.some(([a, b]) => x >= a && x < b);
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
      // do not separate a keyword (`Bearer`, `Authorization:`, `password=`) from its credential
      const before = buf.subarray(Math.max(0, i - 40), i).toString('latin1');
      if (!/(bearer|authorization"?\s*[:=]|basic|token|key|secret|pass\w*"?\s*[:=]|cookie"?\s*[:=]|--\w+)\s*$/i.test(before)) return i;
    }
  }
  return limit; // no whitespace near the end: a single huge token; cut anyway
}
