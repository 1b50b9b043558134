// The one Go stack parser: Go stack text → goroutines (headers, frames, creators) → a stable panic signature. The log
// dialects read stacks inside records with it (recovered panics, crash dumps, gin dumps) and `goroutines` reads whole
// dumps with it (analyze/goroutines.ts, strict mode). It accepts any Go stack text:
//
//   goroutine 2087 [running]:                                         ← block header (goroutine id dropped)
//   github.com/songquanpeng/one-api/relay/adaptor/gemini.StreamHandler(0xc000a8e100, 0xc0004f2000)   ← function line
//   	github.com/songquanpeng/one-api/relay/adaptor/gemini/main.go:301 +0x2f4                     ← file line
//   created by net/http.(*Server).Serve in goroutine 1               ← creator (not a frame of the stack)
//
// and gin's `[Recovery]` dumps, which only have `file:line (0xPC)` lines:
//   github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)
import { createHash } from 'node:crypto';
import { cleanLine, stripAnsi } from './text.js';

export interface RawFrame {
  /** Full function name without arguments: `github.com/gin-gonic/gin.(*Context).Next`. For gin dumps, the file:line. */
  func: string;
  /** `github.com/gin-gonic/gin@v1.10.0/context.go:185`, when the next line names it. */
  file: string | null;
}

/** A `[originating from goroutine N]:` section (GODEBUG=tracebackancestors): the stack of a goroutine's creator. */
export interface AncestorSection {
  id: number;
  frames: RawFrame[];
  createdBy: string | null;
}

export interface GoroutineBlock {
  /** `goroutine 2087 [running]:` → 2087; null when the stack had no header (debug.Stack() text after a prefix). */
  id: number | null;
  /** `running`, `chan receive, 5 minutes`, `select`. */
  state: string | null;
  frames: RawFrame[];
  /** `created by net/http.(*Server).Serve in goroutine 1` → `net/http.(*Server).Serve`. */
  createdBy: string | null;
  /** `created by X in goroutine 7` (Go ≥ 1.21) → 7. */
  createdByGoroutine: number | null;
  /** `\tgoroutine running on other thread; stack unavailable` instead of frames. */
  unavailable: boolean;
  ancestors: AncestorSection[];
}

// ───────────────────────────── the kinds of line ─────────────────────────────
// `goroutine 2087 [running]:`, `goroutine 17 [chan receive, 5 minutes]:`; in log text it may follow a prefix such as
// `stacktrace from panic: `. GOTRACEBACK=system (Go ≥ 1.22): `goroutine 1 gp=0xc000002380 m=0 mp=0x7a1b80 [running]:`
const HEADER_IN_TEXT = /(?:^|\s)goroutine (\d+)(?: gp=\S+)?(?: m=\S+)?(?: mp=\S+)? \[([^\]]*)\]:?\s*$/;
// The same, alone on its line (a dump): `goroutine 1 gp=0xc000002380 m=nil [chan receive]:`
const HEADER = /^goroutine (\d+)(?: gp=0x[0-9a-f]+ m=\S+(?: mp=0x[0-9a-f]+)?)? \[([^\]]*)\]:\s*$/;
// `\tgithub.com/…/main.go:301 +0x2f4`, `        /build/controller/channel-test.go:227 +0x3e2` (tabs turned into spaces), `\truntime/panic.go:785`
// (GOTRACEBACK=system/crash adds ` fp=0xc000057f90 sp=0xc000057f70 pc=0x43a1b4`; Go before 1.7 ` fp=0xc82937ba80 sp=0xc82937ba68`)
const FILE_LINE = /^\s+(\S.*?:\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+(?: pc=0x[0-9a-f]+)?)?\s*$/;
// A file line whose indentation a log pipeline or a paste removed (it still follows its function line):
// `/build/model/cache.go:43 +0x868`, `C:/src/app/main.go:12`, `github.com/x/y/z.go:7 +0x1d`
const BARE_FILE_LINE = /^((?:[A-Za-z]:)?[^\s():]*\.(?:go|s|c):\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+(?: pc=0x[0-9a-f]+)?)?\s*$/;
// GODEBUG=tracebackancestors: after a goroutine's own stack, the stacks of the goroutines that created it
// `[originating from goroutine 5]:`
const ANCESTOR = /^\[originating from goroutine (\d+)\]:\s*$/;
// gin Recovery: `runtime/panic.go:115 (0x43a1b4)`, `D:/a/one-api/one-api/providers/openai/chat.go:44 (0x7ff69e98fd7e)`
const PC_LINE = /^(\S.*?:\d+) \(0x[0-9a-f]+\)\s*$/;
// `created by main.leak in goroutine 1` → 1
const CREATED_IN = / in goroutine (\d+)$/;
// A function line ends with its argument list: `main.leakyRelay(0xc000022120)`, `sync.(*Mutex).Lock(...)`; or `created by X`.
const FUNC_LIKE = /^(?:created by \S|\S+\(.*\)\s*$)/;
// `...additional frames elided...`, `...7 frames elided...`
const ELIDED = /^\.\.\.(?:additional frames elided|\d+ frames elided)\.\.\.\s*$/;
// `\tgoroutine running on other thread; stack unavailable`
const UNAVAILABLE = /^\s+goroutine running on other thread; stack unavailable\s*$/;

