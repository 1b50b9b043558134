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
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, type Tools } from '../context.js';
import { CONTINUATION, START, type Dialect, type StartKind } from '../dialect.js';
import { dumpComplete, extractFrames, panicSignature } from '../stack.js';
import { cap } from '../text.js';

function start(t: string): StartKind {
  const c = t.charCodeAt(0);
  if (c === 112) return t.startsWith('panic: ') ? START : CONTINUATION;
  if (c === 102) return t.startsWith('fatal error: ') ? START : CONTINUATION;
  return CONTINUATION;
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
  } else return false;
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

export const goCrash: Dialect = { name: 'go-crash', firstChars: [112, 102], start, parse };
