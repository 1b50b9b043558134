// `goroscope check` against the real engine: a busybox httpd on the host network made to look like One API
// (health JSON the test rewrites in a bind-mounted dir, monitor lines in its logs), plus stopped, restarted,
// hanging and HTML cases. Each verdict and exit code is asserted through the built binary.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { noBusybox, docker, dockerRaw, uniqueName, removeContainers, waitExited, BUSYBOX } from '../helpers/engine.js';
import { goroscope } from '../helpers/cli.js';
import { freePort, parsedJson as parsed } from '../helpers/wait.js';

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const health = (g: number) => JSON.stringify({ status: 'ok', goroutines: g, memory: { alloc_mb: 12, total_alloc_mb: 345, sys_mb: 67, num_gc: 8 } });

describe.skipIf(noBusybox)('check against the engine', { timeout: 60_000 }, () => {
  const gw = uniqueName('check-gw'); // the One API look-alike
  const logOnly = uniqueName('check-log'); // monitor lines in its logs, no endpoint
  const stopped = uniqueName('check-stopped');
  const restarted = uniqueName('check-restart');
  const names = [gw, logOnly, stopped, restarted];
  let dir = '';
  let port = 0;
  let restartPort = 0;
  let hang: net.Server;
  let hangUrl = '';
  const held = new Set<net.Socket>();

  const setHealth = (body: string) => writeFileSync(join(dir, 'www', 'api', 'monitor', 'health'), body);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gs-check-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'www', 'api', 'monitor'), { recursive: true });
    mkdirSync(join(dir, 'state'));
    mkdirSync(join(dir, 'www2', 'api', 'monitor'), { recursive: true });
    writeFileSync(join(dir, 'www2', 'api', 'monitor', 'health'), health(800));
    setHealth(health(800));
    [port, restartPort] = [await freePort(), await freePort()];
    hang = net.createServer((s) => held.add(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    hangUrl = `http://127.0.0.1:${(hang.address() as net.AddressInfo).port}/api/monitor/health`;
    await Promise.all([
      // PORT in the environment is how check finds the endpoint on the host network.
      docker('run', '-d', '--name', gw, '--network', 'host', '-e', `PORT=${port}`, '-v', `${dir}/www:/www:ro`, BUSYBOX,
        'sh', '-c', `echo '[SYS] 2025/11/03 - 14:22:05 | monitoring endpoints enabled at /api/monitor/health '; exec httpd -f -p 127.0.0.1:${port} -h /www`),
      docker('run', '-d', '--name', logOnly, '--network', 'none', BUSYBOX,
        'sh', '-c', "echo '[SYS] 2025/11/03 - 16:40:35 | ⚠️ Goroutine count elevated: 2417 '; sleep 0.1; echo '[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234 ' >&2; exec sleep 600"),
      docker('run', '-d', '--name', stopped, '--network', 'none', BUSYBOX, 'sh', '-c', 'exit 3'),
      // Fails once, is restarted by the policy, then serves a healthy endpoint: RestartCount 1 while running.
      docker('run', '-d', '--name', restarted, '--restart', 'on-failure:3', '--network', 'host', '-e', `PORT=${restartPort}`,
        '-v', `${dir}/www2:/www:ro`, '-v', `${dir}/state:/state`, BUSYBOX,
        'sh', '-c', `if [ -f /state/ran ]; then exec httpd -f -p 127.0.0.1:${restartPort} -h /www; fi; touch /state/ran; exit 3`),
    ]);
    await waitExited(stopped);
    await waitFor('both monitor lines in the logs', async () => {
      const { stdout, stderr } = await dockerRaw('logs', logOnly);
      return stdout.toString().includes('2417') && stderr.toString().includes('5234');
    });
    await waitFor('the restarted container to run again', async () => {
      const out = (await docker('inspect', '--format', '{{.RestartCount}} {{.State.Status}}', restarted)).trim();
      return out === '1 running';
    });
    await waitFor('httpd to answer', async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/monitor/health`).catch(() => null);
      return r?.status === 200;
    });
  }, 60_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => hang?.close(r));
    await removeContainers(...names);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const levels = [
    { name: 'ok', input: 800, args: [] as string[], want: { code: 0, level: 'ok', goroutines: 800, emergency: false } },
    { name: 'warning', input: 2500, args: [], want: { code: 1, level: 'warning', goroutines: 2500, emergency: false } },
    { name: 'critical', input: 6000, args: [], want: { code: 2, level: 'critical', goroutines: 6000, emergency: false } },
    { name: 'emergency', input: 12000, args: [], want: { code: 2, level: 'critical', goroutines: 12000, emergency: true } },
    { name: 'thresholds from flags', input: 800, args: ['--warning', '100', '--critical', '700', '--emergency', '5000'], want: { code: 2, level: 'critical', goroutines: 800, emergency: false } },
  ];
  it.each(levels)('goroutines from the endpoint: $name', async ({ input, args, want }) => {
    setHealth(health(input));
    const r = await goroscope(['check', gw, '--json', ...args]);
    const j = parsed(r);
    const c = j.containers[0];
    expect({ code: r.code, level: j.level, goroutines: c.goroutines, emergency: c.emergency }).toEqual(want);
    expect(c.health).toMatchObject({ url: `http://127.0.0.1:${port}/api/monitor/health`, ok: true, status: 200, error: null });
    expect(c.health.urlSource).toContain(`PORT=${port}`);
    expect(c.memory).toEqual({ allocMb: 12, totalAllocMb: 345, sysMb: 67, numGc: 8 });
    // the JSON keys
    expect(Object.keys(j).sort()).toEqual(['containers', 'level']);
    for (const k of ['name', 'level', 'reasons', 'state', 'restartCount', 'goroutines', 'memory', 'cpuPercent', 'health']) expect(c).toHaveProperty(k);
    for (const k of ['url', 'ok', 'status', 'latencyMs', 'error']) expect(c.health).toHaveProperty(k);
    expect([c.state, c.restartCount, typeof c.cpuPercent]).toEqual(['running', 0, 'number']);
  });

  it('says EMERGENCY plainly and points to goroscope bundle (en and zh)', async () => {
    setHealth(health(12000));
    const [en, zh] = await Promise.all([goroscope(['check', gw]), goroscope(['check', gw, '--lang', 'zh'])]);
    expect([en.code, zh.code]).toEqual([2, 2]);
    expect(en.stdout).toMatch(/^EMERGENCY/);
    expect(en.stdout).toContain(`goroscope bundle ${gw}`);
    expect(zh.stdout).toMatch(/^紧急/);
    expect(zh.stdout).toContain(`goroscope bundle ${gw}`);
  });

  it('an HTML answer and no monitor line → unknown (3), reported as not_json', async () => {
    setHealth('<!doctype html><html><body>One API</body></html>');
    const r = await goroscope(['check', gw, '--json']);
    const c = parsed(r).containers[0];
    expect([r.code, c.level, c.goroutines, c.health.ok, c.health.status, c.health.errorKind]).toEqual([3, 'unknown', null, false, 200, 'not_json']);
  });

  it('several containers: the worst level wins; a missing one is unknown', async () => {
    setHealth(health(2500));
    const r = await goroscope(['check', gw, stopped, 'gs-check-no-such-container', '--json']);
    const j = parsed(r);
    expect([r.code, j.level, j.containers.map((c: { level: string }) => c.level)]).toEqual([2, 'critical', ['warning', 'critical', 'unknown']]);
  });

  it('a misspelled name: unknown (3) with the close names, the same hint scan gives', async () => {
    const typo = gw.slice(0, -1);
    const [text, json, scan] = await Promise.all([goroscope(['check', typo]), goroscope(['check', typo, '--json']), goroscope(['scan', typo])]);
    const hint = `did you mean ${gw}? (docker ps -a lists containers)`;
    expect([text.code, text.stdout]).toEqual([3, `UNKNOWN   ${typo}\n  - cannot inspect the container: no such container (${typo})\n    ${hint}\n`]);
    const c = parsed(json).containers[0];
    expect([json.code, c.level, c.reasonCodes, c.didYouMean]).toEqual([3, 'unknown', ['no_container'], [gw]]);
    expect([scan.code, scan.stderr]).toEqual([67, `error: no such container (${typo})\n${hint}\n`]);
  });

  it('a log file given where a container goes: unknown (3) / 67 with a hint to the commands that read files', async () => {
    const file = join(dir, 'gateway.log');
    writeFileSync(file, '[SYS] 2026/03/02 - 08:00:00 | One API v1.9.2 started\n');
    const [text, json, stats] = await Promise.all([goroscope(['check', file]), goroscope(['check', file, '--json']), goroscope(['stats', file])]);
    const hint = `${file} is a file: this command reads containers; goroscope scan, trend, channels and review read files`;
    expect([text.code, text.stdout]).toEqual([3, `UNKNOWN   ${file}\n  - cannot inspect the container: no such container (${file})\n    ${hint}\n`]);
    const c = parsed(json).containers[0];
    expect([json.code, c.level, c.reasonCodes, c.didYouMean]).toEqual([3, 'unknown', ['no_container'], []]);
    expect([stats.code, stats.stderr]).toEqual([67, `error: no such container (${file})\n${hint}\n`]);
  });

  it('a name with the leading / that docker inspect prints is the container', async () => {
    setHealth(health(2500));
    const r = await goroscope(['check', `/${gw}`, '--json']);
    const c = parsed(r).containers[0];
    expect([r.code, c.level, c.goroutines, c.reasonCodes]).toEqual([1, 'warning', 2500, ['goroutines_warning']]);
  });

  // These read no rewritten file: they run side by side.
  describe.concurrent('independent cases', () => {
  it('a hanging endpoint is bounded by --timeout and gives unknown (3)', async () => {
    const r = await goroscope(['check', gw, '--json', '--health-url', hangUrl, '--timeout', '500ms']);
    const c = parsed(r).containers[0];
    expect([r.code, c.level, c.health.url, c.health.ok, c.health.status, c.health.errorKind, c.health.urlSource]).toEqual([3, 'unknown', hangUrl, false, null, 'timeout', '--health-url']);
  });

  it('endpoint unreachable: the newest monitor line of the logs gives the count', async () => {
    const refused = `http://127.0.0.1:${await freePort()}/api/monitor/health`;
    const r = await goroscope(['check', logOnly, '--json', '--health-url', refused]);
    const c = parsed(r).containers[0];
    expect([r.code, c.level, c.goroutines, c.goroutineSource, c.health.errorKind], r.stderr).toEqual([2, 'critical', 5234, 'log', 'refused']);
  });

  it('a stopped container is critical (2)', async () => {
    const r = await goroscope(['check', stopped, '--json']);
    const c = parsed(r).containers[0];
    expect([r.code, c.level, c.state, c.exitCode, c.reasonCodes]).toEqual([2, 'critical', 'exited', 3, ['not_running']]);
  });

  it('a restarted container is a warning (1), ok within --baseline-restarts', async () => {
    const [warn, base] = await Promise.all([
      goroscope(['check', restarted, '--json']),
      goroscope(['check', restarted, '--json', '--baseline-restarts', '1']),
    ]);
    const w = parsed(warn).containers[0];
    const b = parsed(base).containers[0];
    expect([warn.code, w.level, w.restartCount, w.reasonCodes]).toEqual([1, 'warning', 1, ['restarts', 'goroutines_ok']]);
    expect(w.reasons[0]).toBe('restarted 1 time (baseline 0)'); // one restart: no plural
    expect([base.code, b.level]).toEqual([0, 'ok']);
  });

  it('bad usage is one line and exit 64', async () => {
    const r = await goroscope(['check', gw, '--warning', 'lots']);
    expect([r.code, r.stdout, r.stderr.split('\n')[0]]).toEqual([64, '', 'error: --warning must be a positive whole number (lots)']);
  });

    it('Docker unreachable: unknown (3) for check, one line and 69 for stats', async () => {
      const [c, st] = await Promise.all([
        goroscope(['check', gw, '--json', '--host', 'unix:///nonexistent/docker.sock']),
        goroscope(['stats', gw, '--no-stream', '--host', 'unix:///nonexistent/docker.sock']),
      ]);
      const j = parsed(c);
      expect([c.code, j.level, j.containers[0].reasons]).toEqual([3, 'unknown', ['cannot inspect the container: cannot reach the Docker daemon (unix:///nonexistent/docker.sock)']]);
      expect([st.code, st.stderr.split('\n')[0]]).toEqual([69, 'error: cannot reach the Docker daemon (unix:///nonexistent/docker.sock)']);
    });
  });
});