/** Removes the argument list of a function line: `pkg.(*T).M(0xc0, {0x1, 0x2}, ...)` → `pkg.(*T).M`. */
export function stripArgs(fn: string): string {
  fn = fn.trim();
  if (!fn.endsWith(')')) return fn;
  let depth = 0;
  for (let i = fn.length - 1; i >= 0; i--) {
    const c = fn.charCodeAt(i);
    if (c === 41) depth++;
    else if (c === 40 && --depth === 0) {
      // `(*Context)` inside the name is followed by `.`; the argument list is last, so this is it.
      return i > 0 ? fn.slice(0, i) : fn;
    }
  }
  return fn;
}

/** `goroutine 18 [chan receive, 12 minutes]:` alone on its line → id and bracket text, or null. */
export function goroutineHeader(line: string): { id: number; state: string } | null {
  const h = HEADER.exec(line);
  return h === null ? null : { id: Number(h[1]), state: h[2]! };
}

/** `chan receive, 12 minutes, locked to thread` → its parts. */
export function headerState(bracket: string): { state: string; waitMinutes: number; lockedToThread: boolean } {
  const parts = bracket.split(', ');
  let waitMinutes = 0;
  let lockedToThread = false;
  for (const p of parts.slice(1)) {
    const m = /^(\d+) minutes?$/.exec(p);
    if (m) waitMinutes = Number(m[1]);
    else if (p === 'locked to thread') lockedToThread = true;
  }
  return { state: parts[0]!, waitMinutes, lockedToThread };
}

/** Why a strict scan stopped before the end of its text. */
export type StackProblem =
  | { kind: 'file-without-function'; line: number }
  | { kind: 'function-without-file'; line: number }
  | { kind: 'last-frame-without-file'; line: number; goroutine: number | null }
  | { kind: 'no-stack'; line: number; goroutine: number | null };

export interface StackScan {
  blocks: GoroutineBlock[];
  /** Strict: index of the first line after the stack text (a crash trailer such as `exit status 2`), or lines.length. */
  end: number;
  /** Strict: the first line that breaks the stack grammar; the scan stopped there. */
  problem: StackProblem | null;
}

