import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline.js';
import type { GEvent } from '../../src/events.js';
import { EXIT } from '../../src/errors.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-pipeline-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TS = (s: number) => `2025-02-21T11:30:${String(s).padStart(2, '0')}.000000000Z`;
// ezlinkai monitor lines (stdout / stderr) with Docker timestamps.
const goroutineLines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${TS(from + i)} [SYS] 2025/02/21 - 19:30:${String(from + i).padStart(2, '0')} | ⚠️ Goroutine count elevated: ${2100 + from + i} `).join('\n') + '\n';

async function run(specs: string[], opts: Partial<Parameters<typeof runPipeline>[1]> = {}) {
  const events: GEvent[] = [];
  const stats = await runPipeline(specs, { tz: 'UTC', ...opts }, (e) => events.push(e));
  return { events, stats };
}

describe('runPipeline over files', () => {
  it('counts lines and records, parses events, reports the source', async () => {
    const p = join(dir, 'a.log');
    writeFileSync(p, goroutineLines(1, 5));
    const { events, stats } = await run([p]);
    expect(events.filter((e) => e.kind === 'goroutine').map((e) => (e as { count: number }).count)).toEqual([2101, 2102, 2103, 2104, 2105]);
    expect(events.every((e) => e.source === p)).toBe(true);
    expect([stats.lines, stats.records, stats.oversized, stats.unparsed]).toEqual([5, 5, 0, 0]);
    expect(stats.sources).toEqual([{ spec: p, kind: 'file', name: p }]);
  });

  it('a record nobody knows is counted as unparsed', async () => {
    const p = join(dir, 'u.log');
    writeFileSync(p, `${TS(6)} some line nobody knows\n`);
    const { events, stats } = await run([p]);
    expect(events).toEqual([]);
    expect([stats.lines, stats.records, stats.unparsed]).toEqual([1, 1, 1]);
  });

  const windows: { name: string; input: { since?: string; until?: string }; want: number[] }[] = [
    { name: 'since is inclusive', input: { since: TS(3) }, want: [2103, 2104, 2105] },
    { name: 'until is inclusive', input: { until: TS(2) }, want: [2101, 2102] },
    { name: 'both', input: { since: TS(2), until: TS(4) }, want: [2102, 2103, 2104] },
    { name: 'empty window', input: { since: TS(9) }, want: [] },
  ];
  for (const w of windows) {
    it(`time window: ${w.name}`, async () => {
      const p = join(dir, 'w.log');
      writeFileSync(p, goroutineLines(1, 5));
      const { events, stats } = await run([p], { since: w.input.since ? Date.parse(w.input.since) : undefined, until: w.input.until ? Date.parse(w.input.until) : undefined });
      expect(events.map((e) => (e as { count: number }).count)).toEqual(w.want);
      expect(stats.lines).toBe(5); // the window filters events, not the reading
    });
  }

  it('kinds filter', async () => {
    const p = join(dir, 'k.log');
    writeFileSync(p, goroutineLines(1, 2));
    expect((await run([p], { kinds: new Set(['panic'] as const) })).events).toEqual([]);
    expect((await run([p], { kinds: new Set(['goroutine'] as const) })).events.length).toBe(2);
  });

  it('several specs are read concurrently, each with its own source', async () => {
    const a = join(dir, 'c1.log');
    const b = join(dir, 'c2.log');
    writeFileSync(a, goroutineLines(1, 3));
    writeFileSync(b, goroutineLines(4, 5));
    const { events, stats } = await run([a, b]);
    expect(events.filter((e) => e.source === a).length).toBe(3);
    expect(events.filter((e) => e.source === b).length).toBe(2);
    expect(stats.lines).toBe(5);
    expect(stats.sources.map((s) => s.name)).toEqual([a, b]);
  });

  it('an oversized line is counted', async () => {
    const p = join(dir, 'big.log');
    writeFileSync(p, 'a\n' + 'x'.repeat(5 * 1024 * 1024) + '\nb\n');
    const { stats } = await run([p]);
    expect([stats.lines, stats.oversized]).toEqual([3, 1]);
  });

  it('a bad spec fails before anything is read', async () => {
    const ok = join(dir, 'ok.log');
    writeFileSync(ok, goroutineLines(1, 1));
    let n = 0;
    await expect(runPipeline([ok, join(dir, 'missing.log')], { tz: 'UTC' }, () => n++)).rejects.toMatchObject({ exitCode: EXIT.NO_INPUT });
    expect(n).toBe(0);
  });

  it('an aborted run returns its stats quietly', async () => {
    const p = join(dir, 'abort.log');
    writeFileSync(p, goroutineLines(1, 5));
    const ac = new AbortController();
    ac.abort();
    const { stats } = await run([p], { signal: ac.signal });
    expect(stats.lines).toBeLessThanOrEqual(5);
  });
});

// Events of one millisecond on both streams: the order must not depend on how the two streams' lines interleave
// (a container's json-file log and its bundle's two logs come in other interleavings).
describe('runPipeline ordered: the same millisecond on both streams', () => {
  const line = (stream: 'stdout' | 'stderr', time: string, text: string) => JSON.stringify({ log: `${text} \n`, stream, time });
  const memory = line('stdout', '2026-03-02T00:00:02.174100000Z', '[INFO] 2026/03/02 - 08:00:02 | Memory: Alloc=812MB, TotalAlloc=91234MB, Sys=1630MB, NumGC=4521');
  const goroutine = line('stderr', '2026-03-02T00:00:02.174900000Z', '[SYS] 2026/03/02 - 08:00:02 | Goroutine count: 312');
  const laterOut = line('stdout', '2026-03-02T00:00:02.900000000Z', '[INFO] 2026/03/02 - 08:00:02 | Goroutine count: 313');
  const laterErr = line('stderr', '2026-03-02T00:00:03.100000000Z', '[SYS] 2026/03/02 - 08:00:03 | Goroutine count: 314');
  it.each([
    ['stderr first', [goroutine, memory, laterOut, laterErr]],
    ['stdout first', [memory, goroutine, laterOut, laterErr]],
    ['stdout first, its next line late', [memory, goroutine, laterErr, laterOut]],
  ])('%s: stderr before stdout within the millisecond, then time order', async (name, lines) => {
    const p = join(dir, `tie-${name.replace(/[^a-z]+/g, '-')}.log`);
    writeFileSync(p, lines.join('\n') + '\n');
    const { events } = await run([p], { ordered: true });
    expect(events.map((e) => [e.kind, e.time, e.stream])).toEqual([
      ['goroutine', '2026-03-02T00:00:02.174Z', 'stderr'],
      ['memory', '2026-03-02T00:00:02.174Z', 'stdout'],
      ['goroutine', '2026-03-02T00:00:02.900Z', 'stdout'],
      ['goroutine', '2026-03-02T00:00:03.100Z', 'stderr'],
    ]);
  });
});
