// SummaryBuilder.merge: the builders of consecutive parts of one input, merged in order, give exactly the summary of
// one builder fed the whole input (the parallel `scan --json`). Each case is cut at every position.
import { describe, expect, it } from 'vitest';
import { SummaryBuilder, mergeInputStats, type InputStats } from '../../src/analyze/summary.js';
import type { GEvent } from '../../src/events.js';

const base = (time: string | null, source = 'a.log', tags: { node?: string; host?: string; task?: string } = {}) => ({
  time,
  stream: 'stdout' as const,
  source,
  raw: 'x',
  ...tags,
});
const T = (m: number) => new Date(Date.UTC(2026, 2, 2, 0, m)).toISOString();
const gor = (time: string | null, count: number, source?: string): GEvent => ({ ...base(time, source), kind: 'goroutine', count, level: 'high' });
const relay = (m: number, channel: number | null, cause: 'timeout' | 'rate_limit' | 'other'): GEvent => ({
  ...base(T(m)),
  kind: 'relay_error',
  channel,
  userId: 1,
  statusCode: null,
  cause,
  timeoutClass: cause === 'timeout' ? 'awaiting_headers' : null,
  message: 'm',
});
const startup = (m: number, source = 'a.log', version: string | null = 'v1', tags = {}): GEvent => ({
  ...base(T(m), source, tags),
  kind: 'startup',
  version,
  product: 'One API',
});
const panic = (time: string | null, signature: string, message: string): GEvent => ({
  ...base(time),
  kind: 'panic',
  message,
  signature,
  frames: [],
  recoveredBy: 'relay',
});
const crash = (m: number, signature: string, truncated: boolean): GEvent => ({
  ...base(T(m)),
  kind: 'crash',
  message: 'nil map',
  crashKind: 'panic',
  signature,
  frames: [],
  truncated,
});
const disabled = (time: string | null, channel: number, reason: string | null): GEvent => ({ ...base(time), kind: 'channel_disabled', channel, reason });
const enabled = (m: number, channel: number): GEvent => ({ ...base(T(m)), kind: 'channel_enabled', channel, reason: null });
const timeout = (m: number, cls: string): GEvent => ({ ...base(T(m)), kind: 'timeout', timeoutClass: cls, message: 't' } as GEvent);
const retry = (m: number): GEvent => ({ ...base(T(m)), kind: 'retry', fromChannel: 3, toChannel: 4, remaining: 2 });
const tagged = (e: GEvent, tags: { node?: string; host?: string; task?: string }): GEvent => ({ ...e, ...tags });

const STATS: InputStats = { lines: 10, oversized: 1, unparsed: 2, records: 9, sources: [{ spec: 'a.log', kind: 'file', name: 'a.log' }], hostsDown: [] };

const cases: { name: string; input: GEvent[]; want: { restarts: number; events: number } }[] = [
  {
    name: 'restart banner after earlier events (whichever side the cut falls)',
    input: [startup(0), gor(T(1), 900), relay(2, 3, 'timeout'), startup(3), gor(T(4), 950), startup(5, 'b.log'), gor(T(6), 10), startup(7, 'b.log')],
    want: { restarts: 2, events: 8 },
  },
  {
    name: 'goroutines: min, max (first time it is reached), last; samples without a time',
    input: [gor(T(1), 500), gor(T(2), 1200), gor(null, 300), gor(T(3), 1200), gor(T(4), 700), gor(null, 650), gor(T(5), 800)],
    want: { restarts: 0, events: 7 },
  },
  {
    name: 'relay errors by channel and cause, retries, timeouts by class',
    input: [relay(1, 3, 'timeout'), relay(2, 7, 'rate_limit'), relay(3, null, 'other'), retry(3), relay(4, 3, 'rate_limit'), timeout(5, 'reading_body'), relay(6, 7, 'timeout'), timeout(7, 'dial'), timeout(8, 'reading_body')],
    want: { restarts: 0, events: 9 },
  },
  {
    name: 'signatures: count, firstAt, lastAt, message of the first; truncated crashes',
    input: [panic(T(5), 'sigA', 'first'), panic(T(1), 'sigB', 'b1'), panic(null, 'sigA', 'second'), crash(6, 'sigC', false), panic(T(2), 'sigA', 'third'), crash(9, 'sigC', true), panic(T(8), 'sigB', 'b2')],
    want: { restarts: 0, events: 7 },
  },
  {
    name: 'channel states: count, last time, last reason; versions in order of first appearance',
    input: [disabled(T(1), 5, 'quota'), startup(2, 'a.log', 'v1'), disabled(null, 5, null), enabled(3, 5), disabled(T(4), 6, 'auth'), startup(5, 'a.log', 'v2'), disabled(T(6), 5, null), startup(7, 'a.log', 'v1')],
    want: { restarts: 3, events: 8 },
  },
  {
    name: 'node / host / task tags: breakdowns and restarts per node and host',
    input: [
      tagged(gor(T(1), 10, 'svc.1'), { node: 'n1', host: 'h1', task: 't1' }),
      startup(2, 'svc.2', 'v1', { node: 'n2', host: 'h1', task: 't2' }),
      tagged(gor(T(3), 20, 'svc.1'), { node: 'n1', host: 'h2', task: 't3' }),
      startup(4, 'svc.1', 'v1', { node: 'n1', host: 'h2', task: 't3' }),
      startup(5, 'svc.2', 'v1', { node: 'n2', host: 'h1', task: 't2' }),
    ],
    want: { restarts: 2, events: 5 },
  },
];

