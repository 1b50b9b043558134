import { describe, expect, it } from 'vitest';
import { SummaryBuilder, type InputStats, type Summary } from '../../src/analyze/summary.js';
import type { GEvent } from '../../src/events.js';

const STATS: InputStats = { lines: 100, oversized: 2, unparsed: 7, records: 90, sources: [{ spec: 'a.log', kind: 'file', name: 'a.log' }] };

const base = (time: string | null, source = 'a.log') => ({ time, stream: 'stderr' as const, source, raw: 'x' });
const gor = (time: string | null, count: number, source?: string): GEvent => ({ ...base(time, source), kind: 'goroutine', count, level: 'high' });
const relay = (time: string, channel: number | null, cause: 'timeout' | 'rate_limit' | 'other'): GEvent => ({
  ...base(time),
  kind: 'relay_error',
  channel,
  userId: 1,
  statusCode: null,
  cause,
  timeoutClass: cause === 'timeout' ? 'awaiting_headers' : null,
  message: 'm',
});
const startup = (time: string, source = 'a.log', version: string | null = 'v1'): GEvent => ({ ...base(time, source), kind: 'startup', version, product: 'One API' });
const panic = (time: string, signature: string, message = 'boom'): GEvent => ({
  ...base(time),
  kind: 'panic',
  message,
  signature,
  frames: [],
  recoveredBy: 'relay',
});
const crash = (time: string, signature: string, truncated = false): GEvent => ({
  ...base(time),
  kind: 'crash',
  message: 'nil map',
  crashKind: 'panic',
  signature,
  frames: [],
  truncated,
});
const retry = (time: string): GEvent => ({ ...base(time), kind: 'retry', fromChannel: 3, toChannel: 4, remaining: 2 });
const disabled = (time: string, channel: number, reason: string | null): GEvent => ({ ...base(time), kind: 'channel_disabled', channel, reason });
const timeout = (time: string): GEvent => ({ ...base(time), kind: 'timeout', timeoutClass: 'reading_body', message: 't' });

function run(events: GEvent[], stats = STATS): Summary {
  const b = new SummaryBuilder();
  for (const e of events) b.add(e);
  return b.finish(stats);
}

const T = (m: number) => new Date(Date.UTC(2026, 2, 2, 0, m)).toISOString();