/**
 * The Go stack parser, shared by the log dialects (a stack inside a log record) and `goroutines` (a whole dump).
 * Its states, one per kind of line:
 *
 *   BETWEEN   (start, or after a blank line)
 *             HEADER `goroutine 18 [chan receive, 12 minutes]:`                        → HEADER
 *             lenient: anything else is skipped; strict: anything else ends the stack   → (end: trailer)
 *   HEADER / FRAMES
 *             FUNC `main.leakyRelay(0xc000022120)` followed by FILE `\tsim.go:39 +0x1a`  → FRAMES (a frame; both lines read)
 *             CREATED `created by main.leak in goroutine 1` + FILE                       → FRAMES (creator, not a frame)
 *             ELIDED `...additional frames elided...`                                   → FRAMES
 *             UNAVAILABLE `\tgoroutine running on other thread; stack unavailable`       → FRAMES
 *             ANCESTOR `[originating from goroutine 5]:` (GODEBUG=tracebackancestors)     → ANCESTOR
 *             HEADER (log text: no blank line between goroutines is needed)             → HEADER
 *   ANCESTOR  FUNC + FILE, CREATED + FILE: the creator's stack, kept apart from the goroutine's own frames → ANCESTOR
 *             ANCESTOR (the creator's creator)                                          → ANCESTOR
 *             blank                                                                     → BETWEEN
 *   (FILE may have lost its indentation in a copy: `/build/model/cache.go:43 +0x868` after `main.f()` still counts;
 *   ` fp=… sp=…` with or without ` pc=…` may follow it)
 *             blank                                                                     → BETWEEN
 *             lenient: gin's `file.go:212 (0x1a9c5e3)` is a frame; other lines are skipped
 *             strict: a FILE line alone is an error; a FUNC line without FILE is an error (or, after some frames and
 *             not shaped like a call, the trailer: `exit status 2`); a header with no stack is a cut-off dump
 *
 * Lenient mode (`strict` false) reads any text: ANSI removed, the header may follow a prefix (`stacktrace from
 * panic: goroutine 2087 [running]:`), frames may come without a header (debug.Stack() pasted alone).
 */
export function scanStack(input: string | readonly string[], opts: { strict?: boolean; from?: number; intern?: Map<string, RawFrame> } = {}): StackScan {
  const lines = typeof input === 'string' ? input.split('\n') : input;
  const strict = opts.strict === true;
  const intern = opts.intern;
  const blocks: GoroutineBlock[] = [];
  let cur: GoroutineBlock | null = null;
  // where frames go: the goroutine itself, or the ancestor section being read
  let target: AncestorSection | null = null;
  const open = (id: number | null, state: string | null): GoroutineBlock => {
    target = null;
    cur = { id, state, frames: [], createdBy: null, createdByGoroutine: null, unavailable: false, ancestors: [] };
    blocks.push(cur);
    return cur;
  };
  // strict: a goroutine closed by a blank line or the end must have a stack
  const closeStrict = (lineNo: number): StackProblem | null => {
    const c = cur as GoroutineBlock | null;
    cur = null;
    if (c !== null && c.frames.length === 0 && c.createdBy === null && !c.unavailable) return { kind: 'no-stack', line: lineNo, goroutine: c.id };
    return null;
  };
  for (let i = opts.from ?? 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (!strict && line.indexOf('\x1b') !== -1) line = stripAnsi(line);
    if (strict) {
      const h = HEADER.exec(line);
      if (h !== null) {
        const p = closeStrict(i + 1);
        if (p !== null) return { blocks, end: i, problem: p };
        open(Number(h[1]), h[2]!);
        continue;
      }
      if (line.trim() === '') {
        const p = closeStrict(i + 1);
        if (p !== null) return { blocks, end: i, problem: p };
        target = null;
        continue;
      }
      // text after a goroutine's blank line that is not a header: the dump is over (crash trailer, registers)
      if (cur === null) return { blocks, end: i, problem: null };
      const c: GoroutineBlock = cur;
      const a = line.charCodeAt(0) === 91 ? ANCESTOR.exec(line) : null;
      if (a !== null) {
        target = { id: Number(a[1]), frames: [], createdBy: null };
        c.ancestors.push(target);
        continue;
      }
      if (UNAVAILABLE.test(line)) {
        c.unavailable = true;
        continue;
      }
      if (ELIDED.test(line)) continue;
      const c0 = line.charCodeAt(0);
      if (c0 === 9 || c0 === 32) return { blocks, end: i, problem: { kind: 'file-without-function', line: i + 1 } };
      const next = lines[i + 1];
      const file = fileOf(line, next);
      if (file === null) {
        // `exit status 2` (go run) right after the last frame: the dump is over
        if (!FUNC_LIKE.test(line) && (c.frames.length > 0 || c.createdBy !== null)) return { blocks, end: i, problem: null };
        if (next === undefined) return { blocks, end: i, problem: { kind: 'last-frame-without-file', line: i + 1, goroutine: c.id } };
        return { blocks, end: i, problem: { kind: 'function-without-file', line: i + 1 } };
      }
      i++;
      addFrame(target ?? c, line, file, intern);
      continue;
    }
    // (headers are short; the length test keeps a hostile megabyte line from costing a quadratic regex search)
    const h = line.length < 512 && line.includes('goroutine ') ? HEADER_IN_TEXT.exec(line) : null;
    if (h !== null) {
      open(Number(h[1]), h[2]!);
      target = null;
      continue;
    }
    const c = line.charCodeAt(0);
    if (c === 32 || c === 9 || line.length === 0) {
      if (line.length === 0 || line.trim() === '') target = null;
      continue; // a file line without its function, or blank
    }
    // (lenient mode never closes a goroutine: the open one is the last)
    const owner = blocks[blocks.length - 1];
    const a = c === 91 && owner !== undefined ? ANCESTOR.exec(line) : null;
    if (a !== null) {
      target = { id: Number(a[1]), frames: [], createdBy: null };
      owner!.ancestors.push(target);
      continue;
    }
    const next = lines[i + 1];
    const fnLine = line.replace(/\r$/, '');
    const file = fileOf(fnLine, next !== undefined && next.indexOf('\x1b') !== -1 ? stripAnsi(next) : next);
    if (file !== null) {
      addFrame(target ?? cur ?? open(null, null), fnLine, file, intern);
      i++;
      continue;
    }
    const pc = line.length < 4096 ? PC_LINE.exec(line) : null;
    if (pc !== null) (cur ?? open(null, null)).frames.push({ func: pc[1]!, file: pc[1]! });
  }
  if (strict) {
    const p = closeStrict(lines.length);
    if (p !== null) return { blocks, end: lines.length, problem: p };
  }
  return { blocks, end: lines.length, problem: null };
}