function sequential(events: GEvent[]) {
  const b = new SummaryBuilder();
  for (const e of events) b.add(e);
  return b.finish(STATS);
}

/** Cut into parts at the given indexes; every part after the first goes through a structured clone, as from a worker. */
function merged(events: GEvent[], cuts: number[]) {
  const bounds = [0, ...cuts, events.length];
  const parts = bounds.slice(1).map((end, i) => {
    const b = new SummaryBuilder();
    for (const e of events.slice(bounds[i], end)) b.add(e);
    return i === 0 ? b : SummaryBuilder.revive(structuredClone({ ...b }));
  });
  return parts.reduce((a, b) => a.merge(b)).finish(STATS);
}

describe('SummaryBuilder.merge', () => {
  for (const c of cases) {
    it(c.name, () => {
      const want = sequential(c.input);
      expect({ restarts: want.restarts, events: Object.values(want.events).reduce((a, b) => a + b, 0) }).toEqual(c.want);
      for (let i = 0; i <= c.input.length; i++) expect(merged(c.input, [i]), `cut at ${i}`).toEqual(want);
      for (let i = 1; i < c.input.length - 1; i++) expect(merged(c.input, [i, i + 1]), `cuts at ${i}, ${i + 1}`).toEqual(want);
    });
  }

  it('a startup that opens the second part is a restart only when the first part saw its source', () => {
    const cut = (a: GEvent[], b: GEvent[]) => merged([...a, ...b], [a.length]);
    expect([cut([gor(T(1), 5)], [startup(2)]).restarts, cut([gor(T(1), 5, 'other')], [startup(2)]).restarts, cut([], [startup(2)]).restarts]).toEqual([1, 0, 0]);
    const s = cut([startup(1, 'a.log', 'v1', { node: 'n1', host: 'h1' })], [startup(2, 'a.log', 'v1', { node: 'n1', host: 'h1' })]);
    expect([s.restarts, s.bySource['a.log']!.restarts, s.byNode.n1!.restarts, s.byHost.h1!.restarts]).toEqual([1, 1, 1, 1]);
  });
});

describe('mergeInputStats', () => {
  const table: { name: string; input: [InputStats, InputStats]; want: InputStats }[] = [
    {
      name: 'counts add, the sources of the first part, hosts down of both',
      input: [STATS, { ...STATS, lines: 5, oversized: 0, unparsed: 3, records: 4, hostsDown: [{ host: 'h', error: 'down', exitCode: 69 }] }],
      want: { lines: 15, oversized: 1, unparsed: 5, records: 13, sources: STATS.sources, hostsDown: [{ host: 'h', error: 'down', exitCode: 69 }] },
    },
    {
      name: "a later part's source that may lack lines (its file shrank): the merged source says so",
      input: [STATS, { ...STATS, sources: STATS.sources.map((x) => ({ ...x, incomplete: 'the file shrank' })) }],
      want: { ...mergeInputStats(STATS, STATS), sources: STATS.sources.map((x) => ({ ...x, incomplete: 'the file shrank' })) },
    },
  ];
  for (const t of table) it(t.name, () => expect(mergeInputStats(t.input[0], t.input[1])).toEqual(t.want));
});
