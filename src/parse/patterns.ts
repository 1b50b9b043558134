// The message-level patterns shared by every dialect (text eras, JSON, zap). Each has the line it matches beside it.

/**
 * Relay error heads, all eras and forks:
 * - `relay error (channel id 3, user id: 1): Rate limit reached…` (v0.6.7 → HEAD)
 * - `relay error (channel #8): invalid character 'd' …` (v0.4.5 – v0.6.6, ezlinkai 2024); `Relay error (channel #2): …` (≤ v0.4.5)
 * - `relay error (channel #3, status code: 500): do request failed…` (new-api; MJ: `status code 500`)
 * - `relay error (channel #4(openai-a)): …` (one-hub)
 * - `relay error (userId #34,channel #12): …` (ezlinkai ≥ 2025-03)
 * - `channel error (channel #3, status code: 500): …` (newer new-api)
 */
export const RELAY_ERROR =
  /(?:[Rr]elay|[Cc]hannel) error \((?:channel id (\d+), user id: (\d+)|channel #(\d+)(?:\(([^)]{0,200})\))?(?:, status code:? (\d+))?|userId #(\d+), ?channel #(\d+))\):? ?/;

/** `bad response status code 503`, `status code: 429`, `(状态码: 503)` inside a relay error message. */
export const STATUS_IN_TEXT = /(?:status code:? |状态码: ?)(\d{3})\b/;

/** ` (request id: 20231107012506800687616B4podcA5)` that era B appends to the relay error message. */
export const REQUEST_ID_SUFFIX = / \(request id: (\S+)\)$/;

/**
 * - `using channel #7 to retry (remain times 2)` (upstream, new-api)
 * - `using channel #7(openai-b) to retry (remain times 2)` (one-hub)
 * - `Using channel #7 to retry (remain times 2)` (ezlinkai MJ/Claude/Gemini paths)
 */
export const RETRY = /[Uu]sing channel #(\d+)(?:\(([^)]{0,200})\))? to retry(?: \w+ request)? \(remain times (\d+)\)/;

/** ezlinkai `Retry: 模型=gpt-4o, 原因=…, 尝试=1/3, 用户ID=34, 请求ID=…, 渠道切换: #12(openai-a) -> #15(openai-b)` */
export const RETRY_EZ = /渠道切换: #(\d+)\(([^)]{0,200})\) -> #(\d+)\(([^)]{0,200})\)/;

/**
 * - `channel #5 has been disabled: Incorrect API key provided: sk-abc***xyz. …`
 * - `channel #3 has been disabled due to low success rate: 12.50`
 * - `channel #9 has been enabled`
 * - `Channel #9 (openai-a) has been disabled: …` (capitalised / named variants)
 */
export const CHANNEL_STATE = /[Cc]hannel #(\d+)(?: ?\(([^)]{0,200})\))? has been (disabled|enabled)(?: due to (low success rate: [\d.]+%?))?(?::? ?([\s\S]*))?/;

/** new-api notices, when logged: `通道「openai-a」（#12）已被禁用，原因：…`, `渠道「x」（#3）已被启用` */
export const CHANNEL_STATE_ZH = /(?:通道|渠道)「([^」]{0,200})」（#(\d+)）已被(禁用|启用)(?:[，,]\s*原因[：:]\s*([\s\S]*))?/;

/** ezlinkai monitor: `⚠️ High goroutine count detected: 5234`, `⚠️ Goroutine count elevated: 2417`, `Goroutine count: 312` */
export const GOROUTINE = /(High goroutine count detected|Goroutine count elevated|Goroutine count): (\d+)/;

/** ezlinkai DEBUG: `Memory: Alloc=812MB, TotalAlloc=91234MB, Sys=1630MB, NumGC=4521` */
export const MEMORY = /Memory: Alloc=(\d+(?:\.\d+)?)MB(?:, TotalAlloc=(\d+(?:\.\d+)?)MB)?(?:, Sys=(\d+(?:\.\d+)?)MB)?(?:, NumGC=(\d+))?/;

/**
 * `One API v0.6.7 started`, `New API v0.6.0.3 started`, `One Hub v0.12.1 started`, `One API started`, and a build
 * whose version is empty (`One API %s started` with ""): `One API  started` → version null.
 */
export const STARTUP = /^(One API|New API|One Hub)(?: (\S*))? started$/;

/**
 * The cheap first test every dialect runs before any regex: does the message (starting at `at`) begin with the
 * keyword of an event, or does the line name a timeout anywhere? Messages that fail it — the bulk of `[INFO]` / `[SYS]`
 * traffic — cost a switch on one character and one short regex.
 */
export function worthParsing(s: string, at: number, scanTimeouts = true): boolean {
  const c = s.charCodeAt(at);
  const list = c < 128 ? PREFIXES_ASCII[c] : PREFIXES.get(c);
  if (list !== undefined) for (let i = 0; i < list.length; i++) if (s.startsWith(list[i]!, at)) return true;
  if (!scanTimeouts) return false;
  TIMEOUT_SCAN.lastIndex = at;
  return TIMEOUT_SCAN.test(s);
}

// Timeout words, the one owner: every text that names a timeout holds one of them, anywhere.
/** `i/o timeout`, `TLS handshake Timeout`, `connection timed out`, `TIMEOUT`, `请求超时`: the words alone. */
const TIMEOUT_WORD_SOURCE = '[Tt]ime(?:out|d out)|TIMEOUT|超时';
/** The words, `context deadline exceeded` and a channel test's `响应时间 12.35s 超过阈值 10.00s`. */
const TIMEOUT_TEXT_SOURCE = `${TIMEOUT_WORD_SOURCE}|deadline exceeded|超过阈值`;

/** Does a text name a timeout at all (the first test of every timeout class)? */
export const TIMEOUT_TEXT = new RegExp(TIMEOUT_TEXT_SOURCE);
/** A timeout word (`timeout`, `timed out`, `超时`): a timeout of no known class. */
export const TIMEOUT_WORD = new RegExp(TIMEOUT_WORD_SOURCE);
/** TIMEOUT_TEXT, global so that `lastIndex` starts the search at the message, not at the line's prefix. */
const TIMEOUT_SCAN = new RegExp(TIMEOUT_TEXT_SOURCE, 'g');

/** Message beginnings that can make an event, by first character; and as UTF-8, by first byte. */
const PREFIXES = new Map<number, string[]>();
/** PREFIXES for the ASCII characters, by index (an array read costs less than a map lookup, once per app line). */
const PREFIXES_ASCII: (string[] | undefined)[] = new Array<string[] | undefined>(128);
const PREFIX_BYTES: (Uint8Array[] | undefined)[] = new Array<Uint8Array[] | undefined>(256);
for (const p of [
  'relay error (', // relay error (channel id 3, user id: 1): …
  'Relay error (', // Relay error (channel #2): … (≤ v0.4.5)
  'request: ', // request: POST /v1/chat/completions (panic part)
  'request body: ', // request body: {…} (panic part)
  'Retry: ', // ezlinkai Retry: 模型=…, 渠道切换: #12(a) -> #15(b)
  'using channel #', // using channel #7 to retry (remain times 2)
  'Using channel #',
  'channel #', // channel #5 has been disabled: …
  'channel error (', // new-api: channel error (channel #3, status code: 500): …
  '通道「', // new-api notice: 通道「x」（#12）已被禁用
  '渠道「',
  'Channel #',
  'child goroutine panic', // ezlinkai SafeGoroutine
  '⚠', // ⚠️ High goroutine count detected: 5234
  'Goroutine count', // Goroutine count: 312
  'High goroutine count',
  'Memory: ', // Memory: Alloc=812MB, …
  'One API ', // One API v0.6.7 started
  'One Hub ',
  'New API ',
  'panic detected: ',
  'stacktrace from panic: ',
]) {
  const c = p.charCodeAt(0);
  const list = PREFIXES.get(c) ?? [];
  list.push(p);
  PREFIXES.set(c, list);
  if (c < 128) PREFIXES_ASCII[c] = list;
  const bytes = Buffer.from(p, 'utf8');
  const blist = PREFIX_BYTES[bytes[0]!] ?? [];
  blist.push(bytes);
  PREFIX_BYTES[bytes[0]!] = blist;
}

/**
 * worthParsing's prefix test on UTF-8 bytes (`scanTimeouts` false): does the message at byte `at` begin with the
 * keyword of an event? UTF-8 keeps prefixes, so this is the character test whatever the bytes before `at` are.
 */
export function eventPrefixAt(b: Uint8Array, at: number, to: number): boolean {
  if (at >= to) return false;
  const list = PREFIX_BYTES[b[at]!];
  if (list === undefined) return false;
  for (const p of list) {
    if (to - at < p.length) continue;
    let k = 1;
    while (k < p.length && b[at + k] === p[k]) k++;
    if (k === p.length) return true;
  }
  return false;
}

/** Requests ids that mean "none": era B `%!s(<nil>)`, new-api `SYSTEM`, one-hub `unknown`. */
export function realRequestId(id: string | undefined | null): string | undefined {
  if (id === undefined || id === null || id === '' || id === '%!s(<nil>)' || id === 'SYSTEM' || id === 'unknown' || id === '-') return undefined;
  return id;
}

/** One `<number><unit>` of a Go duration, read where the last one ended (one object for every call: gin's 5xx lines). */
const GO_DURATION_PART = /(\d+(?:\.\d+)?)(ns|µs|μs|us|ms|s|m|h)/y;

/**
 * Go duration → ms: `850ns`, `118.604µs`, `3.402117ms`, `2.137854913s`, `1m12.40329107s`, `1h2m3s`; null when not one.
 */
export function goDurationMs(text: string): number | null {
  const t = text.trim();
  const re = GO_DURATION_PART;
  re.lastIndex = 0;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    const v = Number(m[1]);
    switch (m[2]) {
      case 'ns': total += v / 1e6; break;
      case 'µs': case 'μs': case 'us': total += v / 1e3; break;
      case 'ms': total += v; break;
      case 's': total += v * 1e3; break;
      case 'm': total += v * 60e3; break;
      case 'h': total += v * 3600e3; break;
    }
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== t.length) return null;
  return Math.round(total * 1000) / 1000;
}