/** The file of `next` when it is the file line of the function line `fn`: indented, or bare after a call-shaped line. */
function fileOf(fn: string, next: string | undefined): string | null {
  if (next === undefined || next.length >= 4096) return null;
  const f = FILE_LINE.exec(next);
  if (f !== null) return f[1]!;
  if (!(fn.startsWith('created by ') || fn.trimEnd().endsWith(')'))) return null;
  const b = BARE_FILE_LINE.exec(next);
  return b === null ? null : b[1]!;
}

/** A function line (or `created by …`) and the file of the line after it, into a goroutine. */
function addFrame(b: GoroutineBlock | AncestorSection, fnLine: string, file: string, intern: Map<string, RawFrame> | undefined): void {
  if (fnLine.startsWith('created by ')) {
    let fn = fnLine.slice(11).trim();
    const m = CREATED_IN.exec(fn);
    if (m !== null) {
      if ('createdByGoroutine' in b) b.createdByGoroutine = Number(m[1]);
      fn = fn.slice(0, m.index);
    }
    b.createdBy = stripArgs(fn);
    return;
  }
  const func = stripArgs(fnLine);
  if (intern === undefined) {
    b.frames.push({ func, file });
    return;
  }
  // Leaked goroutines share their frames: one object per distinct frame keeps a 100k-goroutine dump small.
  const key = func + '\n' + file;
  let f = intern.get(key);
  if (f === undefined) {
    f = { func, file };
    intern.set(key, f);
  }
  b.frames.push(f);
}

