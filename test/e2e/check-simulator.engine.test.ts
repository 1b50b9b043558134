// End to end against the One API simulator (fixtures/simulator): a real Go process, its real health endpoint and
// /metrics, a real leak through /sim/leak crossing each threshold, its monitor lines, and a crash restarted by Docker.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { noSimulator, docker, uniqueName, removeContainers, SIMULATOR } from '../helpers/engine.js';
import { goroscope } from '../helpers/cli.js';
import { freePort, until, parsedJson as parsed } from '../helpers/wait.js';


describe.skipIf(noSimulator)('check against the simulator', { timeout: 90_000 }, () => {
  const sim = uniqueName('check-sim');
  let port = 0;
  let metricsPort = 0;
  const base = () => `http://127.0.0.1:${port}`;
  const post = (path: string) => fetch(`${base()}${path}`, { method: 'POST' }).then((r) => r.json() as Promise<{ goroutines: number }>);
  const T = ['--warning', '50', '--critical', '100', '--emergency', '200'];

  beforeAll(async () => {
    [port, metricsPort] = [await freePort(), await freePort()];
    // --port on the command line is how check finds the endpoint on the host network.
    await docker('run', '-d', '--name', sim, '--network', 'host', '--restart', 'on-failure', SIMULATOR,
      '--port', String(port), '--metrics-port', String(metricsPort), '--monitor-interval', '200ms', '--warn-threshold', '50', '--high-threshold', '100');
    await until('the simulator to answer', async () => (await fetch(`${base()}/api/monitor/health`).catch(() => null))?.status === 200, 45_000);
  }, 60_000);

  afterAll(() => removeContainers(sim));

  it('a real leak crosses each level: ok → warning → critical → emergency', async () => {
    const levels: { goroutines: number; code: number | null; level: string; emergency: boolean; source: string }[] = [];
    const check = async () => {
      const r = await goroscope(['check', sim, '--json', ...T]);
      const c = parsed(r).containers[0];
      levels.push({ goroutines: c.goroutines, code: r.code, level: c.level, emergency: c.emergency, source: c.health.urlSource });
    };
    await check();
    await post('/sim/leak?n=60');
    await check();
    await post('/sim/leak?n=60');
    await check();
    await post('/sim/leak?n=100');
    await check();
    expect(levels.map((l) => [l.code, l.level, l.emergency])).toEqual([
      [0, 'ok', false],
      [1, 'warning', false],
      [2, 'critical', false],
      [2, 'critical', true],
    ]);
    // The simulator's own idle goroutines (~5–15) plus what was leaked.
    const leaked = [0, 60, 120, 220];
    levels.forEach((l, i) => expect(l.goroutines - leaked[i]!).toBeGreaterThan(0));
    levels.forEach((l, i) => expect(l.goroutines - leaked[i]!).toBeLessThan(40));
    expect(levels[0]!.source).toBe(`host network, --port ${port} on its command line`);
  });

  it('reads /metrics (go_goroutines) and the monitor lines when the endpoint is not reachable', async () => {
    const health = await (await fetch(`${base()}/api/monitor/health`)).json() as { goroutines: number };
    const metrics = await goroscope(['check', sim, '--json', ...T, '--health-url', `http://127.0.0.1:${metricsPort}/metrics`]);
    const m = parsed(metrics).containers[0];
    expect([m.health.format, m.goroutineSource, metrics.code]).toEqual(['metrics', 'health', 2]);
    expect(Math.abs(m.goroutines - health.goroutines)).toBeLessThan(10);
    const refused = `http://127.0.0.1:${await freePort()}/api/monitor/health`;
    const fromLog = await goroscope(['check', sim, '--json', ...T, '--health-url', refused]);
    const l = parsed(fromLog).containers[0];
    expect([l.health.errorKind, l.goroutineSource, l.level, fromLog.code]).toEqual(['refused', 'log', 'critical', 2]);
    expect(Math.abs(l.goroutines - health.goroutines)).toBeLessThan(10);
  });

  it('a crash restarted by Docker is a warning once the gateway is back', async () => {
    await post('/sim/release');
    await post('/sim/crash');
    await until('the restart', async () => (await docker('inspect', '--format', '{{.RestartCount}} {{.State.Status}}', sim)).trim() === '1 running', 45_000);
    await until('the endpoint again', async () => (await fetch(`${base()}/api/monitor/health`).catch(() => null))?.status === 200, 45_000);
    const r = await goroscope(['check', sim, '--json', ...T]);
    const c = parsed(r).containers[0];
    expect([r.code, c.level, c.restartCount, c.reasonCodes]).toEqual([1, 'warning', 1, ['restarts', 'goroutines_ok']]);
  }, 90_000);
});
