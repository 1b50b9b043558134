// A bundle's health snapshot as a trend sample (issue 5): the bundle source hands over a goroutine `sample` and a
// memory event at the snapshot's time (Source.events, PipelineOptions.sourceEvents); trend/review use them, scan does not.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthSnapshotEvents } from '../../src/sources/bundle.js';
import { goroscope } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'gs-bundle-samples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BODY = JSON.stringify({ status: 'ok', goroutines: 3100, memory: { alloc_mb: 55, total_alloc_mb: 900, sys_mb: 70, num_gc: 12 } });
const manifest = { tool: 'goroscope', container: { id: 'abc123', name: 'one-api' }, startedAt: '2026-03-04T02:00:00.000Z', items: { health: { status: 'ok', ms: 120 } } };
const LOG =
  '2026-03-04T01:00:00.000000000Z [SYS] 2026/03/04 - 01:00:00 | One API v1.9.2 started \n' +
  '2026-03-04T01:30:00.000000000Z [SYS] 2026/03/04 - 01:30:00 | ⚠️ Goroutine count elevated: 2500 \n';

/** A bundle directory written by hand: manifest, one log line per stream file, and health.json (or none). */
function bundle(name: string, health: Record<string, unknown> | null): string {
  const root = join(tmp, name);
  mkdirSync(join(root, 'logs'), { recursive: true });
  writeFileSync(join(root, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(root, 'logs/stdout.log'), LOG);
  if (health) writeFileSync(join(root, 'health.json'), JSON.stringify(health));
  return root;
}
const snapshot = (extra: Record<string, unknown>) => ({ url: 'http://127.0.0.1:3000/api/monitor/health', status: 200, headers: {}, body: BODY, latencyMs: 3, error: null, ...extra });

describe('healthSnapshotEvents', () => {
  const cases: { name: string; input: Record<string, unknown> | null; want: { kind: string; time: string; count?: number; allocMb?: number; sysMb?: number | null }[] }[] = [
    {
      name: 'the snapshot time written by bundle',
      input: snapshot({ time: '2026-03-04T02:00:00.250Z', goroutines: 3100, memory: { allocMb: 55, totalAllocMb: 900, sysMb: 70, numGc: 12 } }),
      want: [
        { kind: 'goroutine', time: '2026-03-04T02:00:00.250Z', count: 3100 },
        { kind: 'memory', time: '2026-03-04T02:00:00.250Z', allocMb: 55, sysMb: 70 },
      ],
    },
    {
      name: 'no time of its own: manifest startedAt + the health item ms; count from the body',
      input: snapshot({}),
      want: [
        { kind: 'goroutine', time: '2026-03-04T02:00:00.120Z', count: 3100 },
        { kind: 'memory', time: '2026-03-04T02:00:00.120Z', allocMb: 55, sysMb: 70 },
      ],
    },
    { name: 'the endpoint did not answer: no sample', input: snapshot({ status: null, body: null, error: 'connection refused', goroutines: null, memory: null }), want: [] },
    { name: 'a body that is not JSON and no extras', input: snapshot({ body: '<html>502</html>', status: 502 }), want: [] },
    { name: 'no health.json', input: null, want: [] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const root = bundle(`unit-${cases.indexOf(c)}`, c.input);
      const ev = await healthSnapshotEvents(root, 'one-api', manifest);
      expect(ev).toHaveLength(c.want.length);
      ev.forEach((e, i) => {
        const w = c.want[i]!;
        expect(e).toMatchObject({ kind: w.kind, time: w.time, source: 'one-api', stream: 'unknown' });
        if (e.kind === 'goroutine') expect({ count: e.count, level: e.level }).toEqual({ count: w.count, level: 'sample' });
        if (e.kind === 'memory') expect({ allocMb: e.allocMb, sysMb: e.sysMb }).toEqual({ allocMb: w.allocMb, sysMb: w.sysMb });
      });
    });
  }
});

describe('trend and scan of a bundle with a health snapshot (binary)', () => {
  const root = bundle('cli', snapshot({ time: '2026-03-04T02:00:00.250Z', goroutines: 3100, memory: { allocMb: 55, totalAllocMb: 900, sysMb: 70, numGc: 12 } }));

  it('trend --json: the log count and the snapshot sample, in time order, memory from the snapshot', async () => {
    const r = await goroscope(['trend', root, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { samples: number; peak: number; peakAt: string; to: string; series: { time: string; count: number }[]; memory: { samples: number; peakMb: number; peakAt: string } };
    expect(j.series).toEqual([
      { time: '2026-03-04T01:30:00.000Z', count: 2500 },
      { time: '2026-03-04T02:00:00.250Z', count: 3100 },
    ]);
    expect({ samples: j.samples, peak: j.peak, peakAt: j.peakAt, to: j.to }).toEqual({ samples: 2, peak: 3100, peakAt: '2026-03-04T02:00:00.250Z', to: '2026-03-04T02:00:00.250Z' });
    expect(j.memory).toMatchObject({ samples: 1, peakMb: 55, peakAt: '2026-03-04T02:00:00.250Z' });
  });

  it('trend --until before the snapshot leaves it out (the window applies to it)', async () => {
    const r = await goroscope(['trend', root, '--json', '--until', '2026-03-04T01:59:00Z']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { series: { time: string; count: number }[]; memory: null | object };
    expect(j.series).toEqual([{ time: '2026-03-04T01:30:00.000Z', count: 2500 }]);
    expect(j.memory).toBeNull();
  });

  it('scan counts only what the logs say', async () => {
    const r = await goroscope(['scan', root, '--jsonl', '--kind', 'goroutine,memory']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; count?: number });
    expect(lines.map((l) => [l.kind, l.count])).toEqual([['goroutine', 2500]]);
  });
});