// A Go function line of a stack: `main.main()`, `github.com/gin-gonic/gin.(*Context).Next(...)`, `panic({0x1d2dea0?, 0x3b332b0?})`
const FUNC_LINE = /^(?:created by )?[\w./*()\[\]-]+\.[\w*()\[\].-]*\(.*\)\s*$|^panic\(.*\)\s*$/;

/**
 * Whether a line is a line of a Go stack (a function line, an indented file line, `created by …`, the elision marker):
 * a stack pasted without its first lines is known text, not noise, even when no event can be made of it.
 */
export function isStackLine(line: string): boolean {
  if (line.length > 4096) return false;
  return FILE_LINE.test(line) || FUNC_LINE.test(line) || ELIDED.test(line) || line.startsWith('created by ');
}

/** Splits Go stack text (lines or one string) into goroutine blocks, leniently (`scanStack`). */
export function goroutineBlocks(input: string | readonly string[]): GoroutineBlock[] {
  return scanStack(input).blocks;
}

/** `github.com/songquanpeng/one-api/relay/adaptor/gemini.StreamHandler` → `gemini.StreamHandler`; closures (`.func1.2`) stay. */
export function shortFunc(fn: string): string {
  const slash = fn.lastIndexOf('/', fn.indexOf('(') === -1 ? fn.length : fn.indexOf('('));
  return slash === -1 ? fn : fn.slice(slash + 1);
}

/**
 * A gin frame `github.com/gin-gonic/gin@v1.10.0/context.go:185` → `gin/context.go:185`: the last directory and the file,
 * without the module version, so `/build/controller/x.go`, `D:/a/one-api/one-api/controller/x.go` and
 * `github.com/songquanpeng/one-api/controller/x.go` agree.
 */
export function shortFile(file: string): string {
  const parts = file.replace(/\\/g, '/').split('/');
  const tail = parts.slice(-2).join('/');
  return tail.replace(/@v[^/]*\//, '/');
}

// The frame that raised the panic: `panic({0x1d2dea0?, 0x3b332b0?})` (Go ≥ 1.21), `runtime.gopanic(…)` (older Go).
const PANIC_FRAME = new Set(['panic', 'runtime.gopanic']);

function isRuntime(f: RawFrame): boolean {
  // gin frames are file paths: `runtime/panic.go:115`, `C:/…/go/1.22.1/x64/src/runtime/signal_windows.go:401`
  if (f.func === f.file) return /(?:^|\/src\/)runtime\/[^/]+\.go:\d+$/.test(f.func);
  return f.func.startsWith('runtime.') || f.func.startsWith('runtime/debug.');
}

/**
 * The frames that identify a bug, innermost first, as short names: the frames of the panicking code, not those of the
 * recovering handler or the panic machinery. Everything up to the last `panic(…)` / `runtime.gopanic` frame is dropped
 * (that is the deferred handler that called debug.Stack()), then leading runtime frames (`runtime.panicmem`,
 * `runtime.sigpanic`, the `runtime/panic.go` lines of gin dumps, `runtime.throw` of a fatal error). A stack made only of
 * runtime frames keeps them.
 */
export function signatureFrames(frames: readonly RawFrame[]): string[] {
  let start = 0;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (PANIC_FRAME.has(frames[i]!.func)) {
      start = i + 1;
      break;
    }
  }
  let rest = frames.slice(start);
  let lead = 0;
  while (lead < rest.length && isRuntime(rest[lead]!)) lead++;
  if (lead < rest.length) rest = rest.slice(lead);
  return rest.map((f) => (f.func === f.file ? shortFile(f.func) : shortFunc(f.func)));
}

/** Frames of the first goroutine in Go stack text, ready for `panicSignature`. */
export function extractFrames(input: string | readonly string[]): string[] {
  const blocks = goroutineBlocks(input);
  const first = blocks.find((b) => b.frames.length > 0);
  return first === undefined ? [] : signatureFrames(first.frames);
}

/** How many frames a signature names after its hash. */
const SIGNATURE_TOP = 2;

/**
 * `a1b2c3d4 gemini.StreamHandler ← relay.Relay`: 8 hex digits of a hash over every frame, then the innermost frames.
 * Without frames the message stands in, with digits and hex blurred (`index out of range [N] with length N`).
 */
export function panicSignature(frames: readonly string[], message = ''): string {
  if (frames.length === 0) {
    const blurred = message.replace(/0x[0-9a-f]+/gi, '0x?').replace(/\d+/g, 'N').slice(0, 80);
    return `${hash8('msg\n' + blurred)} ${blurred || '(no stack)'}`;
  }
  return `${hash8(frames.join('\n'))} ${frames.slice(0, SIGNATURE_TOP).join(' ← ')}`;
}

function hash8(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 8);
}

/**
 * Whether a crash dump looks whole: it has a goroutine header and its last non-blank line is a file line
 * (`\tgithub.com/…/relay.go:63 +0x4a5`) or the elision marker, not a function line waiting for its file.
 */
export function dumpComplete(lines: readonly string[]): boolean {
  let header = false;
  let last = '';
  for (const l of lines) {
    if (!header && /^\s*goroutine \d+ /.test(l)) header = true;
    if (l.trim() !== '') last = l;
  }
  if (!header) return false;
  const t = cleanLine(last);
  return FILE_LINE.test(t) || BARE_FILE_LINE.test(t) || t.includes('additional frames elided');
}
