// The scan renderers: one table row per kind (exact text), control characters neutralised, colour only when asked.
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { tableHeader, tableRow, shortTime } from '../../src/report/table.js';
import { eventLine } from '../../src/report/jsonl.js';
import { summaryFooter } from '../../src/report/summary.js';
import { SummaryBuilder } from '../../src/analyze/summary.js';
import type { GEvent } from '../../src/events.js';

const plain = new Chalk({ level: 0 });
const base = { time: '2026-03-05T06:40:31.118Z', stream: 'stderr' as const, source: 'one-api', raw: 'r' };

const rows: { name: string; input: GEvent; want: string }[] = [
  { name: 'goroutine', input: { ...base, kind: 'goroutine', count: 10402, level: 'high' }, want: 'goroutine        stderr  one-api 10402 goroutines (high)' },
  { name: 'memory', input: { ...base, kind: 'memory', allocMb: 812, totalAllocMb: 9123, sysMb: 1630, numGc: 4521 }, want: 'memory           stderr  one-api alloc 812 MB, sys 1630 MB, gc 4521' },
  {
    name: 'relay_error with timeout class',
    input: { ...base, kind: 'relay_error', channel: 7, channelName: 'openai-b', userId: 34, statusCode: 504, cause: 'timeout', timeoutClass: 'awaiting_headers', message: 'net/http: timeout awaiting response headers' },
    want: 'relay_error      stderr  one-api channel #7(openai-b) user 34 status 504 timeout/awaiting_headers: net/http: timeout awaiting response headers',
  },
  {
    name: 'relay_error without channel or message',
    input: { ...base, kind: 'relay_error', channel: null, userId: null, statusCode: null, cause: 'other', timeoutClass: null, message: '' },
    want: 'relay_error      stderr  one-api channel ? other',
  },
  { name: 'retry', input: { ...base, kind: 'retry', fromChannel: 12, toChannel: 15, remaining: 2 }, want: 'retry            stderr  one-api #12 -> #15 (remain 2)' },
  { name: 'channel_disabled', input: { ...base, kind: 'channel_disabled', channel: 7, reason: '响应时间 12.35s 超过阈值 10.00s' }, want: 'channel_disabled stderr  one-api channel #7: 响应时间 12.35s 超过阈值 10.00s' },
  { name: 'channel_enabled', input: { ...base, kind: 'channel_enabled', channel: 9, reason: null }, want: 'channel_enabled  stderr  one-api channel #9' },
  {
    name: 'panic',
    input: { ...base, kind: 'panic', message: 'nil map', signature: 's', frames: ['gemini.StreamHandler'], recoveredBy: 'relay' },
    want: 'panic            stderr  one-api nil map [relay] at gemini.StreamHandler',
  },
  {
    name: 'crash cut off',
    input: { ...base, kind: 'crash', message: 'concurrent map writes', crashKind: 'fatal_error', signature: 's', frames: [], truncated: true },
    want: 'crash            stderr  one-api fatal error: concurrent map writes (dump cut off)',
  },
  { name: 'fatal', input: { ...base, kind: 'fatal', message: 'driver: bad connection' }, want: 'fatal            stderr  one-api driver: bad connection' },
  { name: 'startup without version', input: { ...base, kind: 'startup', version: null, product: 'One API' }, want: 'startup          stderr  one-api One API (no version) started' },
  { name: 'timeout', input: { ...base, kind: 'timeout', timeoutClass: 'reading_body', message: 'error reading stream' }, want: 'timeout          stderr  one-api reading_body: error reading stream' },
  {
    name: 'http_error',
    input: { ...base, kind: 'http_error', status: 502, method: 'POST', path: '/v1/chat/completions', latencyMs: 2137.85 },
    want: 'http_error       stderr  one-api 502 POST /v1/chat/completions 2.1s',
  },
  { name: 'db_error with control characters', input: { ...base, kind: 'db_error', message: 'bad\u0000conn\r\n\u001b[31mx', origin: 'mysql' }, want: 'db_error         stderr  one-api mysql: bad conn [31mx' },
];

