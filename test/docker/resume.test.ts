// ResumePoint: what a followed log skips after a reconnect (pure; the real-engine test is in logs.test.ts).
import { describe, expect, it } from 'vitest';
import { ResumePoint } from '../../src/docker/logs.js';

const T = (s: number, ns = 0) => `2026-11-26T12:00:${String(s).padStart(2, '0')}.${String(ns).padStart(9, '0')}Z`;
type L = [string, string];

/** Deliver `first`, reconnect, deliver `again` (what the daemon sends from `since`); returns since and what got through. */
function run(first: L[], again: L[]): { since: string | null; passed: L[] } {
  const r = new ResumePoint();
  for (const [s, t] of first) expect(r.seen(s, t)).toBe(true);
  const since = r.reconnect();
  return { since, passed: again.filter(([s, t]) => r.seen(s, t)) };
}

describe('ResumePoint', () => {
  const cases: { name: string; input: { first: L[]; again: L[] }; want: { since: string | null; passed: L[] } }[] = [
    { name: 'nothing delivered: no since', input: { first: [], again: [['stdout', T(1)]] }, want: { since: null, passed: [['stdout', T(1)]] } },
    {
      name: 'the replayed history is skipped, the new run passes',
      input: { first: [['stdout', T(1)], ['stdout', T(2)]], again: [['stdout', T(1)], ['stdout', T(2)], ['stdout', T(5)]] },
      want: { since: '1795694400.000000000', passed: [['stdout', T(5)]] },
    },
    {
      name: 'stderr logged after a later-stamped stdout line is not repeated',
      input: { first: [['stdout', T(3, 200)], ['stderr', T(3, 100)]], again: [['stderr', T(3, 100)], ['stdout', T(3, 200)], ['stdout', T(4)]] },
      want: { since: '1795694401.000000200', passed: [['stdout', T(4)]] },
    },
    {
      name: 'a line the first stream never sent is not lost, even when stamped before the newest',
      input: { first: [['stdout', T(3, 200)]], again: [['stdout', T(3, 200)], ['stderr', T(3, 100)]] },
      want: { since: '1795694401.000000200', passed: [['stderr', T(3, 100)]] },
    },
    {
      name: 'two lines with one timestamp: both counted',
      input: { first: [['stdout', T(3)], ['stdout', T(3)]], again: [['stdout', T(3)], ['stdout', T(3)], ['stdout', T(3)]] },
      want: { since: '1795694401.000000000', passed: [['stdout', T(3)]] },
    },
    {
      name: 'same timestamp on the other stream is another line',
      input: { first: [['stdout', T(3)]], again: [['stdout', T(3)], ['stderr', T(3)]] },
      want: { since: '1795694401.000000000', passed: [['stderr', T(3)]] },
    },
  ];
  for (const c of cases) it(c.name, () => expect(run(c.input.first, c.input.again)).toEqual(c.want));

  it('second reconnect still skips lines of the first run inside the overlap window', () => {
    const r = new ResumePoint();
    expect(r.seen('stdout', T(1))).toBe(true);
    r.reconnect();
    expect([r.seen('stdout', T(1)), r.seen('stdout', T(2))]).toEqual([false, true]);
    r.reconnect();
    expect([r.seen('stdout', T(1)), r.seen('stdout', T(2)), r.seen('stdout', T(3))]).toEqual([false, false, true]);
  });

  it('old lines are forgotten, so memory stays bounded on a long follow', () => {
    const r = new ResumePoint();
    for (let i = 0; i < 20_000; i++) r.seen('stdout', `2026-11-26T12:${String(Math.floor(i / 600)).padStart(2, '0')}:${String(Math.floor(i / 10) % 60).padStart(2, '0')}.${String(i).padStart(9, '0')}Z`);
    expect((r as unknown as { recent: Map<string, number> }).recent.size).toBeLessThan(4096 + 60);
  });
});
