// one-hub (MartialBE/one-hub) logs through zap's console encoder: tab-separated time, level, caller, message and
// (for the access line) a JSON object of fields; copies often turn the tabs into spaces.
//   `2025/01/05 - 10:20:30\tERROR\trelay/common.go:548\t2025010510203012345678 | relay error (channel #4(openai-a)): …`
//   `2025/01/05 - 10:20:31\tINFO\tmiddleware/logger.go:71\tGIN request\t{"status": 502, "request_id": "…", "method": "POST", …}`
//   `2025/01/05 - 10:00:00\tINFO\tcommon/logger/logger.go:60\t[SYS] | One Hub v0.12.1 started`
import type { LogRecord } from '../../stream/types.js';
import { rawText, recordContext, str, type Tools } from '../context.js';
import { CONTINUATION, START, charRange, isDigit, type Dialect, type StartKind } from '../dialect.js';
import { goDurationMs, realRequestId, worthParsing } from '../patterns.js';
import { cleanLine } from '../text.js';

// `2025/01/05 - 10:20:30\tINFO\tmiddleware/logger.go:71\tGIN request\t{"status": 200, …}` (tabs; spaces when re-rendered)
const ZAP = /^(\d{4}\/\d{2}\/\d{2} - \d{2}:\d{2}:\d{2})[\t ]+(DEBUG|INFO|WARN|ERROR|DPANIC|PANIC|FATAL)[\t ]+(\S+:\d+)[\t ]+(.*)$/;

/** `2025/01/05 - 1`: the date, ` - `, a digit. */
function start(t: string): StartKind {
  if (t.charCodeAt(4) !== 47 || t.charCodeAt(7) !== 47 || t.charCodeAt(10) !== 32) return CONTINUATION;
  if (!isDigit(t.charCodeAt(0)) || !isDigit(t.charCodeAt(1)) || !isDigit(t.charCodeAt(2)) || !isDigit(t.charCodeAt(3))) return CONTINUATION;
  return t.charCodeAt(11) === 45 && t.charCodeAt(12) === 32 && isDigit(t.charCodeAt(13)) ? START : CONTINUATION;
}

function parse(first: string, r: LogRecord, idx: number, t: Tools): boolean {
  if (first.charCodeAt(10) !== 32 || first.charCodeAt(11) !== 45) return false;
  const m = ZAP.exec(first);
  if (m === null) return false;
  const level = m[2]!;
  let msg = m[4]!;
  let fields: string | null = null;
  const tab = msg.indexOf('\t{');
  if (tab >= 0) {
    fields = msg.slice(tab + 1);
    msg = msg.slice(0, tab);
  } else if (msg.startsWith('GIN request ')) {
    fields = msg.slice(12);
    msg = 'GIN request';
  }
  if (msg === 'GIN request') {
    if (fields === null) return true;
    const st = /"status": ?(\d+)/.exec(fields);
    if (st === null || Number(st[1]) < 500) return true;
    let f: Record<string, unknown>;
    try {
      f = JSON.parse(fields) as Record<string, unknown>;
    } catch {
      return true;
    }
    const c = recordContext(r, idx, first, m[1]!, realRequestId(str(f['request_id'])));
    const query = str(f['query']);
    const latency = f['latency'];
    t.emit({
      kind: 'http_error',
      time: t.time(c), stream: r.stream, source: r.source, raw: rawText(c), requestId: c.rid,
      status: Number(st[1]),
      method: str(f['method']) ?? '',
      path: (str(f['path']) ?? '') + (query ? '?' + query : ''),
      latencyMs: typeof latency === 'number' ? latency : typeof latency === 'string' ? goDurationMs(latency) : null,
    });
    return true;
  }
  // SysLog: `[SYS] | One Hub v0.12.1 started`; context logs: `<rid> | <msg>` (`unknown` when there is none)
  let rid: string | undefined;
  if (msg.startsWith('[SYS] | ')) msg = msg.slice(8);
  else {
    const bar = msg.indexOf(' | ');
    if (bar > 0 && msg.lastIndexOf(' ', bar - 1) === -1) {
      rid = realRequestId(msg.slice(0, bar));
      msg = msg.slice(bar + 3);
    }
  }
  if (level !== 'FATAL' && !worthParsing(msg, 0)) return true;
  t.message(recordContext(r, idx, first, m[1]!, rid), cleanLine(msg.trimEnd()), level, idx);
  return true;
}

export const onehubZap: Dialect = { name: 'onehub-zap', firstChars: charRange('0', '9'), start, parse };