describe('scan table rows', () => {
  for (const r of rows) it(r.name, () => expect(tableRow(r.input, plain)).toBe(`2026-03-05T06:40:31Z ${r.want}\n`));

  it('a record without a time shows -, long details are clipped to 160 characters', () => {
    const row = tableRow({ ...base, time: null, kind: 'fatal', message: 'x'.repeat(500) }, plain);
    expect(row.startsWith('-                    fatal')).toBe(true);
    expect(row.trimEnd().split(' ').pop()).toBe(`${'x'.repeat(159)}…`);
  });

  it('header, and colour only from a colouring chalk', () => {
    expect(tableHeader(plain)).toBe('TIME                 KIND             STREAM  SOURCE DETAILS\n');
    const coloured = tableRow({ ...base, kind: 'crash', message: 'm', crashKind: 'panic', signature: 's', frames: [], truncated: false }, new Chalk({ level: 1 }));
    expect(coloured).toContain('\u001b[31m');
  });

  it('shortTime', () => expect([shortTime('2026-03-02T00:00:05.123Z'), shortTime(null)]).toEqual(['2026-03-02T00:00:05Z', '-']));

  it('jsonl: one line, the event as is', () => {
    const e: GEvent = { ...base, kind: 'goroutine', count: 1, level: 'debug' };
    expect(eventLine(e)).toBe(`${JSON.stringify(e)}\n`);
    expect(JSON.parse(eventLine(e))).toEqual(e);
  });

  it('summary footer', () => {
    const b = new SummaryBuilder();
    b.add({ ...base, kind: 'crash', message: 'm', crashKind: 'panic', signature: 's', frames: [], truncated: false });
    b.add({ ...base, kind: 'goroutine', count: 10402, level: 'high' });
    const s = b.finish({ lines: 12, oversized: 1, unparsed: 3, records: 10, sources: [] });
    expect(summaryFooter(s, plain)).toBe('12 lines, 2 events: 1 crash, max 10402 goroutines; 3 unparsed, 1 oversized\n');
  });

  it.each<{ name: string; input: { banners: number; sources: { spec: string; kind: string; name: string; dockerRestartCount?: number }[] }; want: string }>([
    { name: 'a file: the log restarts only', input: { banners: 3, sources: [{ spec: 'a.log', kind: 'file', name: 'a.log' }] }, want: '3 lines, 3 events: 2 restarts in the logs\n' },
    { name: 'one container: Docker RestartCount beside, under its own name', input: { banners: 2, sources: [{ spec: 'gw', kind: 'container', name: 'gw', dockerRestartCount: 3 }] }, want: '3 lines, 2 events: 1 restart in the logs (Docker RestartCount 3)\n' },
    { name: 'one container restarted by hand: 1 in the logs, RestartCount 0', input: { banners: 2, sources: [{ spec: 'gw', kind: 'container', name: 'gw', dockerRestartCount: 0 }] }, want: '3 lines, 2 events: 1 restart in the logs (Docker RestartCount 0)\n' },
    { name: 'one container, no restart anywhere', input: { banners: 1, sources: [{ spec: 'gw', kind: 'container', name: 'gw', dockerRestartCount: 0 }] }, want: '3 lines, 1 events\n' },
    { name: 'Docker restarted it, the window holds one start', input: { banners: 1, sources: [{ spec: 'gw', kind: 'container', name: 'gw', dockerRestartCount: 2 }] }, want: '3 lines, 1 events: 0 restarts in the logs (Docker RestartCount 2)\n' },
  ])('summary footer restarts: $name', ({ input, want }) => {
    const b = new SummaryBuilder();
    for (let i = 0; i < input.banners; i++) b.add({ ...base, time: `2026-03-02T00:0${i}:00.000Z`, kind: 'startup', version: 'v1', product: 'One API', restart: i > 0 });
    expect(summaryFooter(b.finish({ lines: 3, oversized: 0, unparsed: 0, records: 3, sources: input.sources }), plain)).toBe(want);
  });
});
