// trend, channels and review through the real binary on containers in the real engine: a busybox container that
// prints One API lines and crashes once (Docker restarts it), and the One API simulator driven into a real leak.
// Build first: npx tsc -p tsconfig.build.json
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, docker, noBusybox, noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { goroscope } from '../helpers/cli.js';
import { leakFailCrash, poll } from '../helpers/sim.js';

async function restartedOnceAndExited(name: string): Promise<void> {
  await poll(
    `${name} restarted once and exited`,
    async () => ((await docker('inspect', '--format', '{{.RestartCount}} {{.State.Status}}', name)).trim() === '1 exited' ? true : undefined),
    30_000,
  );
}

// One API text lines with the container's real clock; the first run crashes (exit 2), the second exits 0.
const SCRIPT = `
ts() { date '+%Y/%m/%d - %H:%M:%S'; }
if [ -f /tmp/ran ]; then
  echo "[SYS] $(ts) | One API v1.9.3 started "
  echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: 2100 "
  exit 0
fi
touch /tmp/ran
echo "[SYS] $(ts) | One API v1.9.2 started "
echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: 2417 "
echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: 3100 "
echo "[SYS] $(ts) | ⚠️ High goroutine count detected: 5234 " >&2
echo "[ERR] $(ts) | 2026030208000212345678912345678 | relay error (channel id 3, user id: 1): bad response status code 503 " >&2
echo "[INFO] $(ts) | 2026030208000212345678912345678 | using channel #7 to retry (remain times 2) "
echo "[ERR] $(ts) | 2026030208000312345678912345679 | relay error (channel id 3, user id: 1): bad response status code 503 " >&2
echo "[SYS] $(ts) | channel #3 has been disabled: bad response status code 503 "
# Docker stamps stdout and stderr in two goroutines: without a pause, the crash (stderr) can be stamped before the
# last stdout sample and the run would end early.
sleep 0.3
printf 'panic: runtime error: invalid memory address or nil pointer dereference\\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\\n\\ngoroutine 1 [running]:\\nmain.main()\\n\\t/build/main.go:10 +0x1d\\n' >&2
exit 2
`;

