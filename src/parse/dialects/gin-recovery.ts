// gin's global recovery (non-relay routes): always coloured, preceded by two blank lines, frames as `file:line (0xPC)`
// because the image holds no sources, closed by a line that is only `ESC[0m`:
//   `ESC[31m2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:`
//   (debug mode: the request headers)
//   `runtime error: index out of range [0] with length 0`
//   `github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)`
//   `ESC[0m`
// → one `panic` event, recoveredBy `gin`. new-api logs the same value again as `[SYS] … | panic detected: …` right
// after; panics.ts drops that echo.
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, type Tools } from '../context.js';
import { CONTINUATION, charRange, type Dialect, type StartKind } from '../dialect.js';
import { goroutineBlocks, panicSignature, signatureFrames } from '../stack.js';
import { cap, cleanLine } from '../text.js';
import { stdlogParts, stdlogStart } from './stdlog.js';

// gin Recovery frame: `github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)`
const PC_FRAME = /^\S.*?:\d+ \(0x[0-9a-f]+\)\s*$/;

/** A std-log line with `[Recovery] ` right after its time. */
function start(t: string): StartKind {
  const k = stdlogStart(t);
  return k !== CONTINUATION && t.startsWith('[Recovery] ', 20) ? k : CONTINUATION;
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  const p = stdlogParts(first);
  if (p === null || !p.rest.startsWith('[Recovery] ')) return false;
  const lines: string[] = [];
  for (let i = idx + 1; i < r.lines.length; i++) lines.push(cleanLine(r.lines[i]!));
  let firstFrame = lines.findIndex((l) => PC_FRAME.test(l));
  if (firstFrame < 0) firstFrame = lines.length;
  let message = '';
  for (let i = firstFrame - 1; i >= 0; i--) {
    if (lines[i]!.trim() !== '') {
      message = lines[i]!;
      break;
    }
  }
  const blocks = goroutineBlocks(lines.slice(firstFrame));
  const frames = blocks.length > 0 ? signatureFrames(blocks[0]!.frames) : [];
  t.panics.recordGinPanic(r, message);
  const c = recordContext(r, idx, first, p.naive);
  t.emit({
    kind: 'panic',
    time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid,
    message: cap(message),
    signature: panicSignature(frames, message),
    frames,
    recoveredBy: 'gin',
  });
  return true;
}

export const ginRecovery: Dialect = { name: 'gin-recovery', firstChars: charRange('0', '9'), start, parse };
