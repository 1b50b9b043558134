// decide(): the pure alert decision, as tables of rounds. Each round feeds observations at a time (minutes from 0)
// and lists exactly the alerts it must produce, as `container:previous→level` or `container:event-kind`.
import { describe, expect, it } from 'vitest';
import { decide, emptyState, type AlertState, type Policy } from '../../src/notify/state.js';
import type { Alert, AlertLevel, EventObservation, LevelObservation } from '../../src/notify/types.js';

const MIN = 60_000;
const T0 = Date.parse('2026-11-26T10:00:00Z');
const policy: Policy = { cooldownMs: 10 * MIN, panicBurst: { count: 3, windowMs: 5 * MIN } };

function lv(container: string, level: AlertLevel, goroutines: number | null = null): LevelObservation {
  return { container, host: null, level, reasons: level === 'ok' ? [] : [`goroutines ${goroutines}`], goroutines };
}
function ev(container: string, kind: EventObservation['kind'], minute: number, extra: Partial<EventObservation> = {}): EventObservation {
  return { container, host: null, kind, time: new Date(T0 + minute * MIN).toISOString(), message: `${kind} text`, ...extra };
}
function short(a: Alert): string {
  return a.event ? `${a.container}:${a.event.kind}` : `${a.container}:${a.previous ?? '∅'}→${a.level}`;
}

interface Round {
  at: number;
  levels?: LevelObservation[];
  events?: EventObservation[];
  want: string[];
}

const cases: { name: string; input: Round[] }[] = [
  {
    name: 'first sight: ok is silent, a problem alerts with previous null',
    input: [
      { at: 0, levels: [lv('a', 'ok', 100), lv('b', 'warning', 2500)], want: ['b:∅→warning'] },
      { at: 5, levels: [lv('a', 'ok', 120), lv('b', 'warning', 2600)], want: [] },
    ],
  },
  {
    name: 'one alert per change across repeated runs, up to emergency and back to ok as a recovery',
    input: [
      { at: 0, levels: [lv('a', 'ok', 800)], want: [] },
      { at: 5, levels: [lv('a', 'warning', 2100)], want: ['a:ok→warning'] },
      { at: 10, levels: [lv('a', 'warning', 2300)], want: [] },
      { at: 15, levels: [lv('a', 'critical', 5200)], want: ['a:warning→critical'] },
      { at: 20, levels: [lv('a', 'emergency', 10400)], want: ['a:critical→emergency'] },
      { at: 25, levels: [lv('a', 'emergency', 12000)], want: [] },
      { at: 35, levels: [lv('a', 'ok', 900)], want: ['a:emergency→ok'] },
      { at: 40, levels: [lv('a', 'ok', 900)], want: [] },
    ],
  },
  {
    name: 'flapping ok/warning: the step down waits for the cooldown, then the recovery goes out once',
    input: [
      { at: 0, levels: [lv('a', 'ok', 1900)], want: [] },
      { at: 1, levels: [lv('a', 'warning', 2001)], want: ['a:ok→warning'] },
      { at: 2, levels: [lv('a', 'ok', 1999)], want: [] },
      { at: 3, levels: [lv('a', 'warning', 2002)], want: [] },
      { at: 4, levels: [lv('a', 'ok', 1998)], want: [] },
      { at: 11, levels: [lv('a', 'ok', 1990)], want: ['a:warning→ok'] },
      { at: 12, levels: [lv('a', 'ok', 1990)], want: [] },
    ],
  },
  {
    name: 'an escalation inside the cooldown goes out at once',
    input: [
      { at: 0, levels: [lv('a', 'warning', 2500)], want: ['a:∅→warning'] },
      { at: 1, levels: [lv('a', 'critical', 5500)], want: ['a:warning→critical'] },
      { at: 2, levels: [lv('a', 'warning', 4900)], want: [] },
      { at: 3, levels: [lv('a', 'critical', 5100)], want: [] },
      { at: 4, levels: [lv('a', 'emergency', 11000)], want: ['a:critical→emergency'] },
    ],
  },
  {
    name: 'unknown sits between ok and warning',
    input: [
      { at: 0, levels: [lv('a', 'ok', 10)], want: [] },
      { at: 1, levels: [lv('a', 'unknown')], want: ['a:ok→unknown'] },
      { at: 2, levels: [lv('a', 'warning', 3000)], want: ['a:unknown→warning'] },
    ],
  },
  {
    name: 'containers are independent',
    input: [
      { at: 0, levels: [lv('a', 'ok'), lv('b', 'ok')], want: [] },
      { at: 1, levels: [lv('a', 'critical', 6000), lv('b', 'ok')], want: ['a:ok→critical'] },
      { at: 2, levels: [lv('a', 'critical', 6000), lv('b', 'warning', 2500)], want: ['b:ok→warning'] },
    ],
  },
  {
    name: 'a crash alerts; a second crash within the cooldown does not; after it, it does',
    input: [
      { at: 0, levels: [lv('a', 'ok')], events: [ev('a', 'crash', 0)], want: ['a:crash'] },
      { at: 3, events: [ev('a', 'crash', 3)], want: [] },
      { at: 11, events: [ev('a', 'crash', 11)], want: ['a:crash'] },
    ],
  },
  {
    name: 'panics sharing a millisecond, or arriving out of order across streams, all count',
    input: [
      { at: 1, events: [ev('a', 'panic', 1)], want: [] },
      { at: 1, events: [ev('a', 'panic', 1)], want: [] },
      { at: 1, events: [ev('a', 'panic', 0.5)], want: ['a:panic_burst'] },
    ],
  },
  {
    name: 'panics: a burst of 3 within 5 minutes alerts, fewer do not, the burst repeats after the cooldown',
    input: [
      { at: 0, events: [ev('a', 'panic', 0), ev('a', 'panic', 1)], want: [] },
      { at: 7, events: [ev('a', 'panic', 7)], want: [] }, // the first two are out of the window now
      { at: 8, events: [ev('a', 'panic', 8), ev('a', 'panic', 8.5)], want: ['a:panic_burst'] },
      { at: 9, events: [ev('a', 'panic', 9)], want: [] },
      { at: 19, events: [ev('a', 'panic', 18), ev('a', 'panic', 18.5), ev('a', 'panic', 19)], want: ['a:panic_burst'] },
    ],
  },
  {
    name: 'a disabled channel alerts once per channel per cooldown',
    input: [
      {
        at: 0,
        events: [ev('a', 'channel_disabled', 0, { channel: 3 }), ev('a', 'channel_disabled', 0.1, { channel: 4 }), ev('a', 'channel_disabled', 0.2, { channel: 3 })],
        want: ['a:channel_disabled', 'a:channel_disabled'],
      },
    ],
  },
  {
    name: 'an event before the first check does not fake a level change later',
    input: [
      { at: 0, events: [ev('a', 'crash', 0)], want: ['a:crash'] },
      { at: 1, levels: [lv('a', 'ok', 10)], want: [] },
      { at: 2, levels: [lv('a', 'warning', 2500)], want: ['a:ok→warning'] },
    ],
  },
];

