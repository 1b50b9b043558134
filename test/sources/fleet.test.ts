// Pure pieces of the fleet sources: the time merge, service log frames → per-task lines, task tags, host labels.
import { describe, expect, it } from 'vitest';
import { TimeMerge } from '../../src/stream/merge.js';
import { ServiceFrameRouter, parseDetails } from '../../src/docker/services.js';
import { hostLabel, mapLimit, parseMaxStreams, tagFor } from '../../src/sources/fleet.js';

interface Ev {
  id: string;
  t: number | null;
}

/** Feed [lane, id, t] pushes and ['end', lane] marks; returns ids in release order plus, after each step, how many are held. */
function runMerge(lanes: number, steps: ([number, string, number | null] | ['end', number])[], max?: number): { out: string[]; held: number[] } {
  const out: string[] = [];
  const held: number[] = [];
  const m = new TimeMerge<Ev>(lanes, (e) => out.push(e.id), { timeOf: (e) => e.t, maxBuffered: max });
  for (const s of steps) {
    if (s[0] === 'end') m.end(s[1]);
    else m.push(s[0], { id: s[1], t: s[2] });
    held.push(m.held);
  }
  m.flush();
  return { out, held };
}

describe('TimeMerge', () => {
  it.each([
    {
      name: 'two lanes interleaved',
      input: { lanes: 2, steps: [[0, 'a1', 1], [0, 'a3', 3], [1, 'b2', 2], [1, 'b4', 4], ['end', 0], ['end', 1]] as const },
      want: { out: ['a1', 'b2', 'a3', 'b4'], held: [1, 2, 1, 1, 0, 0] },
    },
    {
      name: 'a silent open lane holds everything back',
      input: { lanes: 3, steps: [[0, 'a1', 1], [1, 'b2', 2], [0, 'a3', 3]] as const },
      want: { out: ['a1', 'b2', 'a3'], held: [1, 2, 3] },
    },
    {
      name: 'an ended lane does not hold the others',
      input: { lanes: 2, steps: [['end', 1], [0, 'a1', 1], [0, 'a2', 2]] as const },
      want: { out: ['a1', 'a2'], held: [0, 0, 0] },
    },
    {
      name: 'small disorder inside a lane is sorted',
      input: { lanes: 2, steps: [[0, 'a3', 3], [0, 'a1', 1], [0, 'a2', 2], [1, 'b5', 5], ['end', 1], ['end', 0]] as const },
      want: { out: ['a1', 'a2', 'a3', 'b5'], held: [1, 2, 3, 1, 1, 0] },
    },
    {
      name: 'an event without time follows its lane',
      input: { lanes: 2, steps: [[0, 'a5', 5], [0, 'a-', null], [1, 'b1', 1], [1, 'b6', 6], ['end', 0], ['end', 1]] as const },
      want: { out: ['b1', 'a5', 'a-', 'b6'], held: [1, 2, 2, 1, 0, 0] },
    },
  ])('$name', ({ input, want }) => {
    expect(runMerge(input.lanes, input.steps as unknown as Parameters<typeof runMerge>[1])).toEqual(want);
  });

  it('the bound releases the oldest when a lane stays silent', () => {
    const steps: [number, string, number][] = Array.from({ length: 6 }, (_, i) => [0, `a${i}`, i]);
    expect(runMerge(2, steps, 3)).toEqual({ out: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'], held: [1, 2, 3, 3, 3, 3] });
  });
});

const NODE = 'lzqm2n7xbocnjylq2wg4ejrse';
const details = (task: string) => `com.docker.swarm.node.id=${NODE},com.docker.swarm.service.id=slzhc9z3y9v96idj9dl4tni6x,com.docker.swarm.task.id=${task}`;
const frame = (ts: string, task: string, msg: string) => Buffer.from(`${ts} ${details(task)} ${msg}`);

describe('service log frames', () => {
  it.each([
    { name: 'node and task', input: details('t1'), want: { task: 't1', node: NODE } },
    { name: 'escaped value', input: 'com.docker.swarm.task.id=a%2Cb,x=y', want: { task: 'a,b', node: '' } },
    { name: 'none', input: 'x=y', want: { task: '', node: '' } },
  ])('parseDetails: $name', ({ input, want }) => {
    expect(parseDetails(input)).toEqual(want);
  });

  it('16 KB parts of two tasks interleaved: each task gets its own joined line', () => {
    const got: string[][] = [];
    const r = new ServiceFrameRouter((task, node, stream, ts, text) => got.push([task, node, stream, ts ?? '', text]));
    const T1 = '2026-11-26T14:32:49.017117632Z';
    const T2 = '2026-11-26T14:32:49.096440427Z';
    r.frame('stdout', frame(T1, 't1', 'aaa'));
    r.frame('stdout', frame(T2, 't2', 'bbb'));
    r.frame('stdout', frame(T1, 't1', 'AAA\n'));
    r.frame('stderr', frame(T2, 't2', 'err\n'));
    r.frame('stdout', frame(T2, 't2', 'BBB\n'));
    r.frame('stdout', Buffer.from(`${T2} no details here\n`));
    r.end();
    expect(got).toEqual([
      ['t1', NODE, 'stdout', T1, 'aaaAAA'],
      ['t2', NODE, 'stderr', T2, 'err'],
      ['t2', NODE, 'stdout', T2, 'bbbBBB'],
      ['', '', 'stdout', T2, 'no details here'],
    ]);
  });
});

describe('task tags', () => {
  const spans = [
    { task: 'old', node: 'n1', from: Date.parse('2026-11-26T10:00:00Z') },
    { task: 'new', node: 'n2', from: Date.parse('2026-11-26T11:00:00Z') },
  ];
  it.each([
    { name: 'inside the first run', input: { time: '2026-11-26T10:30:00.000Z', host: undefined }, want: { task: 'old', node: 'n1' } },
    { name: 'at the second start', input: { time: '2026-11-26T11:00:00.000Z', host: undefined }, want: { task: 'new', node: 'n2' } },
    { name: 'before any run', input: { time: '2026-11-26T09:00:00.000Z', host: undefined }, want: { task: 'old', node: 'n1' } },
    { name: 'no time: the newest', input: { time: null, host: 'tcp://h:2375' }, want: { task: 'new', node: 'n2', host: 'tcp://h:2375' } },
  ])('$name', ({ input, want }) => {
    expect(tagFor(spans, input.time, input.host)).toEqual(want);
  });
  it('no spans, a host', () => expect(tagFor(undefined, null, 'unix:///s')).toEqual({ host: 'unix:///s' }));
});

describe('flags', () => {
  it.each([
    { input: 'unix:///var/run/docker.sock', want: '/var/run/docker.sock' },
    { input: 'tcp://10.0.0.5:2376', want: '10.0.0.5:2376' },
    { input: 'ssh://ops@db1', want: 'ssh://ops@db1' },
  ])('hostLabel $input', ({ input, want }) => expect(hostLabel(input)).toBe(want));

  it.each([
    { input: undefined, want: undefined },
    { input: '16', want: 16 },
    { input: ' 1 ', want: 1 },
  ])('--max-streams $input', ({ input, want }) => expect(parseMaxStreams(input)).toBe(want));

  it.each(['0', '1001', 'x', '-2', '1.5'])('--max-streams %s is a usage error (64)', (v) => {
    expect(() => parseMaxStreams(v)).toThrowError(expect.objectContaining({ exitCode: 64 }) as Error);
  });
});

describe('mapLimit', () => {
  it.each([
    { name: 'limit 2 of 5', input: { n: 5, limit: 2 }, want: { out: [0, 2, 4, 6, 8], peak: 2 } },
    { name: 'limit above the count', input: { n: 3, limit: 8 }, want: { out: [0, 2, 4], peak: 3 } },
    { name: 'nothing', input: { n: 0, limit: 8 }, want: { out: [], peak: 0 } },
  ])('$name', async ({ input, want }) => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit(Array.from({ length: input.n }, (_, i) => i), input.limit, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return x * 2;
    });
    expect({ out, peak }).toEqual(want);
  });
});

describe('TimeMerge lanes added later', () => {
  it('a lane added while an empty lane holds the rest back is merged in time', () => {
    const out: string[] = [];
    const m = new TimeMerge<Ev>(1, (e) => out.push(e.id), { timeOf: (e) => e.t });
    const a = m.addLane();
    const b = m.addLane();
    m.push(a, { id: 'a3', t: 3 });
    m.push(b, { id: 'b2', t: 2 });
    m.push(a, { id: 'a1', t: 1 });
    m.push(b, { id: 'b4', t: 4 });
    const heldBeforeEnd = m.held;
    m.end(a);
    m.end(b);
    m.end(0);
    expect({ out, heldBeforeEnd, held: m.held }).toEqual({ out: ['a1', 'b2', 'a3', 'b4'], heldBeforeEnd: 4, held: 0 });
  });
});
