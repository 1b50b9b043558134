// Where alerts go: a generic JSON webhook, the chat bots operators already watch (Feishu/Lark, DingTalk, WeCom,
// Slack, Telegram) and email over SMTP. Every delivery is bounded (a deadline across all attempts, a few retries
// with backoff) and returns a result instead of throwing: a target that is down or slow is reported, never fatal.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Env, FileConfig, SmtpSettings } from '../config.js';
import { InputError, UsageError } from '../errors.js';
import { sleep } from '../time.js';
import type { Lang } from '../i18n.js';
import { messageText, renderMessage } from './message.js';
import { webhookBody, type Alert } from './types.js';

export const FORMATS = ['webhook', 'feishu', 'dingtalk', 'wecom', 'slack', 'telegram', 'email'] as const;
export type Format = (typeof FORMATS)[number];

export interface Target {
  /** What the user wrote. */
  spec: string;
  format: Format;
  /** For HTTP formats: where to POST (Telegram's chat_id moved into the body). */
  url: string | null;
  /** Telegram chat id. */
  chatId?: string;
  /** Feishu "签名校验" / DingTalk "加签" secret, taken from a `secret=` query parameter goroscope adds to the URL. */
  secret?: string;
  /** For email: the recipients. */
  to: string[];
  /** How output names the target, without its secret parts (tokens live in bot URLs' paths and queries). */
  label: string;
}

/** Bot hosts and the format each speaks. */
const HOSTS: [RegExp, Format][] = [
  [/^open\.(feishu\.cn|larksuite\.com)$/i, 'feishu'], // https://open.feishu.cn/open-apis/bot/v2/hook/<token>
  [/^oapi\.dingtalk\.com$/i, 'dingtalk'], // https://oapi.dingtalk.com/robot/send?access_token=<token>
  [/^qyapi\.weixin\.qq\.com$/i, 'wecom'], // https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>
  [/^hooks\.slack\.com$/i, 'slack'], // https://hooks.slack.com/services/T…/B…/…
  [/^api\.telegram\.org$/i, 'telegram'], // https://api.telegram.org/bot<token>/sendMessage?chat_id=<id>
];

export function formatFromUrl(url: URL): Format {
  for (const [re, f] of HOSTS) if (re.test(url.hostname)) return f;
  return 'webhook';
}

/**
 * A `--notify` value: an http(s) URL (format from its host, or `--notify-format`), or `mailto:a@x[,b@y]`
 * (a bare `mailto:` sends to the config file's `smtp.to`).
 */
export function parseTarget(spec: string, formatFlag?: string, smtpTo: string[] = []): Target {
  if (formatFlag !== undefined && !(FORMATS as readonly string[]).includes(formatFlag)) {
    throw new UsageError('unknown --notify-format', formatFlag, `use one of: ${FORMATS.join(', ')}`);
  }
  if (/^mailto:/i.test(spec)) {
    const to = decodeURIComponent(spec.slice('mailto:'.length).split('?')[0] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const all = to.length > 0 ? to : smtpTo;
    if (all.length === 0) throw new UsageError('mailto: target names no address', spec, 'write mailto:ops@example.com, or set smtp.to in the config file');
    for (const a of all) if (!/^[^@\s]+@[^@\s]+$/.test(a)) throw new UsageError('not an email address', a, 'example: mailto:ops@example.com');
    return { spec, format: 'email', url: null, to: all, label: `email ${all.join(',')}` };
  }
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new UsageError('--notify takes an http(s) URL or mailto:ADDRESS', spec, 'example: --notify https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--notify takes an http(s) URL or mailto:ADDRESS', spec, 'example: --notify mailto:ops@example.com');
  }
  if (formatFlag === 'email') throw new UsageError('--notify-format email needs a mailto: target', spec);
  const format = (formatFlag as Format | undefined) ?? formatFromUrl(url);
  const target: Target = { spec, format, url: url.href, to: [], label: `${format} ${url.host}` };
  if ((format === 'feishu' || format === 'dingtalk') && url.searchParams.has('secret')) {
    target.secret = url.searchParams.get('secret') ?? '';
    url.searchParams.delete('secret');
    target.url = url.href;
  }
  if (format === 'telegram') {
    const chatId = url.searchParams.get('chat_id');
    if (!chatId) throw new UsageError('a Telegram target needs ?chat_id=', spec, 'example: https://api.telegram.org/bot<token>/sendMessage?chat_id=-100123');
    url.searchParams.delete('chat_id');
    target.url = url.href;
    target.chatId = chatId;
  }
  return target;
}