describe.skipIf(noBusybox)('busybox container: monitor lines, relay errors, a crash and a restart', () => {
  const name = uniqueName('analysis');
  beforeAll(async () => {
    await docker('run', '-d', '--name', name, '--network', 'none', '--restart', 'on-failure:1', BUSYBOX, 'sh', '-c', SCRIPT);
    await restartedOnceAndExited(name);
  });
  afterAll(() => removeContainers(name));

  it('trend, channels and review see what happened', async () => {
    const [t, c, r] = await Promise.all([
      goroscope(['trend', name, '--json']),
      goroscope(['channels', name, '--json']),
      goroscope(['review', name, '--format', 'json']),
    ]);
    for (const x of [t, c, r]) {
      expect(x.stderr).toBe('');
      expect(x.code).toBe(0);
    }
    const trend = JSON.parse(t.stdout);
    expect(trend.samples).toBe(4);
    // stdout and stderr lines written within the same millisecond keep no order between them (event times are ms)
    expect(trend.series.map((s: { count: number }) => s.count).sort()).toEqual([2100, 2417, 3100, 5234]);
    // one restart (the second banner), after the crash; Docker's RestartCount beside it
    expect(trend.restartCount).toBe(1);
    expect(trend.restarts.map((x: { after: { kind: string } | null }) => x.after?.kind)).toEqual(['crash']);
    expect(trend.dockerRestartCount).toEqual({ [name]: 1 });
    expect(trend.runs.map((x: { samples: number; endedBy: string }) => [x.samples, x.endedBy]), JSON.stringify([trend.restarts, trend.runs, trend.series])).toEqual([
      [3, 'crash'],
      [1, 'end'],
    ]);
    expect(trend.peak).toBe(5234);
    expect(trend.verdict).toBe('insufficient-data'); // seconds of data, not 10 minutes

    const ch = JSON.parse(c.stdout);
    expect(ch.window.reason).toBe('the whole input');
    expect(ch.channels).toHaveLength(1);
    expect(ch.channels[0]).toMatchObject({ channel: 3, relayErrors: 2, timeouts: 0, retriesAway: 1, disabled: 1, flagged: false });
    expect(ch.channels[0].causes.upstream_5xx).toBe(2);

    const rv = JSON.parse(r.stdout);
    expect(rv.container).toMatchObject({ name, state: 'exited', restartCount: 1 });
    expect(rv.totals).toMatchObject({ relayErrors: 2, crashes: 1, restarts: 1, panics: 0 });
    expect(rv.nextSteps.map((s: { id: string }) => s.id)).toEqual(['crash']);
    expect(rv.panics[0]).toMatchObject({ kind: 'crash', count: 1, topFrame: 'main.main' });
  });

  it('review text names the container and its state', async () => {
    const r = await goroscope(['review', name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Container: ${name}\n  state exited, Docker RestartCount 1,`);
    expect(r.stdout).toContain('Restarts\n  1 in the logs (a start after earlier records of the same source); Docker RestartCount 1\n');
  });
});


describe.skipIf(noSimulator)('the One API simulator: a real leak, a failing channel, a crash and a restart', () => {
  const name = uniqueName('analysis-sim');
  const levels = ['--monitor-interval', '200ms', '--warning', '20', '--critical', '60', '--emergency', '150'];

  beforeAll(async () => {
    await leakFailCrash(name);
    // the second run needs 20 monitor ticks to get a verdict of its own: wait for them, not for a fixed time
    await poll('20 samples of the second run', async () => {
      const t = JSON.parse((await goroscope(['trend', name, ...levels, '--json'])).stdout) as { runs: { samples: number }[] };
      return t.runs.length === 2 && t.runs[1]!.samples >= 20 ? true : undefined;
    }, 60_000);
  }, 180_000);
  afterAll(() => removeContainers(name));

  it('trend: the first run leaks, the second is stable; channels: #2 timed out and was disabled; review: both', async () => {
    const [t, c, r] = await Promise.all([
      goroscope(['trend', name, ...levels, '--json']),
      goroscope(['channels', name, '--json']),
      // no --health-url: derived from the container (host network, --port on its command line), as check does
      goroscope(['review', name, ...levels, '--format', 'json']),
    ]);
    for (const x of [t, c, r]) {
      expect(x.stderr).toBe('');
      expect(x.code).toBe(0);
    }
    const trend = JSON.parse(t.stdout);
    expect(trend.verdict).toBe('leak');
    expect(trend.latest).toBe('stable');
    expect(trend.runs.map((x: { verdict: string; endedBy: string }) => [x.verdict, x.endedBy])).toEqual([
      ['leak', 'crash'],
      ['stable', 'end'],
    ]);
    expect(trend.runs[0].peak).toBeGreaterThanOrEqual(200);
    expect(trend.runs[1].peak).toBeLessThan(20);
    expect([trend.restartCount, trend.crashes.length, trend.dockerRestartCount]).toEqual([1, 1, { [name]: 1 }]);
    expect(trend.memory.samples).toBeGreaterThan(20);

    const ch = JSON.parse(c.stdout);
    expect(ch.channels[0]).toMatchObject({ channel: 2, relayErrors: 3, timeouts: 3, retriesAway: 3, disabled: 1 });

    const rv = JSON.parse(r.stdout);
    expect(rv.container).toMatchObject({ name, state: 'running', restartCount: 1 });
    expect(rv.container.missing).toEqual([]);
    expect(rv.container.goroutines).toBeGreaterThan(2);
    expect(rv.container.goroutines).toBeLessThan(20);
    expect(rv.container.pids).toBeGreaterThan(0);
    // the simulator serves pprof on its health server: the leak step is the live command at the URL bundle uses
    expect(rv.nextSteps.map((s: { id: string }) => s.id)).toEqual(['leak_live', 'crash', 'bundle_next_time']);
    expect(rv.nextSteps[0].command).toBe(`goroscope goroutines ${new URL(rv.pprofUrl).origin} --interval 60s`);
    expect(rv.pprofUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/debug\/pprof\/goroutine\?debug=2$/);
  }, 90_000); // three whole reads of a live container that logs every 200 ms
});
