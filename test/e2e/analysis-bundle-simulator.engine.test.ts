// End to end (issues 5 and 7): a real bundle of the simulator with a real leak between its two goroutine dumps, then
// `review BUNDLE --format json` and `trend BUNDLE --json` name main.leakyRelay first, and trend has the bundle's
// health snapshot as a sample at the snapshot's time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noSimulator, docker, removeContainers, uniqueName } from '../helpers/engine.js';
import { goroscope } from '../helpers/cli.js';
import { bundleWithLeakBetweenDumps, poll, startSimulator } from '../helpers/sim.js';
import type { LeakSuspects } from '../../src/analyze/suspects.js';

describe.skipIf(noSimulator)('trend and review of a simulator bundle (real engine)', () => {
  const name = uniqueName('analysis-bundle');
  let out: string;
  let root: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-analysis-bundle-'));
    const base = await startSimulator(name, ['--monitor-interval', '200ms', '--warn-threshold', '20', '--high-threshold', '400']);
    await fetch(`${base}/sim/leak?n=30`, { method: 'POST' });
    await poll('elevated goroutine line', async () => ((await docker('logs', name)).includes('Goroutine count elevated') ? true : undefined));
    // between the two dumps: 300 more goroutines in main.leakyRelay
    const r = await bundleWithLeakBetweenDumps(name, base, out, 300);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    root = r.root!;
  }, 40_000);

  afterAll(async () => {
    await removeContainers(name);
    if (out) await rm(out, { recursive: true, force: true });
  });

  const checkSuspects = (list: LeakSuspects[] | undefined) => {
    expect(list).toHaveLength(1);
    const b = list![0]!;
    expect(b.source).toBe(root);
    expect(b.secondsApart).toBe(1.5);
    expect(b.totalAfter - b.totalBefore).toBeGreaterThanOrEqual(250);
    const top = b.suspects[0]!;
    expect(top.top).toBe('main.leakyRelay');
    expect(top.createdBy).toBe('main.leak');
    expect(top.growth).toBe(300);
    expect(top.after - top.before).toBe(300);
    expect(top.perMinute).toBe(12000);
    expect(b.suspects.length).toBeLessThanOrEqual(5);
  };

  it('review --format json: suspects and the next step name main.leakyRelay first', async () => {
    const r = await goroscope(['review', root, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { suspects?: LeakSuspects[]; nextSteps: { id: string; vars: Record<string, unknown>; text: string }[] };
    checkSuspects(j.suspects);
    const step = j.nextSteps.find((s) => s.id === 'suspect');
    expect(step?.text).toBe('a leak suspect: main.leakyRelay (+300 in 1.5 s) — look at that function');
  });

  it('a container Docker never restarted: 0 restarts in its logs and RestartCount 0, live and read back from its bundle', async () => {
    const [live, bundle] = await Promise.all([goroscope(['review', name, '--format', 'json']), goroscope(['review', root, '--format', 'json'])]);
    for (const r of [live, bundle]) expect([r.code, r.stderr]).toEqual([0, '']);
    const [l, b] = [JSON.parse(live.stdout), JSON.parse(bundle.stdout)];
    expect([l.trend.restartCount, l.totals.restarts, l.container.restartCount, b.trend.restartCount, b.totals.restarts]).toEqual([0, 0, 0, 0, 0]);
  });

  it("summary.md ends with what to do next: review's next steps for the same bundle, word for word", async () => {
    const md = await readFile(join(root, 'summary.md'), 'utf8');
    const r = await goroscope(['review', root, '--format', 'json']);
    const j = JSON.parse(r.stdout) as { pprofUrl?: string; nextSteps: { id: string; severity: string; text: string; command?: string }[] };
    const sev: Record<string, string> = { emergency: 'EMERGENCY', critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };
    const want = ['## What to do next', '', ...j.nextSteps.flatMap((s) => [`- **${sev[s.severity]}** ${s.text}`, ...(s.command ? [`  \`${s.command}\``] : [])]), ''].join('\n');
    expect(md.slice(md.lastIndexOf('\n## ') + 1)).toBe(want);
    expect(j.nextSteps.map((s) => s.id)).toEqual(['suspect']);
    expect(md).toContain('\n- **CRITICAL** a leak suspect: main.leakyRelay (+300 in 1.5 s) — look at that function\n');
    // the pprof URL review derives from the bundle's inspect.json is the one the bundle fetched its dumps from
    const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as { items: { pprof: { url: string } } };
    expect(j.pprofUrl).toBe(manifest.items.pprof.url);
  });

  it('trend --json: suspects, and the health snapshot is the last sample at its time', async () => {
    const health = JSON.parse(await readFile(join(root, 'health.json'), 'utf8')) as { time: string; goroutines: number; memory: { allocMb: number } };
    const r = await goroscope(['trend', root, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { suspects?: LeakSuspects[]; series: { time: string; count: number }[]; memory: { peakAt: string; lastMb: number } | null };
    checkSuspects(j.suspects);
    expect(j.series.at(-1)).toEqual({ time: health.time, count: health.goroutines });
    // the simulator logs no memory lines without --debug: the snapshot is the only memory sample
    expect(j.memory).toMatchObject({ peakAt: health.time, lastMb: health.memory.allocMb });
    const text = await goroscope(['trend', root]);
    expect(text.stdout).toMatch(/\nleak suspects of .* \(goroutines \d+ → \d+ in 1\.5 s\): main\.leakyRelay \+300 \(\d+ → \d+, 12000\/min, created by main\.leak\)/);
  });
});