/** The JSON body each HTTP format expects. */
export function payload(target: Target, a: Alert, lang: Lang): unknown {
  const text = messageText(a, lang);
  switch (target.format) {
    case 'webhook':
      return webhookBody(a);
    case 'feishu':
      return { msg_type: 'text', content: { text } };
    case 'dingtalk':
      return { msgtype: 'text', text: { content: text } };
    case 'wecom':
      return { msgtype: 'text', text: { content: text } };
    case 'slack':
      return { text };
    case 'telegram':
      return { chat_id: target.chatId, text, disable_web_page_preview: true };
    case 'email':
      return { subject: renderMessage(a, lang).title, text };
  }
}

/** A bot answers 200 with its own error code for a bad token or a keyword/signature mismatch: read it. */
export function botError(format: Format, body: string): string | null {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (data === null || typeof data !== 'object') return null;
  if (format === 'feishu') {
    // {"code":0,"msg":"success"}; older hooks {"StatusCode":0,"StatusMessage":"success"}; errors {"code":19021,"msg":"sign match fail…"}
    const code = data.code ?? data.StatusCode;
    if (typeof code === 'number' && code !== 0) return `feishu code ${code}: ${String(data.msg ?? data.StatusMessage ?? '')}`;
  } else if (format === 'dingtalk' || format === 'wecom') {
    // {"errcode":0,"errmsg":"ok"}; {"errcode":310000,"errmsg":"keywords not in content"}
    if (typeof data.errcode === 'number' && data.errcode !== 0) return `${format} errcode ${data.errcode}: ${String(data.errmsg ?? '')}`;
  } else if (format === 'telegram') {
    // {"ok":true,"result":{…}}; {"ok":false,"error_code":400,"description":"Bad Request: chat not found"}
    if (data.ok === false) return `telegram ${String(data.error_code ?? '')}: ${String(data.description ?? '')}`;
  }
  return null;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: 'tls' | 'starttls' | 'none';
  user?: string;
  pass?: string;
  from: string;
  /** Extra CA certificates (PEM) trusted for this server besides the system's: a self-signed or private-CA server. */
  ca?: string;
}

export interface SmtpFlags {
  smtpHost?: string;
  smtpPort?: string;
  smtpSecure?: string;
  smtpUser?: string;
  smtpFrom?: string;
  smtpCa?: string;
}

/**
 * SMTP settings: flag, else GOROSCOPE_SMTP_HOST / _PORT / _SECURE / _USER / _PASS / _FROM, else the config file's
 * `smtp`. The password never comes from a flag (it would show in `ps`). Null when no host is set anywhere.
 * `--smtp-ca FILE` / GOROSCOPE_SMTP_CA / `smtp.ca`: a PEM file of certificates trusted for the server on top of the
 * system's (a self-signed or private-CA mail server); read here, so a missing file is refused before anything runs.
 */
