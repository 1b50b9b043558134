import { describe, expect, it } from 'vitest';
import { rankChannels, aroundWindow, ChannelTable, channelReport, ratioText, FLAG_MIN_ERRORS, FLAG_RATIO } from '../../src/analyze/channels.js';
import { largestExcursion, relayErrorBurst, spikeWindow } from '../../src/analyze/spike.js';
import { analyze } from '../../src/analyze/analysis.js';
import { groupPanics, topFrame } from '../../src/analyze/panics.js';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';
import type { GEvent } from '../../src/events.js';
import { T0, MIN, HOUR, relay, retry, disabled, panic, crash, samples, gor } from '../helpers/synth.js';

const th = DEFAULT_THRESHOLDS;

// 10 h of input. Channel 3 fails once an hour all day (always noisy); channel 7 fails 12 times in 10 min at 05:00
// (and twice elsewhere); channel 5 fails 4 times in the window only (below the minimum to flag).
function input(): GEvent[] {
  const ev: GEvent[] = [];
  for (let h = 0; h < 10; h++) ev.push(relay(T0 + h * HOUR + 7 * MIN, 3, 'upstream_5xx'));
  ev.push(relay(T0 + 5 * HOUR + 2 * MIN, 3, 'upstream_5xx'));
  for (let i = 0; i < 12; i++) ev.push(relay(T0 + 5 * HOUR + i * 50_000, 7, i % 3 === 0 ? 'network' : 'timeout', `r7-${i}`));
  ev.push(relay(T0 + HOUR, 7, 'timeout'), relay(T0 + 8 * HOUR, 7, 'timeout'));
  for (let i = 0; i < 4; i++) ev.push(relay(T0 + 5 * HOUR + i * MIN, 5, 'rate_limit'));
  // retries: one names the failed channel, two are paired through the request id, one has neither
  ev.push(retry(T0 + 5 * HOUR + 10_000, 7, 9), retry(T0 + 5 * HOUR + 60_000, null, 9, 'r7-1'), retry(T0 + 5 * HOUR + 110_000, null, 9, 'r7-2'), retry(T0 + 5 * HOUR + 120_000, null, 9));
  ev.push(disabled(T0 + 5 * HOUR + 9 * MIN, 7, '响应时间 12.35s 超过阈值 10.00s'));
  ev.push(relay(T0 + 5 * HOUR + 3 * MIN, null, 'other'));
  return ev.sort((a, b) => a.time!.localeCompare(b.time!));
}

/** Spike windows of events: the analysis (series, run verdicts, channel table), then the window. */
function spikeOf(ev: GEvent[], windowMs: number) {
  const a = analyze(ev, { thresholds: th, tz: 'UTC' });
  return { a, w: spikeWindow(a.series, a.trend.runs, a.channels, windowMs, th) };
}

