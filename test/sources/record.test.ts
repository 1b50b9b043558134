// `watch --record` files as a trend source: the reader, and trend through the binary on a recorded leak.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRecordFile, readRecordFile, recordLineEvents } from '../../src/sources/record.js';
import type { GEvent } from '../../src/events.js';
import { goroscope } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'gs-record-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rec = (time: string, goroutines: number | null, restarts: number | null, memory: Record<string, number> | null = null) =>
  JSON.stringify({ time, container: 'one-api', goroutines, goroutineSource: 'health', memory, cpuPercent: 1.5, containerMemory: null, restarts, state: 'running' });

describe('recordLineEvents', () => {
  const cases: { name: string; input: [string, number | null]; want: { kinds: string[]; restarts: number | null } }[] = [
    { name: 'a sample with memory', input: [rec('2026-03-04T01:30:00Z', 812, 0, { allocMb: 120, totalAllocMb: 900, sysMb: 300, numGc: 12 }), null], want: { kinds: ['goroutine', 'memory'], restarts: 0 } },
    { name: 'the restart counter went up: a startup first', input: [rec('2026-03-04T01:31:00Z', 15, 1), 0], want: { kinds: ['startup', 'goroutine'], restarts: 1 } },
    { name: 'no count (health down)', input: [rec('2026-03-04T01:32:00Z', null, 1), 1], want: { kinds: [], restarts: 1 } },
    { name: 'health-style memory keys', input: [JSON.stringify({ time: '2026-03-04T01:33:00Z', goroutines: 9, memory: { alloc_mb: 5 } }), null], want: { kinds: ['goroutine', 'memory'], restarts: null } },
    { name: 'not JSON', input: ['garbage', 3], want: { kinds: [], restarts: 3 } },
    { name: 'no time', input: [JSON.stringify({ goroutines: 9 }), null], want: { kinds: [], restarts: null } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = recordLineEvents(c.input[0], 'f.jsonl', c.input[1]);
      expect(r.events.map((e) => e.kind)).toEqual(c.want.kinds);
      expect(r.restarts).toBe(c.want.restarts);
      for (const e of r.events) expect(e.source).toBe(c.input[0].includes('"container"') ? 'one-api' : 'f.jsonl');
    });
  }
  it('counts are `sample` level and memory keeps every field', () => {
    const { events } = recordLineEvents(rec('2026-03-04T01:30:00Z', 812, 0, { allocMb: 120, totalAllocMb: 900, sysMb: 300, numGc: 12 }), 'f', null);
    expect(events[0]).toMatchObject({ kind: 'goroutine', count: 812, level: 'sample', time: '2026-03-04T01:30:00.000Z' });
    expect(events[1]).toMatchObject({ kind: 'memory', allocMb: 120, totalAllocMb: 900, sysMb: 300, numGc: 12 });
  });
});

describe('record files', () => {
  // Two runs recorded every 30 s: 1000 → 10000 in 2 h, a restart (counter 0 → 1), then 2 h of 800 ± 50.
  const lines: string[] = [];
  const t0 = Date.parse('2026-03-04T00:00:00Z');
  for (let i = 0; i <= 240; i++) lines.push(rec(new Date(t0 + i * 30_000).toISOString(), Math.round(1000 + i * 37.5), 0));
  for (let i = 0; i <= 240; i++) lines.push(rec(new Date(t0 + 3 * 3_600_000 + i * 30_000).toISOString(), 800 + (i % 5) * 25 - 50, 1));
  const file = join(tmp, 'baseline.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  const log = join(tmp, 'one-api.log');
  writeFileSync(log, '[SYS] 2026/03/04 - 08:00:00 | One API v1.9.2 started \n');

  it('is detected by its first line, and a log file is not', async () => {
    expect(await isRecordFile(file)).toBe(true);
    expect(await isRecordFile(log)).toBe(false);
    expect(await isRecordFile(join(tmp, 'missing'))).toBe(false);
  });

  it('reads every sample inside the window', async () => {
    const ev: GEvent[] = [];
    const n = await readRecordFile(file, { since: t0 + 3 * 3_600_000 }, (e) => ev.push(e));
    expect(n).toBe(482);
    expect(ev.map((e) => e.kind).filter((k) => k === 'goroutine').length).toBe(241);
    expect(ev[0]!.kind).toBe('startup');
  });

  it('trend --json on a record file: leak then stable, split at the recorded restart', async () => {
    const r = await goroscope(['trend', file, '--json']);
    expect(r.stderr).toBe('');
    const t = JSON.parse(r.stdout);
    expect(t.verdict).toBe('leak');
    expect(t.latest).toBe('stable');
    expect(t.runs.map((x: { samples: number; verdict: string; censoredTicks: number }) => [x.samples, x.verdict, x.censoredTicks])).toEqual([
      [241, 'leak', 0],
      [241, 'stable', 0],
    ]);
    expect(t.runs[0].slopePerHour).toBe(4500);
    expect(t.restartCount).toBe(1);
    expect(t.restarts).toEqual([{ time: '2026-03-04T03:00:00.000Z', detail: 'restart #1 (recorded) started', after: null }]);
    // recorded samples every 30 s: the period is read from them
    expect([t.monitorPeriodMs, t.monitorPeriodSource]).toEqual([30_000, 'detected']);
  });
});

describe('a long record: 200,000 samples (8 days at 5 s with a week of history: past the old Math.max(...values) crash)', () => {
  const file = join(tmp, 'long.jsonl');
  const t0 = Date.parse('2026-03-01T00:00:00Z');
  const n = 200_000;
  const out: string[] = [];
  // a flat 900 ± 40 with one excursion to 4000 at sample 150,000
  for (let i = 0; i < n; i++) out.push(rec(new Date(t0 + i * 5000).toISOString(), i === 150_000 ? 4000 : 900 + ((i * 37) % 81) - 40, 0));
  writeFileSync(file, out.join('\n') + '\n');

  it('trend and review read it whole: exact sample count, peak and period', async () => {
    const [t, r] = await Promise.all([goroscope(['trend', file, '--json'], { timeoutMs: 120_000 }), goroscope(['review', file, '--format', 'json', '--since', '30d'], { timeoutMs: 120_000 })]);
    for (const x of [t, r]) {
      expect(x.stderr).toBe('');
      expect(x.code).toBe(0);
    }
    const trend = JSON.parse(t.stdout);
    expect([trend.samples, trend.peak, trend.peakAt, trend.monitorPeriodMs, trend.monitorPeriodSource]).toEqual([n, 4000, new Date(t0 + 150_000 * 5000).toISOString(), 5000, 'detected']);
    expect(trend.series.length).toBe(1000);
    const review = JSON.parse(r.stdout);
    expect([review.trend.samples, review.trend.peak, review.trend.verdict]).toEqual([n, 4000, trend.verdict]);
  }, 180_000); // two whole reads of 200,000 samples: minutes on a loaded 2-core machine
});