export function resolveSmtp(flags: SmtpFlags, env: Env, file: FileConfig): SmtpConfig | null {
  const s: SmtpSettings = file.smtp ?? {};
  const host = flags.smtpHost ?? (env.GOROSCOPE_SMTP_HOST || undefined) ?? s.host;
  if (!host) return null;
  const secureText = flags.smtpSecure ?? (env.GOROSCOPE_SMTP_SECURE || undefined) ?? s.secure;
  if (secureText !== undefined && secureText !== 'tls' && secureText !== 'starttls' && secureText !== 'none') {
    throw new UsageError('SMTP TLS mode must be tls, starttls or none', secureText);
  }
  const portText = flags.smtpPort ?? (env.GOROSCOPE_SMTP_PORT || undefined) ?? s.port;
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError('SMTP port must be 1–65535', String(portText));
  }
  const secure = (secureText as SmtpConfig['secure'] | undefined) ?? (port === 465 ? 'tls' : 'starttls');
  port ??= secure === 'tls' ? 465 : secure === 'starttls' ? 587 : 25;
  const user = flags.smtpUser ?? (env.GOROSCOPE_SMTP_USER || undefined) ?? s.user;
  const pass = (env.GOROSCOPE_SMTP_PASS || undefined) ?? s.pass;
  const from = flags.smtpFrom ?? (env.GOROSCOPE_SMTP_FROM || undefined) ?? s.from ?? user ?? `goroscope@${hostname()}`;
  const caFile = flags.smtpCa ?? (env.GOROSCOPE_SMTP_CA || undefined) ?? s.ca;
  let ca: string | undefined;
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (err) {
      throw new InputError('cannot read the SMTP CA file', caFile, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new InputError('the SMTP CA file holds no PEM certificate', caFile);
  }
  return { host, port, secure, from, ...(user ? { user } : {}), ...(pass ? { pass } : {}), ...(ca ? { ca } : {}) };
}

export interface DeliveryOptions {
  lang: Lang;
  /** Deadline for one delivery, all attempts and waits included. */
  timeoutMs: number;
  /** Extra attempts after the first (network errors, timeouts, HTTP 429 and 5xx only). */
  retries: number;
  smtp: SmtpConfig | null;
  signal?: AbortSignal;
  /** First wait between attempts, doubled each time (default 500 ms). */
  backoffMs?: number;
}

export interface Delivery {
  target: string;
  format: Format;
  container: string;
  ok: boolean;
  attempts: number;
  error?: string;
  ms: number;
}

class Permanent extends Error {}

const USER_AGENT = 'goroscope-alert';
const BACKOFF_MS = 500;


/**
 * A signed request for bots with a secret, made fresh for each attempt (the signature carries the time).
 * Feishu: body gets `timestamp` (seconds) and `sign` = base64(HMAC-SHA256(key = "timestamp\nsecret", message = "")).
 * DingTalk: URL gets `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key = secret, message = "timestamp\nsecret")).
 */
export function signed(target: Target, body: unknown, now: number): { url: string; body: unknown } {
  if (target.secret === undefined) return { url: target.url!, body };
  if (target.format === 'feishu') {
    const ts = String(Math.floor(now / 1000));
    const sign = createHmac('sha256', `${ts}\n${target.secret}`).update('').digest('base64');
    return { url: target.url!, body: { timestamp: ts, sign, ...(body as object) } };
  }
  const ts = String(now);
  const sign = createHmac('sha256', target.secret).update(`${ts}\n${target.secret}`).digest('base64');
  const url = new URL(target.url!);
  url.searchParams.set('timestamp', ts);
  url.searchParams.set('sign', sign);
  return { url: url.href, body };
}

/** Aborts on either signal (AbortSignal.any is missing before Node 20.3); `done()` drops the listeners. */
function either(a: AbortSignal, b: AbortSignal | undefined): { signal: AbortSignal; done: () => void } {
  const c = new AbortController();
  const stop = () => c.abort();
  if (a.aborted || b?.aborted) c.abort();
  a.addEventListener('abort', stop, { once: true });
  b?.addEventListener('abort', stop, { once: true });
  return {
    signal: c.signal,
    done: () => {
      a.removeEventListener('abort', stop);
      b?.removeEventListener('abort', stop);
    },
  };
}

async function postJson(target: Target, unsigned: unknown, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const { url, body } = signed(target, unsigned, Date.now());
  const abort = either(timeout, signal);
  try {
    await exchange(target, url, body, timeout, abort.signal, timeoutMs);
  } finally {
    abort.done();
  }
}