describe('rankChannels', () => {
  // [from, to] is inclusive: the last millisecond of the 10th minute
  const window = { from: T0 + 5 * HOUR, to: T0 + 5 * HOUR + 10 * MIN - 1, reason: 'test' };
  const rep = rankChannels(input(), window);
  const by = (ch: number | null) => rep.channels.find((c) => c.channel === ch)!;

  const cases: { name: string; input: number | null; want: Partial<ReturnType<typeof by>> }[] = [
    {
      name: 'channel 7 jumped: 12 errors in 10 min against 2 in the other 9 h 50 min',
      input: 7,
      want: {
        relayErrors: 12,
        timeouts: 8,
        causes: { timeout: 8, network: 4, rate_limit: 0, auth: 0, quota: 0, upstream_5xx: 0, other: 0 },
        retriesAway: 3,
        disabled: 1,
        disableReason: '响应时间 12.35s 超过阈值 10.00s',
        firstError: new Date(T0 + 5 * HOUR).toISOString(),
        lastError: new Date(T0 + 5 * HOUR + 11 * 50_000).toISOString(),
        windowRate: 72,
        // 2 errors in the 8 h 50 min the input covers outside the window (first event 00:07, last 09:07)
        baselineRate: 0.23,
        ratio: 313.04,
        flagged: true,
      },
    },
    { name: 'channel 3 is always noisy: 2 in the window is not a jump', input: 3, want: { relayErrors: 2, windowRate: 12, baselineRate: 1.02, flagged: false } },
    { name: 'channel 5: 4 errors, none outside, but under the minimum', input: 5, want: { relayErrors: 4, baselineRate: 0, ratio: null, flagged: false } },
    { name: 'relay errors without a channel id are their own row', input: null, want: { relayErrors: 1, flagged: false } },
  ];
  for (const c of cases) it(c.name, () => expect(by(c.input)).toMatchObject(c.want));

  it('sorted by relay errors, descending', () => {
    expect(rep.channels.map((c) => c.channel)).toEqual([7, 5, 3, null]);
    // whole minutes, the end exclusive
    expect(rep.window).toEqual({ from: new Date(window.from).toISOString(), to: new Date(window.to + 1).toISOString(), reason: 'test' });
    expect(rep.covered).toEqual({ windowMinutes: 10, baselineMinutes: 530 });
    expect(rep.rule).toEqual({ minErrors: FLAG_MIN_ERRORS, minRatio: FLAG_RATIO });
  });

  it('a window covering the whole input has no baseline and flags nothing', () => {
    const all = rankChannels(input(), { from: T0, to: T0 + 10 * HOUR, reason: 'all' });
    expect(all.channels.every((c) => c.baselineRate === null && c.ratio === null && !c.flagged)).toBe(true);
    expect(all.channels.find((c) => c.channel === 7)!.relayErrors).toBe(14);
  });
});

describe('retries and their relay error', () => {
  it('a retry stamped a little before the relay error that caused it (stdout vs stderr) still counts for its channel', () => {
    const ev = [retry(T0 + 1000, null, 9, 'r1'), relay(T0 + 1003, 7, 'timeout', 'r1'), retry(T0 + 2000, null, 9, 'r-unknown'), relay(T0 + 3000, 7, 'timeout', 'r2'), retry(T0 + 3100, null, 9, 'r2')];
    const rep = rankChannels(ev, { from: T0, to: T0 + 10 * MIN, reason: 'x' });
    expect(rep.channels.map((c) => [c.channel, c.relayErrors, c.retriesAway])).toEqual([[7, 2, 2]]);
  });
});

describe('ratioText: how every renderer writes a ratio', () => {
  it.each([
    { name: 'a ratio from 10 up is rounded', input: { ratio: 222.22, baselineRate: 0.27, relayErrors: 20 }, want: '222×' },
    { name: 'a small ratio keeps its decimals', input: { ratio: 3.5, baselineRate: 1, relayErrors: 7 }, want: '3.5×' },
    { name: 'no error in the baseline time: new', input: { ratio: null, baselineRate: 0, relayErrors: 6 }, want: 'new' },
    { name: 'no baseline at all', input: { ratio: null, baselineRate: null, relayErrors: 6 }, want: '-' },
  ])('$name', ({ input, want }) => expect(ratioText(input)).toBe(want));
});

describe('the baseline is only the time the sources cover', () => {
  it('a container that existed 2 h of a 7-day review: its usual rate is per hour of those 2 h', () => {
    // review CONTAINER --since 7d of a container created 2 h ago: 4 errors in the hour before, 10 in the window
    const ev = [...[0, 15, 30, 45].map((m) => relay(T0 + m * MIN, 3)), ...Array.from({ length: 10 }, (_, i) => relay(T0 + HOUR + 30 * MIN + i * MIN, 3)), relay(T0 + 2 * HOUR, 99)];
    const rep = rankChannels(ev, { from: T0 + HOUR + 30 * MIN, to: T0 + HOUR + 40 * MIN - 1, reason: 'x' });
    expect(rep.covered).toEqual({ windowMinutes: 10, baselineMinutes: 110 });
    expect(rep.channels[0]).toMatchObject({ channel: 3, relayErrors: 10, windowRate: 60, baselineRate: 2.18, ratio: 27.52 });
  });
});