describe('SummaryBuilder', () => {
  it('empty input: every kind present with 0, nulls for goroutines, stats passed through', () => {
    const s = run([]);
    expect(s).toEqual({
      lines: 100,
      events: { goroutine: 0, memory: 0, relay_error: 0, retry: 0, channel_disabled: 0, channel_enabled: 0, panic: 0, crash: 0, fatal: 0, startup: 0, timeout: 0, http_error: 0, db_error: 0 },
      goroutines: { samples: 0, min: null, max: null, last: null, maxAt: null, lastAt: null },
      relayErrors: { total: 0, timeouts: 0, byChannel: [], noChannel: 0, byCause: {} },
      retries: 0,
      restarts: 0,
      panics: { recovered: 0, crashes: 0, signatures: [], truncatedCrashes: 0 },
      unparsed: 7,
      oversized: 2,
      records: 90,
      from: null,
      to: null,
      sources: [{ spec: 'a.log', kind: 'file', name: 'a.log' }],
      channelsDisabled: [],
      channelsEnabled: [],
      timeouts: {},
      versions: [],
      bySource: {},
      byNode: {},
      byHost: {},
      hostsDown: [],
    });
  });

  const goroutineCases: { name: string; input: GEvent[]; want: Summary['goroutines'] }[] = [
    {
      name: 'climb then fall: max keeps the first time it was reached, last is the latest',
      input: [gor(T(0), 1000), gor(T(1), 5000), gor(T(2), 10000), gor(T(3), 10000), gor(T(4), 900)],
      want: { samples: 5, min: 900, max: 10000, last: 900, maxAt: T(2), lastAt: T(4) },
    },
    {
      name: 'out-of-order times (two sources): last is the latest in time, not in input',
      input: [gor(T(5), 300, 'b'), gor(T(1), 7000, 'a')],
      want: { samples: 2, min: 300, max: 7000, last: 300, maxAt: T(1), lastAt: T(5) },
    },
    {
      name: 'no timestamps: input order decides last',
      input: [gor(null, 2500), gor(null, 2100)],
      want: { samples: 2, min: 2100, max: 2500, last: 2100, maxAt: null, lastAt: null },
    },
  ];
  for (const c of goroutineCases) it(`goroutines: ${c.name}`, () => expect(run(c.input).goroutines).toEqual(c.want));

  it('relay errors: byChannel sorted by count desc (ties: timeouts desc, then channel), noChannel apart', () => {
    const s = run([
      relay(T(0), 12, 'rate_limit'),
      relay(T(1), 7, 'timeout'),
      relay(T(2), 3, 'other'),
      relay(T(3), 7, 'timeout'),
      relay(T(4), 12, 'timeout'),
      relay(T(5), 12, 'other'),
      relay(T(6), null, 'timeout'),
      relay(T(7), 3, 'other'),
      relay(T(8), 5, 'other'),
    ]);
    expect(s.relayErrors).toEqual({
      total: 9,
      timeouts: 4,
      byChannel: [
        { channel: 12, count: 3, timeouts: 1 },
        { channel: 7, count: 2, timeouts: 2 },
        { channel: 3, count: 2, timeouts: 0 },
        { channel: 5, count: 1, timeouts: 0 },
      ],
      noChannel: 1,
      byCause: { other: 4, timeout: 4, rate_limit: 1 },
    });
    expect(s.events.relay_error).toBe(9);
  });

  const restartCases: { name: string; input: GEvent[]; want: number }[] = [
    { name: 'banner first in its input is not a restart', input: [startup(T(0)), gor(T(1), 10)], want: 0 },
    { name: 'banner after a crash is a restart', input: [startup(T(0)), crash(T(1), 's'), startup(T(2)), startup(T(3))], want: 2 },
    { name: 'per source: each file may begin with a banner', input: [startup(T(0), 'a'), gor(T(1), 1, 'a'), startup(T(2), 'b'), startup(T(3), 'a')], want: 1 },
    {
      name: "the parser's restart flag wins: records without events before a banner, a filtered --kind startup",
      input: [{ ...startup(T(0)), restart: true } as GEvent, { ...startup(T(1)), restart: false } as GEvent, { ...startup(T(2)), restart: true } as GEvent],
      want: 2,
    },
  ];
  for (const c of restartCases) it(`restarts: ${c.name}`, () => expect(run(c.input).restarts).toBe(c.want));

  it('panics: grouped by kind + signature, first message kept, sorted by count, truncated crashes counted', () => {
    const s = run([
      panic(T(3), 'gemini.StreamHandler', 'nil pointer'),
      panic(T(1), 'claude.Convert', 'index out of range'),
      panic(T(5), 'gemini.StreamHandler', 'other text'),
      crash(T(6), 'gemini.StreamHandler'),
      crash(T(9), 'relay.processChannelRelayError', true),
      panic(T(2), 'gemini.StreamHandler'),
    ]);
    expect(s.panics).toEqual({
      recovered: 4,
      crashes: 2,
      truncatedCrashes: 1,
      signatures: [
        { signature: 'gemini.StreamHandler', kind: 'panic', count: 3, message: 'nil pointer', firstAt: T(2), lastAt: T(5) },
        { signature: 'claude.Convert', kind: 'panic', count: 1, message: 'index out of range', firstAt: T(1), lastAt: T(1) },
        { signature: 'gemini.StreamHandler', kind: 'crash', count: 1, message: 'nil map', firstAt: T(6), lastAt: T(6) },
        { signature: 'relay.processChannelRelayError', kind: 'crash', count: 1, message: 'nil map', firstAt: T(9), lastAt: T(9) },
      ],
    });
  });

  it('extras: span, retries, disabled channels with last reason, timeout classes, versions', () => {
    const s = run([
      retry(T(4)),
      disabled(T(2), 7, 'timeout'),
      disabled(T(8), 7, null),
      disabled(T(3), 9, 'quota'),
      timeout(T(1)),
      timeout(T(9)),
      startup(T(0), 'a.log', 'v1.9.2'),
      startup(T(6), 'a.log', 'v1.9.2'),
      startup(T(7), 'a.log', null),
      retry(T(5)),
    ]);
    expect({ retries: s.retries, from: s.from, to: s.to, channelsDisabled: s.channelsDisabled, timeouts: s.timeouts, versions: s.versions, restarts: s.restarts }).toEqual({
      retries: 2,
      from: T(0),
      to: T(9),
      channelsDisabled: [
        { channel: 7, count: 2, lastAt: T(8), lastReason: 'timeout' },
        { channel: 9, count: 1, lastAt: T(3), lastReason: 'quota' },
      ],
      timeouts: { reading_body: 2 },
      versions: ['v1.9.2'],
      restarts: 3, // every banner follows earlier events of a.log in input order
    });
  });

  it('memory stays bounded: 200k events over 5 channels keep 5 table rows', () => {
    const b = new SummaryBuilder();
    for (let i = 0; i < 200_000; i++) b.add(relay(T(i % 60), i % 5, i % 2 ? 'timeout' : 'other'));
    const s = b.finish(STATS);
    expect(s.relayErrors.byChannel.map((c) => [c.channel, c.count, c.timeouts])).toEqual([
      [0, 40_000, 20_000],
      [1, 40_000, 20_000],
      [2, 40_000, 20_000],
      [3, 40_000, 20_000],
      [4, 40_000, 20_000],
    ]);
  }, 120_000); // 200,000 adds: slow under the test runner's transform on a loaded machine
});
