// Targets: parsing --notify values, each format's body as a real HTTP server receives it, bot error codes,
// retries, a refused connection and a target that hangs; email through a real SMTP server in English and Chinese.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoroscopeError } from '../../src/errors.js';
import { deliver, parseTarget, resolveSmtp, type DeliveryOptions, type Format } from '../../src/notify/targets.js';
import { alert, httpRecorder, parseMail, smtpRecorder, type HttpRecorder } from '../helpers/servers.js';

const EN_TEXT = '[goroscope] CRITICAL: one-api (was WARNING)\nGoroutines: 5234\nReasons: goroutines 5234 ≥ 5000\nTime: 2026-11-26T10:00:00.000Z';
const ZH_TEXT = '[goroscope] 严重：one-api（之前：警告）\nGoroutine 数：5234\n原因：goroutines 5234 ≥ 5000\n时间：2026-11-26T10:00:00.000Z';

const opts = (o: Partial<DeliveryOptions> = {}): DeliveryOptions => ({ lang: 'en', timeoutMs: 3000, retries: 2, smtp: null, backoffMs: 50, ...o });

describe('parseTarget', () => {
  const cases: { name: string; input: [string, string?]; want: { format: Format; url: string | null; label: string; chatId?: string } }[] = [
    {
      name: 'feishu by host',
      input: ['https://open.feishu.cn/open-apis/bot/v2/hook/abc'],
      want: { format: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc', label: 'feishu open.feishu.cn' },
    },
    {
      name: 'lark by host',
      input: ['https://open.larksuite.com/open-apis/bot/v2/hook/abc'],
      want: { format: 'feishu', url: 'https://open.larksuite.com/open-apis/bot/v2/hook/abc', label: 'feishu open.larksuite.com' },
    },
    {
      name: 'dingtalk by host',
      input: ['https://oapi.dingtalk.com/robot/send?access_token=t'],
      want: { format: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=t', label: 'dingtalk oapi.dingtalk.com' },
    },
    {
      name: 'wecom by host',
      input: ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k'],
      want: { format: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', label: 'wecom qyapi.weixin.qq.com' },
    },
    {
      name: 'slack by host',
      input: ['https://hooks.slack.com/services/T/B/x'],
      want: { format: 'slack', url: 'https://hooks.slack.com/services/T/B/x', label: 'slack hooks.slack.com' },
    },
    {
      name: 'telegram by host: chat_id moves to the body',
      input: ['https://api.telegram.org/bot123:abc/sendMessage?chat_id=-10042'],
      want: { format: 'telegram', url: 'https://api.telegram.org/bot123:abc/sendMessage', label: 'telegram api.telegram.org', chatId: '-10042' },
    },
    { name: 'any other URL is a webhook', input: ['http://10.0.0.5:9000/hook'], want: { format: 'webhook', url: 'http://10.0.0.5:9000/hook', label: 'webhook 10.0.0.5:9000' } },
    { name: '--notify-format overrides the host', input: ['http://127.0.0.1:1/x', 'dingtalk'], want: { format: 'dingtalk', url: 'http://127.0.0.1:1/x', label: 'dingtalk 127.0.0.1:1' } },
    { name: 'mailto with two addresses', input: ['mailto:a@example.com,b@example.com'], want: { format: 'email', url: null, label: 'email a@example.com,b@example.com' } },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    const t = parseTarget(input[0], input[1]);
    expect({ format: t.format, url: t.url, label: t.label, ...(t.chatId ? { chatId: t.chatId } : {}) }).toEqual(want);
  });

  const bad: { name: string; input: [string, string?]; want: string }[] = [
    { name: 'not a URL', input: ['feishu'], want: 'error: --notify takes an http(s) URL or mailto:ADDRESS (feishu)' },
    { name: 'ftp', input: ['ftp://x/y'], want: 'error: --notify takes an http(s) URL or mailto:ADDRESS (ftp://x/y)' },
    { name: 'unknown format', input: ['http://x/', 'teams'], want: 'error: unknown --notify-format (teams)' },
    { name: 'telegram without chat_id', input: ['https://api.telegram.org/bot1:a/sendMessage'], want: 'error: a Telegram target needs ?chat_id= (https://api.telegram.org/bot1:a/sendMessage)' },
    { name: 'mailto without address', input: ['mailto:'], want: 'error: mailto: target names no address (mailto:)' },
    { name: 'mailto with a bad address', input: ['mailto:ops'], want: 'error: not an email address (ops)' },
  ];
  it.each(bad)('rejects $name', ({ input, want }) => {
    let got: unknown;
    try {
      parseTarget(input[0], input[1]);
    } catch (e) {
      got = e;
    }
    expect(got).toBeInstanceOf(GoroscopeError);
    expect({ line: (got as GoroscopeError).headline(), exit: (got as GoroscopeError).exitCode }).toEqual({ line: want, exit: 64 });
  });
});

describe('resolveSmtp', () => {
  const cases = [
    { name: 'nothing set', input: { flags: {}, env: {}, file: {} }, want: null },
    {
      name: 'flags beat env beat config; 465 means tls',
      input: { flags: { smtpHost: 'flag.example' }, env: { GOROSCOPE_SMTP_HOST: 'env.example', GOROSCOPE_SMTP_PORT: '465', GOROSCOPE_SMTP_PASS: 'pw' }, file: { smtp: { host: 'file.example', user: 'u@example.com' } } },
      want: { host: 'flag.example', port: 465, secure: 'tls', user: 'u@example.com', pass: 'pw', from: 'u@example.com' },
    },
    {
      name: 'config only, starttls default port',
      input: { flags: {}, env: {}, file: { smtp: { host: 'mail.example', from: 'alerts@example.com' } } },
      want: { host: 'mail.example', port: 587, secure: 'starttls', from: 'alerts@example.com' },
    },
    { name: 'none → 25', input: { flags: { smtpHost: 'h', smtpSecure: 'none', smtpFrom: 'a@b' }, env: {}, file: {} }, want: { host: 'h', port: 25, secure: 'none', from: 'a@b' } },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect(resolveSmtp(input.flags, input.env, input.file as never)).toEqual(want);
  });
  it('rejects a bad TLS mode and a bad port', () => {
    expect(() => resolveSmtp({ smtpHost: 'h', smtpSecure: 'ssl' }, {}, {})).toThrow('SMTP TLS mode must be tls, starttls or none');
    expect(() => resolveSmtp({ smtpHost: 'h', smtpPort: '70000' }, {}, {})).toThrow('SMTP port must be 1–65535');
  });
});

describe('HTTP formats against a real server', () => {
  let server: HttpRecorder;
  beforeAll(async () => {
    server = await httpRecorder();
  });
  afterAll(() => server.close());

  const shapes: { name: string; input: { format: Format; lang: 'en' | 'zh'; query?: string }; want: unknown }[] = [
    {
      name: 'webhook',
      input: { format: 'webhook', lang: 'en' },
      want: { container: 'one-api', host: null, level: 'critical', previous: 'warning', reasons: ['goroutines 5234 ≥ 5000'], goroutines: 5234, time: '2026-11-26T10:00:00.000Z', event: null },
    },
    { name: 'feishu', input: { format: 'feishu', lang: 'zh' }, want: { msg_type: 'text', content: { text: ZH_TEXT } } },
    { name: 'dingtalk', input: { format: 'dingtalk', lang: 'zh' }, want: { msgtype: 'text', text: { content: ZH_TEXT } } },
    { name: 'wecom', input: { format: 'wecom', lang: 'en' }, want: { msgtype: 'text', text: { content: EN_TEXT } } },
    { name: 'slack', input: { format: 'slack', lang: 'en' }, want: { text: EN_TEXT } },
    { name: 'telegram', input: { format: 'telegram', lang: 'en', query: '?chat_id=-100777' }, want: { chat_id: '-100777', text: EN_TEXT, disable_web_page_preview: true } },
  ];
  it.each(shapes)('$name body', async ({ input, want }) => {
    const before = server.posts.length;
    const path = `/${input.format}${input.query ?? ''}`;
    const d = await deliver(parseTarget(`${server.url}${path}`, input.format), alert, opts({ lang: input.lang }));
    expect(d).toMatchObject({ ok: true, attempts: 1, format: input.format, container: 'one-api' });
    const got = server.posts.slice(before);
    expect(got.map((p) => ({ method: p.method, path: p.path, type: p.contentType, json: p.json }))).toEqual([
      { method: 'POST', path: `/${input.format}`, type: 'application/json; charset=utf-8', json: want },
    ]);
  });
});

describe('signed bots (Feishu 签名校验, DingTalk 加签) against a real server', () => {
  it('Feishu: timestamp (s) and sign in the body; the secret never leaves goroscope', async () => {
    const server = await httpRecorder();
    try {
      const t = parseTarget(`${server.url}/hook/abc?secret=SEC123`, 'feishu');
      expect({ url: t.url, label: t.label }).toEqual({ url: `${server.url}/hook/abc`, label: `feishu 127.0.0.1:${server.port}` });
      const d = await deliver(t, alert, opts());
      expect(d.ok).toBe(true);
      const p = server.posts[0]!;
      const body = p.json as { timestamp: string; sign: string; msg_type: string; content: { text: string } };
      expect({ path: p.path, keys: Object.keys(body), secretSent: p.body.includes('SEC123') }).toEqual({ path: '/hook/abc', keys: ['timestamp', 'sign', 'msg_type', 'content'], secretSent: false });
      expect(Math.abs(Number(body.timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(body.sign).toBe(createHmac('sha256', `${body.timestamp}\nSEC123`).update('').digest('base64'));
      expect(body.content.text).toBe(EN_TEXT);
    } finally {
      await server.close();
    }
  });

  it('DingTalk: timestamp (ms) and sign in the query, next to the access token', async () => {
    const server = await httpRecorder();
    try {
      const d = await deliver(parseTarget(`${server.url}/robot/send?access_token=tok&secret=SEC9`, 'dingtalk'), alert, opts());
      expect(d.ok).toBe(true);
      const q = new URL(server.posts[0]!.path, server.url).searchParams;
      const ts = q.get('timestamp')!;
      expect({ keys: [...q.keys()], token: q.get('access_token') }).toEqual({ keys: ['access_token', 'timestamp', 'sign'], token: 'tok' });
      expect(q.get('sign')).toBe(createHmac('sha256', 'SEC9').update(`${ts}\nSEC9`).digest('base64'));
      expect(server.posts[0]!.json).toEqual({ msgtype: 'text', text: { content: EN_TEXT } });
    } finally {
      await server.close();
    }
  });
});

describe('delivery failures', () => {
  const cases: { name: string; input: { answers: ({ status: number; body?: string } | 'hang')[]; format: Format; timeoutMs?: number }; want: { ok: boolean; attempts: number; posts: number; error?: RegExp } }[] = [
    { name: 'a 500 then a 200: retried once', input: { answers: [{ status: 500 }, { status: 200 }], format: 'webhook' }, want: { ok: true, attempts: 2, posts: 2 } },
    { name: 'always 503: three attempts', input: { answers: [{ status: 503 }, { status: 503 }, { status: 503 }], format: 'webhook' }, want: { ok: false, attempts: 3, posts: 3, error: /^HTTP 503$/ } },
    { name: 'a 404 is not retried', input: { answers: [{ status: 404, body: 'no such hook' }], format: 'slack' }, want: { ok: false, attempts: 1, posts: 1, error: /^HTTP 404: no such hook$/ } },
    {
      name: 'dingtalk errcode in a 200 is a failure, not retried',
      input: { answers: [{ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' }], format: 'dingtalk' },
      want: { ok: false, attempts: 1, posts: 1, error: /^dingtalk errcode 310000: keywords not in content$/ },
    },
    {
      name: 'feishu code in a 200 is a failure',
      input: { answers: [{ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' }], format: 'feishu' },
      want: { ok: false, attempts: 1, posts: 1, error: /^feishu code 19021: sign match fail/ },
    },
    { name: 'feishu success', input: { answers: [{ status: 200, body: '{"code":0,"msg":"success","data":{}}' }], format: 'feishu' }, want: { ok: true, attempts: 1, posts: 1 } },
    {
      name: 'telegram ok:false',
      input: { answers: [{ status: 200, body: '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' }], format: 'telegram' },
      want: { ok: false, attempts: 1, posts: 1, error: /^telegram 400: Bad Request: chat not found$/ },
    },
    {
      name: 'a target that accepts and never answers ends at the deadline',
      input: { answers: ['hang', 'hang', 'hang'], format: 'webhook', timeoutMs: 1200 },
      want: { ok: false, attempts: 1, posts: 1, error: /^no answer within \d+ ms$/ },
    },
  ];
  it.each(cases)('$name', async ({ input, want }) => {
    const server = await httpRecorder((n) => input.answers[n] ?? { status: 200 });
    try {
      const d = await deliver(parseTarget(`${server.url}/x?chat_id=1`, input.format), alert, opts({ timeoutMs: input.timeoutMs ?? 5000 }));
      expect({ ok: d.ok, attempts: d.attempts, posts: server.posts.length }).toEqual({ ok: want.ok, attempts: want.attempts, posts: want.posts });
      if (want.error) expect(d.error).toMatch(want.error);
      else expect(d.error).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('Ctrl-C (the command signal) ends a hanging delivery at once, reported as interrupted', async () => {
    const server = await httpRecorder(() => 'hang');
    try {
      const ac = new AbortController();
      const pending = deliver(parseTarget(`${server.url}/x`), alert, opts({ timeoutMs: 20_000, signal: ac.signal }));
      while (server.posts.length === 0) await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      const d = await pending;
      expect({ ok: d.ok, attempts: d.attempts, error: d.error }).toEqual({ ok: false, attempts: 1, error: 'interrupted' });
    } finally {
      await server.close();
    }
  });

  it('a refused connection is retried, then reported', async () => {
    const server = await httpRecorder();
    const url = `${server.url}/gone`;
    await server.close();
    const d = await deliver(parseTarget(url), alert, opts());
    expect({ ok: d.ok, attempts: d.attempts }).toEqual({ ok: false, attempts: 3 });
    expect(d.error).toMatch(/^ECONNREFUSED/);
  });
});

describe('email through a real SMTP server', () => {
  const cases = [
    {
      name: 'English, no auth',
      input: { lang: 'en' as const, auth: undefined },
      want: { subject: '[goroscope] CRITICAL: one-api (was WARNING)', text: 'Goroutines: 5234\nReasons: goroutines 5234 ≥ 5000\nTime: 2026-11-26T10:00:00.000Z\n', to: ['ops@example.com', 'dev@example.com'], user: undefined },
    },
    {
      name: 'Chinese, with auth',
      input: { lang: 'zh' as const, auth: { user: 'bot', pass: 's3cret' } },
      want: { subject: '[goroscope] 严重：one-api（之前：警告）', text: 'Goroutine 数：5234\n原因：goroutines 5234 ≥ 5000\n时间：2026-11-26T10:00:00.000Z\n', to: ['ops@example.com', 'dev@example.com'], user: 'bot' },
    },
  ];
  it.each(cases)('$name', async ({ input, want }) => {
    const smtp = await smtpRecorder(input.auth ? { auth: input.auth } : {});
    try {
      const d = await deliver(
        parseTarget('mailto:ops@example.com,dev@example.com', undefined),
        alert,
        opts({ lang: input.lang, smtp: { host: '127.0.0.1', port: smtp.port, secure: 'none', from: 'goroscope@example.com', ...(input.auth ?? {}) } }),
      );
      expect(d).toMatchObject({ ok: true, attempts: 1, format: 'email' });
      expect(smtp.mails).toHaveLength(1);
      const m = smtp.mails[0]!;
      expect({ from: m.from, to: m.to, user: m.user, ...parseMail(m.raw) }).toEqual({ from: 'goroscope@example.com', to: want.to, user: want.user, subject: want.subject, text: want.text });
    } finally {
      await smtp.close();
    }
  });

  it('a wrong password is reported once, not retried', async () => {
    const smtp = await smtpRecorder({ auth: { user: 'bot', pass: 'right' } });
    try {
      const d = await deliver(parseTarget('mailto:ops@example.com'), alert, opts({ smtp: { host: '127.0.0.1', port: smtp.port, secure: 'none', from: 'g@example.com', user: 'bot', pass: 'wrong' } }));
      expect({ ok: d.ok, attempts: d.attempts, mails: smtp.mails.length }).toEqual({ ok: false, attempts: 1, mails: 0 });
      expect(d.error).toMatch(/^SMTP (authentication failed|535)/);
    } finally {
      await smtp.close();
    }
  });
});
