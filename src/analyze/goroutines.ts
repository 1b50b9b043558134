// Goroutine dumps (`/debug/pprof/goroutine?debug=2` full stacks, `?debug=1` counted profiles, Go crash dumps with
// GOTRACEBACK=all) → goroutines → groups by stack → leak suspects between two dumps. Pure: text in, data out.
//
// debug=2 text is read by the Go stack parser the log dialects use (`parse/stack.ts` `scanStack`), in its strict
// mode: a dump is a whole document that must be rejected with one clear line when it is cut off, empty, or not a
// dump at all. This file adds the document rules (where the dump starts, what a cut-off looks like) and the debug=1
// profile format, which only `goroutines` reads.
import { DataError } from '../errors.js';
import { goroutineHeader, headerState, scanStack, type RawFrame } from '../parse/stack.js';

export interface DumpFrame {
  /** Function without arguments: `main.leakyRelay`, `net/http.(*conn).serve`, `main.main.func1`. */
  func: string;
  /** `goroscope.test/simulator/sim.go:39`, without the `+0x1a` offset; null when the dump did not say. */
  file: string | null;
}

export interface DumpRecord {
  /** How many goroutines this record stands for: 1 in a debug=2 dump, N in a debug=1 `N @ …` record. */
  count: number;
  /** Goroutine id (debug=2), null in debug=1. */
  id: number | null;
  /** `chan receive`, `select`, `IO wait`, `running`, `sync.Mutex.Lock`; null in debug=1 (it has no states). */
  state: string | null;
  /** `[chan receive, 12 minutes]` → 12; 0 when the header shows no minutes; null in debug=1. */
  waitMinutes: number | null;
  lockedToThread: boolean;
  /** Innermost first. */
  frames: DumpFrame[];
  /** `created by main.leak` → `main.leak`; null for goroutine 1, runtime goroutines, and debug=1. */
  createdBy: string | null;
  /** Go ≥ 1.21 `created by X in goroutine 7` → 7. */
  createdByGoroutine: number | null;
}

export interface GoroutineDump {
  format: 'debug=2' | 'debug=1';
  /** Goroutines in the dump (debug=1: the profile's `total`). */
  total: number;
  records: DumpRecord[];
}

export interface GoroutineGroup {
  count: number;
  /** The most common state in the group; null for debug=1. */
  state: string | null;
  maxWaitMinutes: number | null;
  /** The first function outside the Go standard library (innermost first), e.g. `main.leakyRelay`; for a stack of
   * standard-library code only, its outermost function (the goroutine's start, e.g. `net/http.(*conn).serve`). */
  top: string;
  createdBy: string | null;
  /** The stack of one member, innermost first (debug=1: without the leading runtime frames pprof hides). */
  frames: DumpFrame[];
  /** The stack's identity: the frames other than `runtime.` ones, as `func file:line`; the same for debug=1 and debug=2.
   * Groups with the same stack but different creators share it (a group is a stack and its creator). */
  signature: string;
}

export interface Suspect {
  top: string;
  before: number;
  after: number;
  growth: number;
  /** Growth per minute; null when the time between the dumps is not known. */
  perMinute: number | null;
  createdBy: string | null;
  signature: string;
}

export interface DumpComparison {
  totalBefore: number;
  totalAfter: number;
  secondsApart: number | null;
  /** Groups that grew, ranked (see compareDumps). */
  suspects: Suspect[];
  /** Groups of the later dump. */
  groups: GoroutineGroup[];
}

const HINT = 'give a goroutine dump: curl -s "http://HOST:PORT/debug/pprof/goroutine?debug=2" > dump.txt';

// ───────────────────────────── debug=2 (and crash dumps) ─────────────────────────────
// The grammar and its states are in parse/stack.ts (`scanStack`). Lines before the first header (`panic: …`,
// `[signal SIGSEGV …]`) and after the last goroutine (`exit status 2`, register dumps) are not part of the dump and are
// skipped.

