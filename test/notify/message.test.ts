// The words of each kind of alert, in English and Chinese, and the webhook body that never carries them.
import { describe, expect, it } from 'vitest';
import { messageText } from '../../src/notify/message.js';
import { webhookBody, type Alert } from '../../src/notify/types.js';

const base: Alert = { container: 'one-api', host: null, level: 'ok', previous: null, reasons: [], goroutines: null, time: '2026-11-26T10:00:00.000Z', event: null };

describe('messageText', () => {
  const cases: { name: string; input: { alert: Partial<Alert>; lang: 'en' | 'zh' }; want: string }[] = [
    {
      name: 'recovery, en',
      input: { alert: { level: 'ok', previous: 'critical', goroutines: 812, reasons: ['812 goroutines (warning at 2000)'] }, lang: 'en' },
      want: '[goroscope] RECOVERED: one-api is OK (was CRITICAL)\nGoroutines: 812\nReasons: 812 goroutines (warning at 2000)\nTime: 2026-11-26T10:00:00.000Z',
    },
    {
      name: 'recovery, zh',
      input: { alert: { level: 'ok', previous: 'critical', goroutines: 812 }, lang: 'zh' },
      want: '[goroscope] 已恢复：one-api 正常（之前：严重）\nGoroutine 数：812\n时间：2026-11-26T10:00:00.000Z',
    },
    {
      name: 'emergency points to the bundle, on another host, reasons in the message language',
      input: { alert: { level: 'emergency', previous: 'critical', goroutines: 10400, host: 'tcp://10.0.0.5:2376', reasons: ['10400 goroutines ≥ emergency threshold 10000'], displayReasons: ['10400 个 goroutine ≥ 紧急阈值 10000'] }, lang: 'zh' },
      want: '[goroscope] 紧急：one-api（之前：严重）\n主机：tcp://10.0.0.5:2376\nGoroutine 数：10400\n原因：10400 个 goroutine ≥ 紧急阈值 10000\n时间：2026-11-26T10:00:00.000Z\n重启前请先收集现场：goroscope bundle one-api',
    },
    {
      name: 'unknown on first sight, en',
      input: { alert: { level: 'unknown', reasons: ['no goroutine count: connection refused'] }, lang: 'en' },
      want: '[goroscope] UNKNOWN: one-api\nReasons: no goroutine count: connection refused\nTime: 2026-11-26T10:00:00.000Z',
    },
    {
      name: 'panic burst, zh',
      input: { alert: { level: 'warning', goroutines: 2300, event: { kind: 'panic_burst', message: 'runtime error: index out of range [0] with length 0', count: 6, windowMs: 600_000, signature: '7155fd4e relay.f', time: null } }, lang: 'zh' },
      want: '[goroscope] panic 频发：one-api，10m 内 6 次\n消息：runtime error: index out of range [0] with length 0\n调用栈：7155fd4e relay.f\n级别：警告\nGoroutine 数：2300\n时间：2026-11-26T10:00:00.000Z',
    },
    {
      name: 'channel disabled, en',
      input: { alert: { event: { kind: 'channel_disabled', message: 'quota exceeded', channel: 5, time: null } }, lang: 'en' },
      want: '[goroscope] CHANNEL DISABLED: one-api, channel #5\nMessage: quota exceeded\nLevel: OK\nTime: 2026-11-26T10:00:00.000Z',
    },
    {
      name: 'fatal, zh',
      input: { alert: { level: 'unknown', event: { kind: 'fatal', message: 'failed to connect database', time: null } }, lang: 'zh' },
      want: '[goroscope] 致命错误：one-api\n消息：failed to connect database\n级别：未知，原因：尚未检查过该容器\n时间：2026-11-26T10:00:00.000Z',
    },
    {
      name: 'a crash says why the container level is what it is (a restart)',
      input: { alert: { level: 'warning', reasons: ['restarted 1 time (baseline 0)', '812 goroutines (warning at 2000)'], event: { kind: 'crash', message: 'concurrent map writes', time: null } }, lang: 'en' },
      want: '[goroscope] CRASH: one-api\nMessage: concurrent map writes\nLevel: WARNING, because restarted 1 time (baseline 0); 812 goroutines (warning at 2000)\nTime: 2026-11-26T10:00:00.000Z',
    },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    expect(messageText({ ...base, ...input.alert }, input.lang)).toBe(want);
  });

  it('the webhook body has exactly the contract keys (no message-language reasons)', () => {
    const body = webhookBody({ ...base, reasons: ['a'], displayReasons: ['甲'] });
    expect(Object.keys(body)).toEqual(['container', 'host', 'level', 'previous', 'reasons', 'goroutines', 'time', 'event']);
    expect(body.reasons).toEqual(['a']);
  });
});
