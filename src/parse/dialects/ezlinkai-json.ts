// ezlinkai (ye4293/one-api) from 2026-05: one JSON object per line.
//   `{"ts":"2026-08-21T10:15:30.48+08:00","level":"error","request_id":"…","msg":"relay error (userId #34,channel #12): …","service":"one-api",…}`
//   `"msg":"http request"` is the access line: `{…,"msg":"http request","status":502,"latency_ms":9718,"method":"POST","path":"/v1/chat/completions",…}`
// The gin `[Recovery]` dump, GORM, `[mysql]` and Go crashes stay plain text in that era (their own dialects).
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, str, type Tools } from '../context.js';
import { CONTINUATION, START, type Dialect, type StartKind } from '../dialect.js';
import { realRequestId, worthParsing } from '../patterns.js';

function start(t: string): StartKind {
  return t.startsWith('{"ts":') ? START : CONTINUATION;
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  if (!first.startsWith('{"ts":')) return false;
  const access = first.includes('"msg":"http request"');
  if (access) {
    const st = /"status":(\d+)/.exec(first);
    if (st === null || Number(st[1]) < 500) return true;
  } else {
    // `"level":"info"` / `"debug"` lines are not searched for timeout text (as for text-era INFO lines)
    const lv = first.indexOf('"level":"');
    const lc = lv < 0 ? 0 : first.charCodeAt(lv + 9);
    const m = first.indexOf('"msg":"');
    if (m < 0 || (lc !== 102 /* fatal */ && !worthParsing(first, m + 7, lc !== 105 && lc !== 100))) return true;
  }
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(first) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (o === null || typeof o !== 'object') return false;
  const c = recordContext(r, idx, first, null, realRequestId(str(o['request_id'])), jsonTime(str(o['ts'])));
  if (access) {
    const latency = o['latency_ms'];
    t.emit({
      kind: 'http_error',
      time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid,
      status: Number(o['status']),
      method: str(o['method']) ?? '',
      path: str(o['path']) ?? '',
      latencyMs: typeof latency === 'number' ? latency : null,
    });
    return true;
  }
  t.message(c, str(o['msg']) ?? '', (str(o['level']) ?? '').toUpperCase(), -1);
  return true;
}

/** `2026-08-21T10:15:30.482915337+08:00` → `2026-08-21T02:15:30.482Z`; null when unreadable. */
function jsonTime(ts: string | undefined): string | null {
  if (ts === undefined) return null;
  const ms = Date.parse(ts.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export const ezlinkaiJson: Dialect = { name: 'ezlinkai-json', firstChars: [123], start, parse };
