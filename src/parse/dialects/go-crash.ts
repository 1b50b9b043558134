// An unrecovered Go panic or runtime fatal error: the process prints the dump to stderr and exits with code 2.
//   `panic: runtime error: invalid memory address or nil pointer dereference` (` [recovered]` when re-panicked)
//   `[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1b3c5a4]`
//   ``
//   `goroutine 8123 [running]:`
//   `github.com/songquanpeng/one-api/controller.processChannelRelayError(…)`
//   `\tgithub.com/songquanpeng/one-api/controller/relay.go:127 +0x64`
//   `created by github.com/songquanpeng/one-api/controller.Relay in goroutine 8090`
//   `\tgithub.com/songquanpeng/one-api/controller/relay.go:63 +0x4a5`
// and `fatal error: concurrent map writes` with several goroutines. One `crash` event for the whole record.
// A dump pasted from its first goroutine on (the `panic:` line not copied) is still a crash when that goroutine was
// running and has frames: `goroutine 1 [running]:` + `main.main()` + `\t/app/main.go:5 +0x1d`. Its message is empty;
// it is a `fatal_error` when its innermost frame is the runtime's `throw`/`fatal`. A running goroutine that printed its
// own stack (`runtime/debug.Stack`, a pprof dump) is not a crash: known, no event.
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, type Tools } from '../context.js';
import { CONTINUATION, STACK_START, START, isDigit, type Dialect, type StartKind } from '../dialect.js';
import { dumpComplete, extractFrames, panicSignature, scanStack, signatureFrames } from '../stack.js';
import { cap } from '../text.js';

function start(t: string): StartKind {
  const c = t.charCodeAt(0);
  if (c === 112) return t.startsWith('panic: ') ? START : CONTINUATION;
  if (c === 102) return t.startsWith('fatal error: ') ? START : CONTINUATION;
  // `goroutine 1 [running]:` (Go ≥ 1.22 with GOTRACEBACK=system: `goroutine 1 gp=0x… m=0 mp=0x… [running]:`)
  if (c === 103) return t.startsWith('goroutine ') && isDigit(t.charCodeAt(10)) && t.indexOf(' [', 11) !== -1 && /\]:\s*$/.test(t) ? STACK_START : CONTINUATION;
  return CONTINUATION;
}

// Frames of a goroutine that printed its own stack rather than crashed: `runtime/debug.Stack()`, `runtime.Stack(…)`,
// `runtime/pprof.writeGoroutineStacks(…)`.
const SELF_PRINT = /^runtime(?:\/debug\.Stack|\.Stack|\/pprof\.)/;
// The runtime functions a fatal error goes through: `runtime.throw({0x8d3b25?, 0x0?})`, `runtime.fatal(…)`, `runtime.fatalthrow(…)`
const THROW = /^runtime\.(?:throw|fatal|fatalthrow|fatalpanic)$/;

function headless(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  const blocks = scanStack(r.lines, { from: idx }).blocks;
  const b = blocks[0];
  if (b === undefined || b.frames.length === 0 || !(b.state ?? '').startsWith('running') || b.frames.some((f) => SELF_PRINT.test(f.func))) return true;
  const frames = signatureFrames(b.frames);
  const c = recordContext(r, idx, first);
  t.emit({
    kind: 'crash',
    time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid,
    message: '',
    crashKind: THROW.test(b.frames[0]!.func) ? 'fatal_error' : 'panic',
    signature: panicSignature(frames, ''),
    frames,
    truncated: r.atEnd === true && !dumpComplete(r.lines.slice(idx)),
  });
  return true;
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  let crashKind: 'panic' | 'fatal_error';
  let message: string;
  if (first.startsWith('panic: ')) {
    crashKind = 'panic';
    message = first.slice(7);
  } else if (first.startsWith('fatal error: ')) {
    crashKind = 'fatal_error';
    message = first.slice(13);
  } else if (first.startsWith('goroutine ')) return headless(first, r, idx, t);
  else return false;
  const rest = r.lines.slice(idx + 1);
  const frames = extractFrames(rest);
  const c = recordContext(r, idx, first);
  t.emit({
    kind: 'crash',
    time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid,
    message: cap(message),
    crashKind,
    signature: panicSignature(frames, message),
    frames,
    truncated: r.atEnd === true && !dumpComplete(rest),
  });
  return true;
}

export const goCrash: Dialect = { name: 'go-crash', firstChars: [112, 102, 103], start, parse };