async function exchange(target: Target, url: string, body: unknown, timeout: AbortSignal, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': USER_AGENT },
    body: JSON.stringify(body),
    signal,
    redirect: 'error',
  }).catch((err: Error) => {
    throw timeout.aborted ? new AttemptTimeout(timeoutMs) : new Error(signal.aborted ? 'interrupted' : describeFetchError(err));
  });
  const text = await res.text().catch(() => {
    throw timeout.aborted ? new AttemptTimeout(timeoutMs) : new Error(signal.aborted ? 'interrupted' : 'connection dropped while reading the answer');
  });
  if (res.status === 429 || res.status >= 500) throw new Error(`HTTP ${res.status}`);
  if (res.status < 200 || res.status >= 300) throw new Permanent(`HTTP ${res.status}${text ? `: ${text.slice(0, 120)}` : ''}`);
  const bot = botError(target.format, text);
  if (bot) throw new Permanent(bot);
}

function describeFetchError(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return cause?.message ?? err.message;
}

async function sendMail(target: Target, a: Alert, opts: DeliveryOptions, timeoutMs: number): Promise<void> {
  const smtp = opts.smtp;
  if (!smtp) throw new Permanent('no SMTP host (--smtp-host, GOROSCOPE_SMTP_HOST or config smtp.host)');
  const { createTransport } = await import('nodemailer');
  const { rootCertificates } = await import('node:tls');
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure === 'tls',
    requireTLS: smtp.secure === 'starttls',
    ignoreTLS: smtp.secure === 'none',
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    // Node's `ca` replaces the system roots: keep them and add the given certificates.
    ...(smtp.ca ? { tls: { ca: [...rootCertificates, smtp.ca] } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  const { title, lines } = renderMessage(a, opts.lang);
  try {
    await Promise.race([
      transport.sendMail({ from: smtp.from, to: target.to, subject: title, text: `${lines.join('\n')}\n` }),
      new Promise((_, reject) => setTimeout(() => reject(new AttemptTimeout(timeoutMs)), timeoutMs).unref()),
    ]);
  } catch (err) {
    const e = err as Error & { responseCode?: number; code?: string };
    // 5xx SMTP replies (bad recipient, auth refused) will not get better by trying again.
    if (e.responseCode !== undefined && e.responseCode >= 500) throw new Permanent(`SMTP ${e.responseCode}: ${e.message}`);
    if (e.code === 'EAUTH') throw new Permanent(`SMTP authentication failed: ${e.message}`);
    // A certificate that is not trusted will not become trusted by trying again (nodemailer reports it as ESOCKET).
    if (/certificate|Hostname\/IP does not match/i.test(e.message)) {
      throw new Permanent(`TLS certificate of ${smtp.host} not trusted (${e.message}); trust its CA with --smtp-ca FILE or GOROSCOPE_SMTP_CA`);
    }
    throw new Error(e.message);
  } finally {
    transport.close();
  }
}

/** An attempt that got no answer within the time it was given. */
class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** Deliver one alert to one target, within `opts.timeoutMs` whatever the target does. Never throws. */
export async function deliver(target: Target, a: Alert, opts: DeliveryOptions): Promise<Delivery> {
  const start = Date.now();
  const deadline = start + opts.timeoutMs;
  let attempts = 0;
  let error = 'not attempted';
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining < 50 || opts.signal?.aborted) break;
    attempts += 1;
    try {
      if (target.format === 'email') await sendMail(target, a, opts, remaining);
      else await postJson(target, payload(target, a, opts.lang), remaining, opts.signal);
      return { target: target.label, format: target.format, container: a.container, ok: true, attempts, ms: Date.now() - start };
    } catch (err) {
      // An attempt gets what is left of the deadline; the user is told the deadline itself.
      error = err instanceof AttemptTimeout ? `no answer within ${opts.timeoutMs} ms` : (err as Error).message;
      if (err instanceof Permanent || attempts > opts.retries) break;
    }
    const wait = (opts.backoffMs ?? BACKOFF_MS) * 2 ** (attempts - 1);
    if (Date.now() + wait >= deadline) break;
    await sleep(wait, opts.signal);
  }
  return { target: target.label, format: target.format, container: a.container, ok: false, attempts, error, ms: Date.now() - start };
}
