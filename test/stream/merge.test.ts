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

  it('equal times held together leave by lane, then rank, then in the order they came', () => {
    const out: string[] = [];
    const m = new TimeMerge<Ev>(2, (e) => out.push(e.id), { timeOf: (e) => e.t, rankOf: (e) => (e.id.startsWith('err') ? 0 : 1) });
    m.setFrontier(0, () => -Infinity);
    m.setFrontier(1, () => -Infinity);
    for (const [lane, id] of [[1, 'b'], [0, 'a'], [1, 'err-c'], [0, 'err-d'], [1, 'e']] as const) m.push(lane, { id, t: 1 });
    m.flush();
    expect(out).toEqual(['err-d', 'a', 'err-c', 'b', 'e']);
  });

  it('the same millisecond read in two interleavings (a container, its bundle) leaves in one order', () => {
    // two streams of one source: the stdout record of ms 5 completes after the stderr one in one reading, before it
    // in the other; the frontier (the pipeline's: half a millisecond under the oldest open record) sits at 4.5 until
    // both are out
    const read = (order: ['stdout' | 'stderr', string][]) => {
      const out: string[] = [];
      let bound = 4.5;
      const m = new TimeMerge<Ev & { stream: string }>(1, (e) => out.push(e.id), { timeOf: (e) => e.t, rankOf: (e) => (e.stream === 'stderr' ? 0 : 1) });
      m.setFrontier(0, () => bound);
      m.push(0, { id: 'early', t: 4, stream: 'stdout' });
      for (const [stream, id] of order) m.push(0, { id, t: 5, stream });
      bound = 6;
      m.push(0, { id: 'late', t: 6, stream: 'stdout' });
      m.flush();
      return out;
    };
    const a = read([['stderr', 'goroutine'], ['stdout', 'memory']]);
    const b = read([['stdout', 'memory'], ['stderr', 'goroutine']]);
    expect(a).toEqual(['early', 'goroutine', 'memory', 'late']);
    expect(b).toEqual(a);
  });
});
