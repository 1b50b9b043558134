// The time-ordered merge with lane frontiers (src/stream/merge.ts): a lane that knows a lower bound on its future
// events (the pipeline: oldest open record, oldest pending panic, newest line minus the stream skew) lets older events
// out as soon as nothing older can come, and holds back the ones an open record could still precede.
import { describe, expect, it } from 'vitest';
import { TimeMerge } from '../../src/stream/merge.js';

interface Ev {
  id: string;
  t: number | null;
}

type Step = ['push', number, string, number | null] | ['frontier', number, number] | ['end', number];

/** One source lane (0) whose frontier the steps move, plus `others` lanes in order. Returns ids released after each step. */
function run(steps: Step[], others = 0): string[][] {
  const out: string[] = [];
  let bound = -Infinity;
  const m = new TimeMerge<Ev>(1 + others, (e) => out.push(e.id), { timeOf: (e) => e.t });
  m.setFrontier(0, () => bound);
  const after: string[][] = [];
  for (const s of steps) {
    const n = out.length;
    if (s[0] === 'push') m.push(s[1], { id: s[2], t: s[3] });
    else if (s[0] === 'frontier') bound = s[2];
    else m.end(s[1]);
    after.push(out.slice(n));
  }
  const n = out.length;
  m.flush();
  after.push(out.slice(n));
  return after;
}

describe('TimeMerge frontiers', () => {
  it.each<{ name: string; input: { steps: Step[]; others?: number }; want: string[][] }>([
    {
      name: 'an event waits while an older record may still come, then goes out in time order',
      // stdout retry at 5 arrives first; the stderr relay error at 3 is still an open record (frontier 3)
      input: { steps: [['frontier', 0, 3], ['push', 0, 'retry', 5], ['frontier', 0, 4], ['push', 0, 'relay_error', 3], ['end', 0]] },
      want: [[], [], [], ['relay_error'], ['retry'], []],
    },
    {
      name: 'events up to the frontier leave at once',
      input: { steps: [['frontier', 0, 10], ['push', 0, 'a', 2], ['push', 0, 'b', 10], ['push', 0, 'c', 11]] },
      want: [[], ['a'], ['b'], [], ['c']],
    },
    {
      name: 'a frontier of -Infinity (a Swarm service) holds everything until the lane ends',
      input: { steps: [['push', 0, 'b', 2], ['push', 0, 'a', 1], ['end', 0]] },
      want: [[], [], ['a', 'b'], []],
    },
    {
      name: 'the lowest frontier of all open lanes rules: an in-order lane holds the source lane back',
      input: { steps: [['frontier', 0, 100], ['push', 0, 'a', 5], ['push', 1, 'x', 3], ['push', 1, 'y', 7], ['end', 1]], others: 1 },
      want: [[], [], ['x'], ['a', 'y'], [], []],
    },
  ])('$name', ({ input, want }) => {
    expect(run(input.steps, input.others)).toEqual(want);
  });

  it('equal times leave in the order they came', () => {
    const out: string[] = [];
    const m = new TimeMerge<Ev>(2, (e) => out.push(e.id), { timeOf: (e) => e.t });
    for (const [lane, id] of [[1, 'b'], [0, 'a'], [1, 'c']] as const) m.push(lane, { id, t: 1 });
    m.flush();
    expect(out).toEqual(['b', 'a', 'c']);
  });
});