// ───────────────────────────── debug=1 ─────────────────────────────
//   `goroutine profile: total 102`                                 → RECORD
//   `86 @ 0x439976 0x40657b 0x406078 0x6c86db 0x46a321`             → frames
//   `#\t0x6c86da\tmain.leakyRelay+0x1a\tgoroscope.test/simulator/sim.go:39`
//   `#\t0x46a321` (a PC without symbol)     `# labels: {"k":"v"}`    blank → RECORD
const PROFILE_HEADER = /^goroutine profile: total (\d+)\s*$/;
const PROFILE_RECORD = /^(\d+) @(?: 0x[0-9a-f]+)+\s*$/;
const PROFILE_FRAME = /^#\s+0x[0-9a-f]+\s+(\S+?)\+0x[0-9a-f]+\s+(.+?:\d+)\s*$/;
const PROFILE_BARE_PC = /^#\s+0x[0-9a-f]+\s*$/;
const PROFILE_LABELS = /^# labels: /;

/** Parse a goroutine dump; throws DataError (exit 65) for empty, cut-off, or non-dump text. */
export function parseDump(text: string): GoroutineDump {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new DataError('empty goroutine dump', undefined, HINT);
  let lines = text.replace(/\r\n?/g, '\n').split('\n');
  const endsMidLine = !text.endsWith('\n');
  if (endsMidLine === false) lines.pop(); // the '' after the final newline
  lines = unindent(lines);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (PROFILE_HEADER.test(lines[first]!)) return parseProfile(lines, first, endsMidLine);
  const firstHeader = lines.findIndex((l) => goroutineHeader(l) !== null);
  if (firstHeader === -1) {
    const head = lines[first]!.trim();
    if (/^<(!doctype|html|head|body|\?xml)/i.test(head) || /<html[\s>]/i.test(text.slice(0, 2000))) {
      throw new DataError('an HTML page, not a goroutine dump', undefined, 'ask the pprof endpoint itself: /debug/pprof/goroutine?debug=2 (not a login or proxy page)');
    }
    throw new DataError(`not a goroutine dump (first line: ${JSON.stringify(head.slice(0, 60))})`, undefined, HINT);
  }
  return parseStacks(lines, firstHeader, endsMidLine);
}

// The first line of a dump, indented as a markdown code block or a chat paste indents it:
// `    goroutine 18 [chan receive, 12 minutes]:`, `\tgoroutine profile: total 102`
const INDENTED_START = /^([ \t]+)(?:goroutine \d+ .*\]:\s*$|goroutine profile: total \d+\s*$)/;

/** A dump pasted with every line indented: the indentation of its first header comes off every line that has it. */
function unindent(lines: string[]): string[] {
  let prefix: string | null = null;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const m = INDENTED_START.exec(l);
    if (m !== null) prefix = m[1]!;
    break;
  }
  if (prefix === null) {
    // text before the dump (`panic: …`) may be indented the same way: look for the first header anywhere
    const h = lines.find((l) => INDENTED_START.test(l));
    if (h === undefined || lines.some((l) => goroutineHeader(l) !== null)) return lines;
    prefix = INDENTED_START.exec(h)![1]!;
  }
  const p = prefix;
  return lines.map((l) => (l.startsWith(p) ? l.slice(p.length) : l));
}

function cutOff(what: string): never {
  throw new DataError(`goroutine dump cut off: ${what}`, undefined, 'take the dump again; save it whole (curl -s URL > file)');
}

