// Go stack text → frames → a stable panic signature. Used for recovered panics, crash dumps, and by the
// goroutine-dump analysis (`goroutineBlocks`), so it accepts any Go stack text:
//
//   goroutine 2087 [running]:                                         ← block header (goroutine id dropped)
//   github.com/songquanpeng/one-api/relay/adaptor/gemini.StreamHandler(0xc000a8e100, 0xc0004f2000)   ← function line
//   	github.com/songquanpeng/one-api/relay/adaptor/gemini/main.go:301 +0x2f4                     ← file line
//   created by net/http.(*Server).Serve in goroutine 1               ← creator (not a frame of the stack)
//
// and gin's `[Recovery]` dumps, which only have `file:line (0xPC)` lines:
//   github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)
import { createHash } from 'node:crypto';
import { stripAnsi } from './text.js';

export interface RawFrame {
  /** Full function name without arguments: `github.com/gin-gonic/gin.(*Context).Next`. For gin dumps, the file:line. */
  func: string;
  /** `github.com/gin-gonic/gin@v1.10.0/context.go:185`, when the next line names it. */
  file: string | null;
}

export interface GoroutineBlock {
  /** `goroutine 2087 [running]:` → 2087; null when the stack had no header (debug.Stack() text after a prefix). */
  id: number | null;
  /** `running`, `chan receive, 5 minutes`, `select`. */
  state: string | null;
  frames: RawFrame[];
  /** `created by net/http.(*Server).Serve in goroutine 1` → `net/http.(*Server).Serve`. */
  createdBy: string | null;
}

// `goroutine 2087 [running]:`, `goroutine 17 [chan receive, 5 minutes]:`; may follow a prefix such as `stacktrace from panic: `.
// GOTRACEBACK=system (Go ≥ 1.23): `goroutine 1 gp=0xc000002380 m=0 mp=0x7a1b80 [running]:`
const GOROUTINE_HEADER = /(?:^|\s)goroutine (\d+)(?: gp=\S+)?(?: m=\S+)?(?: mp=\S+)? \[([^\]]*)\]:?\s*$/;
// `\tgithub.com/…/main.go:301 +0x2f4`, `        /build/controller/channel-test.go:227 +0x3e2` (tabs turned into spaces), `\truntime/panic.go:785`
// (GOTRACEBACK=system/crash adds ` fp=0xc000057f90 sp=0xc000057f70 pc=0x43a1b4`)
const FILE_LINE = /^\s+(\S.*?:\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?\s*$/;
// gin Recovery: `runtime/panic.go:115 (0x43a1b4)`, `D:/a/one-api/one-api/providers/openai/chat.go:44 (0x7ff69e98fd7e)`
const PC_LINE = /^(\S.*?:\d+) \(0x[0-9a-f]+\)\s*$/;

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

/** Splits Go stack text (lines or one string) into goroutine blocks. Lines that are neither headers nor frames are skipped. */
export function goroutineBlocks(input: string | readonly string[]): GoroutineBlock[] {
  const lines = typeof input === 'string' ? input.split('\n') : input;
  const blocks: GoroutineBlock[] = [];
  let cur: GoroutineBlock | null = null;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.indexOf('\x1b') !== -1) line = stripAnsi(line);
    // (headers are short; the length test keeps a hostile megabyte line from costing a quadratic regex search)
    const h = line.length < 512 && line.includes('goroutine ') ? GOROUTINE_HEADER.exec(line) : null;
    if (h !== null) {
      cur = { id: Number(h[1]), state: h[2]!, frames: [], createdBy: null };
      blocks.push(cur);
      continue;
    }
    const c = line.charCodeAt(0);
    if (c === 32 || c === 9 || line.length === 0) continue; // a file line without its function, or blank
    const next = lines[i + 1];
    const file = next !== undefined && next.length < 4096 ? FILE_LINE.exec(next.indexOf('\x1b') !== -1 ? stripAnsi(next) : next) : null;
    if (file !== null) {
      if (cur === null) {
        cur = { id: null, state: null, frames: [], createdBy: null };
        blocks.push(cur);
      }
      const fnText = line.replace(/\r$/, '');
      if (fnText.startsWith('created by ')) {
        cur.createdBy = stripArgs(fnText.slice(11).replace(/ in goroutine \d+$/, ''));
      } else {
        cur.frames.push({ func: stripArgs(fnText), file: file[1]! });
      }
      i++;
      continue;
    }
    const pc = line.length < 4096 ? PC_LINE.exec(line) : null;
    if (pc !== null) {
      if (cur === null) {
        cur = { id: null, state: null, frames: [], createdBy: null };
        blocks.push(cur);
      }
      cur.frames.push({ func: pc[1]!, file: pc[1]! });
    }
  }
  return blocks;
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