describe('spike windows', () => {
  it('--spike without goroutine samples: the densest relay-error burst', () => {
    const w = spikeOf(input(), 15 * MIN).w!;
    expect(w.from).toBe(T0 + 5 * HOUR);
    expect(w.to).toBe(T0 + 5 * HOUR + 15 * MIN - 1);
    expect(w.reason).toMatch(/^relay-error burst: 19 relay errors within 15 min/);
  });

  it('--spike with samples: window from 15 min before the climb to the peak', () => {
    const ev = samples(T0, 6 * HOUR, (dt) => {
      const d = dt - 3 * HOUR;
      return d >= 0 && d <= 10 * MIN ? 1000 + 300 * (d / MIN) : 800;
    });
    const { a, w } = spikeOf(ev, 15 * MIN);
    const ex = largestExcursion(a.series, a.trend.runs, th)!;
    expect(ex.peak).toBe(4000);
    expect(ex.peakAt).toBe(T0 + 3 * HOUR + 10 * MIN);
    // median 800, rise 3200: walking back from the peak while above 800 + 20 % × 3200 = 1440 stops after 1450 (+1.5 min)
    expect(ex.onset).toBe(T0 + 3 * HOUR + 1.5 * MIN);
    expect([w!.from, w!.to]).toEqual([T0 + 3 * HOUR + 1.5 * MIN - 15 * MIN, T0 + 3 * HOUR + 10 * MIN]);
  });

  it('no relay errors and no samples: no window', () => {
    expect(spikeOf([gor(T0, 10)].slice(1), 15 * MIN).w).toBeNull();
    expect(relayErrorBurst(new ChannelTable(), 15 * MIN)).toBeNull();
  });

  it('--around: centred on the time', () => {
    expect(aroundWindow(T0, 30 * MIN)).toEqual({
      from: T0 - 15 * MIN,
      to: T0 + 15 * MIN - 1,
      reason: `around ${new Date(T0).toISOString()} (±15 min)`,
      why: { code: 'around', at: new Date(T0).toISOString(), minutes: 15 },
    });
  });
});

describe('groupPanics', () => {
  const frames = ['runtime/debug.Stack', 'middleware.RelayPanicRecover.func1.1', 'panic', 'gemini.StreamHandler', 'controller.RelayTextHelper'];
  const ev = [
    panic(T0 + 2 * HOUR, 'sig-a', frames),
    panic(T0, 'sig-a', frames),
    panic(T0 + HOUR, 'sig-b', ['anthropic.ConvertRequest'], 'runtime error: index out of range [0] with length 0'),
    crash(T0 + 3 * HOUR),
  ];
  const cases = [
    { name: 'top frame skips the panic machinery', input: frames, want: 'gemini.StreamHandler' },
    { name: 'top frame of a gin recovery stack of files', input: ['runtime/panic.go:115', 'controller/channel.go:212'], want: 'controller/channel.go:212' },
    { name: 'no frames', input: [], want: null },
  ];
  for (const c of cases) it(c.name, () => expect(topFrame(c.input)).toBe(c.want));

  it('groups by kind and signature, commonest first, with first/last seen', () => {
    const g = groupPanics(ev);
    expect(g.map((x) => [x.kind, x.signature, x.count])).toEqual([
      ['panic', 'sig-a', 2],
      ['panic', 'sig-b', 1],
      ['crash', 'main.worker', 1],
    ]);
    expect(g[0]).toMatchObject({ firstSeen: new Date(T0).toISOString(), lastSeen: new Date(T0 + 2 * HOUR).toISOString(), topFrame: 'gemini.StreamHandler', recoveredBy: 'relay', request: 'POST /v1/chat/completions' });
  });
});