describe('decide', () => {
  it.each(cases)('$name', ({ input }) => {
    let state: AlertState = emptyState();
    input.forEach((r, i) => {
      const { alerts, next } = decide(state, { levels: r.levels ?? [], events: r.events ?? [] }, T0 + r.at * MIN, policy);
      expect({ round: i, alerts: alerts.map(short) }).toEqual({ round: i, alerts: r.want });
      state = next;
    });
  });

  it('fills every field of a level alert and of an event alert', () => {
    const first = decide(emptyState(), { levels: [lv('one-api', 'critical', 5300)], events: [] }, T0, policy);
    expect(first.alerts).toEqual([
      { container: 'one-api', host: null, level: 'critical', previous: null, reasons: ['goroutines 5300'], goroutines: 5300, time: '2026-11-26T10:00:00.000Z', event: null },
    ]);
    const crash = decide(first.next, { levels: [], events: [ev('one-api', 'crash', 1, { message: 'runtime error: index out of range', signature: 'main.f' })] }, T0 + MIN, policy);
    expect(crash.alerts).toEqual([
      {
        container: 'one-api',
        host: null,
        level: 'critical',
        previous: null,
        reasons: ['goroutines 5300'],
        goroutines: 5300,
        time: '2026-11-26T10:01:00.000Z',
        event: { kind: 'crash', message: 'runtime error: index out of range', signature: 'main.f', time: '2026-11-26T10:01:00.000Z' },
      },
    ]);
  });

  it('carries the message-language reasons of a level change', () => {
    const o = { ...lv('a', 'warning', 2500), displayReasons: ['2500 个 goroutine ≥ 警告阈值 2000'] };
    expect(decide(emptyState(), { levels: [o], events: [] }, T0, policy).alerts.map((a) => a.displayReasons)).toEqual([['2500 个 goroutine ≥ 警告阈值 2000']]);
  });

  it('does not change the state it is given', () => {
    const prev = emptyState();
    decide(prev, { levels: [lv('a', 'warning', 2500)], events: [ev('a', 'crash', 0)] }, T0, policy);
    expect(prev).toEqual(emptyState());
  });
});