function parseStacks(lines: string[], start: number, endsMidLine: boolean): GoroutineDump {
  const scan = scanStack(lines, { strict: true, from: start, intern: new Map<string, RawFrame>() });
  const p = scan.problem;
  if (p !== null) {
    switch (p.kind) {
      case 'no-stack':
        cutOff(`goroutine ${p.goroutine} has no stack (line ${p.line})`);
      case 'last-frame-without-file':
        cutOff(`the last frame of goroutine ${p.goroutine} has no file line`);
      default: {
        // A dump cut inside one of its last lines shows up as a broken frame: call that what it is.
        if (endsMidLine && p.line - 1 >= lines.length - 2) cutOff('it ends in the middle of a line');
        const what = p.kind === 'file-without-function' ? 'a file line without its function' : 'a function line without its file line';
        throw new DataError(`not a goroutine dump: ${what} (line ${p.line})`, undefined, HINT);
      }
    }
  }
  if (scan.end === lines.length && endsMidLine) cutOff('it ends in the middle of a line');
  const records: DumpRecord[] = scan.blocks.map((b) => {
    const s = headerState(b.state ?? '');
    return { count: 1, id: b.id, state: s.state, waitMinutes: s.waitMinutes, lockedToThread: s.lockedToThread, frames: b.frames, createdBy: b.createdBy, createdByGoroutine: b.createdByGoroutine };
  });
  return { format: 'debug=2', total: records.length, records };
}

function parseProfile(lines: string[], start: number, endsMidLine: boolean): GoroutineDump {
  const total = Number(PROFILE_HEADER.exec(lines[start]!)![1]);
  const records: DumpRecord[] = [];
  let cur: DumpRecord | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') {
      cur = null;
      continue;
    }
    const r = PROFILE_RECORD.exec(line);
    if (r) {
      cur = { count: Number(r[1]), id: null, state: null, waitMinutes: null, lockedToThread: false, frames: [], createdBy: null, createdByGoroutine: null };
      records.push(cur);
      continue;
    }
    if (cur !== null) {
      const f = PROFILE_FRAME.exec(line);
      if (f) {
        cur.frames.push({ func: f[1]!, file: f[2]! });
        continue;
      }
      if (PROFILE_BARE_PC.test(line) || PROFILE_LABELS.test(line)) continue;
    }
    throw new DataError(`not a goroutine profile: unexpected line ${i + 1} (${JSON.stringify(line.slice(0, 60))})`, undefined, HINT);
  }
  const sum = records.reduce((s, r) => s + r.count, 0);
  if (sum !== total) cutOff(`the profile says total ${total} but its records add up to ${sum}`);
  if (endsMidLine) cutOff('it ends in the middle of a line');
  return { format: 'debug=1', total, records };
}

// ───────────────────────────── grouping ─────────────────────────────

// Top-level package names of the Go standard library (`net/http.(*conn).serve` → `net`); `vendor/golang.org/x/…` too.
const STDLIB = new Set(
  ('archive bufio bytes cmp compress container context crypto database debug embed encoding errors expvar flag fmt go ' +
    'hash html image index internal io iter log maps math mime net os path plugin reflect regexp runtime slices sort ' +
    'strconv strings structs sync syscall testing text time unicode unique unsafe weak vendor arena')
    .split(' '),
);

/** True for a standard-library function: `runtime.gopark`, `net/http.(*conn).serve`, `sync.(*WaitGroup).Wait`. */
export function isStdlib(func: string): boolean {
  if (func === 'panic' || func === 'goexit') return true;
  const slash = func.indexOf('/');
  const dot = func.indexOf('.');
  const end = slash !== -1 && (dot === -1 || slash < dot) ? slash : dot;
  const head = end === -1 ? func : func.slice(0, end);
  return STDLIB.has(head);
}

/**
 * The frames both formats agree on: without `runtime.` frames (unless there is nothing else). debug=2 tracebacks hide
 * unexported runtime functions (`runtime.gopark`, `runtime.main`), debug=1 hides only the leading ones and shows
 * `runtime.main` last, and GOTRACEBACK=system crash dumps show them all.
 */
function visibleFrames(frames: readonly DumpFrame[]): readonly DumpFrame[] {
  const own = frames.filter((x) => !x.func.startsWith('runtime.'));
  return own.length > 0 ? own : frames.filter((x) => x.func !== 'runtime.goexit');
}

function signatureOf(frames: readonly DumpFrame[]): string {
  return visibleFrames(frames)
    .map((f) => `${f.func} ${f.file ?? '?'}`)
    .join('\n');
}

function topOf(frames: readonly DumpFrame[]): string {
  const own = frames.find((f) => !isStdlib(f.func));
  if (own) return own.func;
  const v = visibleFrames(frames);
  return v.length > 0 ? v[v.length - 1]!.func : '(no stack)';
}

