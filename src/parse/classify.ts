// Why a relay failed and which kind of timeout it was, from the text Go and One API print.
import type { Cause, TimeoutClass } from '../events.js';
import { STATUS_IN_TEXT, TIMEOUT_TEXT, TIMEOUT_WORD } from './patterns.js';

/** Texts are classified on their first characters only (a megabyte line costs no more than a short one). */
const CLASSIFY_CHARS = 4096;

/**
 * The timeout class named by a text, or null when it names no timeout.
 * Most specific first: `context deadline exceeded (Client.Timeout exceeded while awaiting headers)` is awaiting_headers.
 */
export function classifyTimeout(text: string): TimeoutClass | null {
  if (text.length > CLASSIFY_CHARS) text = text.slice(0, CLASSIFY_CHARS);
  // Fast exit: every timeout text has one of these words.
  if (!TIMEOUT_TEXT.test(text)) return null;
  // `Post "https://…": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
  // `net/http: timeout awaiting response headers`, `http2: timeout awaiting response headers`
  if (text.includes('while awaiting headers') || text.includes('timeout awaiting response headers')) return 'awaiting_headers';
  // `context deadline exceeded (Client.Timeout or context cancellation while reading body)`
  if (text.includes('while reading body')) return 'reading_body';
  // `Post "https://…": net/http: TLS handshake timeout`
  if (text.includes('TLS handshake timeout')) return 'tls_handshake';
  // `dial tcp 104.18.6.192:443: i/o timeout`, `proxyconnect tcp: dial tcp …: i/o timeout`, `connect: connection timed out`
  if ((text.includes('i/o timeout') && text.includes('dial ')) || text.includes('connection timed out')) return 'dial';
  // ezlinkai stream scanner: `streaming timeout`, `data handler timeout`, `ping data send timeout`; audio/TTS stream timeouts
  if (STREAMING.test(text)) return 'streaming';
  // a proxy's plain-text 504 body
  if (text.includes('upstream request timeout')) return 'upstream';
  // channel test too slow: `响应时间 12.35s 超过阈值 10.00s`
  if (text.includes('超过阈值') && text.includes('响应时间')) return 'slow_response';
  if (text.includes('deadline exceeded')) return 'deadline';
  if (TIMEOUT_WORD.test(text)) return 'other';
  return null;
}

const STREAMING = /streaming timeout|data handler timeout|ping data send timeout|[Ss]tream processing timeout|stream ended with issues: reason=timeout/;

// Word-bounded status numbers in a text: `bad response status code 429`, `status code: 401`, `(状态码: 503)`.
const RATE_TEXT = /[Rr]ate limit|rate_limit|too many requests|Too Many Requests|\b429\b/;
const QUOTA_TEXT = /[Qq]uota|QUOTA|[Ii]nsufficient|INSUFFICIENT|已欠费|[Bb]illing|余额不足/;
const AUTH_TEXT = /Incorrect API key|invalid_api_key|[Ii]nvalid API key|API key not valid|[Uu]nauthorized|\b40[13]\b/;
const NETWORK_TEXT = /connection refused|no such host|\bEOF\b|reset by peer|broken pipe|network is unreachable|no route to host/;
const UPSTREAM_5XX_TEXT = /(?:status code:? |状态码: ?)5\d\d\b|Bad Gateway|Service Unavailable|Gateway Time-?out/;

/**
 * The cause of a relay error from its text and HTTP status (when the line carries one); `timeoutClass` is
 * classifyTimeout(text), when the caller has it already.
 * Text evidence wins over the status: One API wraps network errors as status 500.
 */
export function classifyCause(text: string, status: number | null, timeoutClass: TimeoutClass | null = classifyTimeout(text)): Cause {
  return causeOf(textClass(text, timeoutClass, null), status);
}

/** What a relay error's text says, read once: its timeout class, the status it names, and the cause evidence in it. */
export interface TextClass {
  timeoutClass: TimeoutClass | null;
  /** `bad response status code 503`, `status code: 429`, `(状态码: 503)`: the first such status, or null. */
  statusInText: number | null;
  /** The cause the text names (timeout, rate limit, quota, auth, network), which wins over the status; or null. */
  byText: Cause | null;
  /** The text names an upstream 5xx (`status code 502`, `Bad Gateway`, …): the cause when the status says nothing. */
  upstream5xx: boolean;
}

function textClass(text: string, timeoutClass: TimeoutClass | null, statusInText: number | null): TextClass {
  // an upstream body can be long; what names the cause is near its start
  if (text.length > CLASSIFY_CHARS) text = text.slice(0, CLASSIFY_CHARS);
  let byText: Cause | null = null;
  if (timeoutClass !== null) byText = 'timeout';
  else if (RATE_TEXT.test(text) && !/quota/i.test(text)) byText = 'rate_limit';
  else if (QUOTA_TEXT.test(text)) byText = 'quota';
  else if (AUTH_TEXT.test(text)) byText = 'auth';
  else if (NETWORK_TEXT.test(text)) byText = 'network';
  return { timeoutClass, statusInText, byText, upstream5xx: byText === null && UPSTREAM_5XX_TEXT.test(text) };
}

/** The cause from what the text says and the HTTP status (the line's own, else the one in the text). */
export function causeOf(c: TextClass, status: number | null): Cause {
  if (c.byText !== null) return c.byText;
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if ((status !== null && status >= 500 && status <= 599) || c.upstream5xx) return 'upstream_5xx';
  return 'other';
}

/**
 * Texts classified lately, by text: a gateway in trouble logs the same upstream error again and again (one key,
 * one channel, one outage), and reading a text costs up to eight pattern searches. Bounded (emptied when full); texts
 * longer than MEMO_TEXT_CHARS are read every time.
 */
const memo = new Map<string, TextClass>();
const MEMO_SIZE = 1024;
const MEMO_TEXT_CHARS = 600;

/** The texts of the last relay errors and their classes, a ring (a few upstream errors take turns). */
const RECENT = 4;
const recentTexts: string[] = new Array<string>(RECENT).fill('');
const recentClasses: (TextClass | undefined)[] = new Array<TextClass | undefined>(RECENT);
let recentAt = 0;

/** A relay error text's class (TextClass): the same answer as reading it anew, remembered for the next equal text. */
export function relayTextClass(text: string): TextClass {
  // the last texts first, compared as they are (a map lookup hashes the whole text first)
  for (let i = 0; i < RECENT; i++) {
    const r = recentTexts[i]!;
    if (r.length === text.length && r === text) {
      const k = recentClasses[i];
      if (k !== undefined) return k;
    }
  }
  let known = memo.get(text);
  if (known === undefined) known = readTextClass(text);
  recentTexts[recentAt] = text;
  recentClasses[recentAt] = known;
  recentAt = (recentAt + 1) % RECENT;
  return known;
}

function readTextClass(text: string): TextClass {
  let statusInText: number | null = null;
  if (text.includes('status code') || text.includes('状态码')) {
    const s = STATUS_IN_TEXT.exec(text);
    if (s !== null) statusInText = Number(s[1]);
  }
  const c = textClass(text, classifyTimeout(text), statusInText);
  if (text.length <= MEMO_TEXT_CHARS) {
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(text, c);
  }
  return c;
}
