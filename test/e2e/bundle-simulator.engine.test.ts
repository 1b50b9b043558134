// End to end: a bundle of the One API simulator (a real Go process) with a real leak between the two goroutine
// dumps: health and pprof found from the container alone, leak suspects in summary.md, logs equal to Docker's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noSimulator, docker, dockerRaw, removeContainers, uniqueName } from '../helpers/engine.js';
import { bundleWithLeakBetweenDumps, poll, startSimulator } from '../helpers/sim.js';

describe.skipIf(noSimulator)('goroscope bundle of the simulator (real engine)', () => {
  const name = uniqueName('bundle-sim');
  let base: string;
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-bundle-sim-'));
    base = await startSimulator(name, ['--monitor-interval', '200ms', '--warn-threshold', '20', '--high-threshold', '400', '--fail-channels', '2:timeout']);
    const r = await fetch(`${base}/sim/load?requests=6`, { method: 'POST' });
    expect(r.ok).toBe(true);
    await fetch(`${base}/sim/leak?n=50`, { method: 'POST' });
    // wait for a monitor line that sees the leak
    await poll('elevated goroutine line', async () => ((await docker('logs', name)).includes('Goroutine count elevated') ? true : undefined));
  });

  afterAll(async () => {
    await removeContainers(name);
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('health and pprof derived from the container, a leak between the dumps named as suspect, logs as Docker holds them', async () => {
    // once the first dump is on disk, leak 300 more goroutines before the second one
    const r = await bundleWithLeakBetweenDumps(name, base, out, 300);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const root = r.root!;

    const m = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as {
      complete: boolean;
      window: { until: string };
      items: Record<string, { status: string; url?: string }>;
    };
    expect(m.complete).toBe(true);
    expect(Object.fromEntries(Object.entries(m.items).map(([k, v]) => [k, v.status]))).toEqual({
      inspect: 'ok',
      logs: 'ok',
      stats: 'ok',
      health: 'ok',
      pprof: 'ok',
      events: 'ok',
      scan: 'ok',
    });
    expect(m.items.health!.url).toBe(`${base}/api/monitor/health`);
    expect(m.items.pprof!.url).toBe(`${base}/debug/pprof/goroutine?debug=2`);

    const health = JSON.parse(await readFile(join(root, 'health.json'), 'utf8')) as { status: number; goroutines: number; body: string };
    expect(health.status).toBe(200);
    expect(health.goroutines).toBeGreaterThan(50);
    const stats = JSON.parse(await readFile(join(root, 'stats.json'), 'utf8')) as { samples: { read: string }[] };
    expect(stats.samples).toHaveLength(2);

    const compare = JSON.parse(await readFile(join(root, 'pprof/compare.json'), 'utf8')) as { totalBefore: number; totalAfter: number };
    // 300 leaked; the rest of the process may have a few goroutines less by then (finished requests, timers)
    expect(compare.totalAfter - compare.totalBefore).toBeGreaterThanOrEqual(250);
    const md = await readFile(join(root, 'summary.md'), 'utf8');
    expect(md).toMatch(/## Leak suspects/);
    const suspects = md.slice(md.indexOf('## Leak suspects'));
    expect(suspects).toContain('main.leakyRelay');

    const summary = JSON.parse(await readFile(join(root, 'summary.json'), 'utf8')) as {
      goroutines: { max: number };
      relayErrors: { byChannel: { channel: number }[] };
    };
    expect(summary.goroutines.max).toBeGreaterThan(20);
    expect(summary.relayErrors.byChannel[0]?.channel).toBe(2);

    // the logs are Docker's, up to the bundle's start
    const until = m.window.until;
    const raw = await dockerRaw('logs', '-t', '--until', until, name);
    const got = { stdout: await readFile(join(root, 'logs/stdout.log')), stderr: await readFile(join(root, 'logs/stderr.log')) };
    expect(got.stdout.equals(raw.stdout)).toBe(true);
    expect(got.stderr.equals(raw.stderr)).toBe(true);
  });
});