function mostCommon(values: (string | null)[]): string | null {
  const n = new Map<string | null, number>();
  let best: string | null = null;
  let bestN = 0;
  for (const v of values) {
    const c = (n.get(v) ?? 0) + 1;
    n.set(v, c);
    if (c > bestN) {
      best = v;
      bestN = c;
    }
  }
  return best;
}

/** Groups of goroutines with the same stack (arguments, offsets and ids ignored), largest first. */
export function groupDump(dump: GoroutineDump): GoroutineGroup[] {
  // Same stack, different creators: different groups (a leak is a place that starts goroutines, not only a stack).
  const byKey = new Map<string, { signature: string; members: DumpRecord[] }>();
  for (const r of dump.records) {
    const sig = signatureOf(r.frames);
    const key = r.createdBy === null ? sig : `${sig}\ncreated by ${r.createdBy}`;
    const g = byKey.get(key);
    if (g) g.members.push(r);
    else byKey.set(key, { signature: sig, members: [r] });
  }
  const groups: GoroutineGroup[] = [];
  for (const { signature, members } of byKey.values()) {
    const first = members[0]!;
    let maxWait: number | null = null; // a loop, not Math.max(...): a group can hold 100k goroutines
    for (const m of members) if (m.waitMinutes !== null && (maxWait === null || m.waitMinutes > maxWait)) maxWait = m.waitMinutes;
    groups.push({
      count: members.reduce((s, m) => s + m.count, 0),
      state: mostCommon(members.map((m) => m.state)),
      maxWaitMinutes: maxWait,
      top: topOf(first.frames),
      createdBy: first.createdBy,
      frames: dump.format === 'debug=1' ? first.frames : first.frames.filter((f) => f.func !== 'runtime.goexit'),
      signature,
    });
  }
  return groups.sort((a, b) => b.count - a.count || cmp(a.top, b.top) || cmp(a.signature, b.signature) || cmp(a.createdBy ?? '', b.createdBy ?? ''));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ───────────────────────────── comparison ─────────────────────────────

/**
 * Leak suspects between an earlier dump `a` and a later dump `b`: every group that grew, with its growth and rate.
 * Ranking: groups that grew while the process's total grew come first (they are what the total growth is made of;
 * when the total did not grow, a growing group is churn, not a leak), then by growth, then by size.
 */
export function compareDumps(a: GoroutineDump, b: GoroutineDump, secondsApart?: number | null): DumpComparison {
  const ga = groupDump(a);
  const gb = groupDump(b);
  // Groups are matched by stack and creator; a debug=1 profile names no creators, so against one only the stack counts.
  const withCreator = a.format === 'debug=2' && b.format === 'debug=2';
  const keyOf = (g: GoroutineGroup) => (withCreator ? `${g.signature}\n${g.createdBy ?? ''}` : g.signature);
  const before = new Map<string, { count: number; createdBy: string | null }>();
  for (const g of ga) {
    const k = keyOf(g);
    const old = before.get(k);
    if (old) old.count += g.count;
    else before.set(k, { count: g.count, createdBy: g.createdBy });
  }
  const seen = new Map<string, number>();
  const totalGrew = b.total > a.total;
  const minutes = secondsApart != null && secondsApart > 0 ? secondsApart / 60 : null;
  const suspects: (Suspect & { named: boolean })[] = [];
  for (const g of gb) {
    // (against a debug=1 dump, groups of one stack with several creators share the earlier count: it is split in order)
    const k = keyOf(g);
    const used = seen.get(k) ?? 0;
    const was = Math.max(0, Math.min(g.count, (before.get(k)?.count ?? 0) - used));
    seen.set(k, used + was);
    const growth = g.count - was;
    if (growth <= 0) continue;
    suspects.push({
      top: g.top,
      before: was,
      after: g.count,
      growth,
      perMinute: minutes === null ? null : Math.round((growth / minutes) * 10) / 10,
      createdBy: g.createdBy ?? before.get(k)?.createdBy ?? null,
      signature: g.signature,
      named: totalGrew,
    });
  }
  suspects.sort((x, y) => Number(y.named) - Number(x.named) || y.growth - x.growth || y.after - x.after || cmp(x.top, y.top));
  return {
    totalBefore: a.total,
    totalAfter: b.total,
    secondsApart: secondsApart ?? null,
    suspects: suspects.map(({ named: _n, ...s }) => s),
    groups: gb,
  };
}

// ───────────────────────────── shapes for other commands ─────────────────────────────

/** The JSON group of docs/goroutines.md: `{count, state, maxWaitMinutes, top, createdBy, frames}`. */
export function groupJson(g: GoroutineGroup): { count: number; state: string | null; maxWaitMinutes: number | null; top: string; createdBy: string | null; frames: DumpFrame[] } {
  return { count: g.count, state: g.state, maxWaitMinutes: g.maxWaitMinutes, top: g.top, createdBy: g.createdBy, frames: g.frames };
}

/** The JSON suspect of docs/goroutines.md: `{top, before, after, growth, perMinute, createdBy}`. */
export function suspectJson(s: Suspect): { top: string; before: number; after: number; growth: number; perMinute: number | null; createdBy: string | null } {
  return { top: s.top, before: s.before, after: s.after, growth: s.growth, perMinute: s.perMinute, createdBy: s.createdBy };
}

/** `goroutines --json` output for one dump, or for a comparison (groups of the later dump plus suspects). */
export function dumpJson(total: number, groups: GoroutineGroup[], comparison?: DumpComparison): Record<string, unknown> {
  const out: Record<string, unknown> = { total, groups: groups.map(groupJson) };
  if (comparison) out.suspects = comparison.suspects.map(suspectJson);
  return out;
}

/**
 * For `bundle` (summary.md and pprof/compare.json): compare two dump texts; null when either is not a usable dump.
 * `secondsApart` (the bundle's pprof interval) gives the per-minute rate.
 */
export function compareDumpsMarkdown(first: string, second: string, secondsApart?: number | null): { markdown: string; json: unknown } | null {
  let c: DumpComparison;
  try {
    c = compareDumps(parseDump(first), parseDump(second), secondsApart);
  } catch (err) {
    if (err instanceof DataError) return null;
    throw err;
  }
  return { markdown: suspectsMarkdown(c), json: { totalBefore: c.totalBefore, totalAfter: c.totalAfter, secondsApart: c.secondsApart, ...dumpJson(c.totalAfter, c.groups, c) } };
}

/** Markdown: the total's change, then a table of the suspects (at most `max`). */
export function suspectsMarkdown(c: DumpComparison, max = 10): string {
  const d = c.totalAfter - c.totalBefore;
  const span = c.secondsApart != null ? ` in ${formatSeconds(c.secondsApart)}` : '';
  const out = [`Goroutines: ${c.totalBefore} → ${c.totalAfter} (${d >= 0 ? '+' : ''}${d}${span}).`, ''];
  if (c.suspects.length === 0) {
    out.push('No stack group grew between the two dumps.');
    return out.join('\n') + '\n';
  }
  if (d <= 0) out.push('The total did not grow: the groups below changed places, which is not a leak by itself.', '');
  out.push('| growth | before | after | per minute | function | created by |', '| ---: | ---: | ---: | ---: | --- | --- |');
  for (const s of c.suspects.slice(0, max)) {
    out.push(`| +${s.growth} | ${s.before} | ${s.after} | ${s.perMinute ?? '–'} | \`${s.top}\` | ${s.createdBy ? `\`${s.createdBy}\`` : '–'} |`);
  }
  if (c.suspects.length > max) out.push('', `…and ${c.suspects.length - max} more growing groups (pprof/compare.json).`);
  return out.join('\n') + '\n';
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s * 10) / 10} s`;
  if (s < 3600) return `${Math.round((s / 60) * 10) / 10} min`;
  return `${Math.round((s / 3600) * 10) / 10} h`;
}
