// The One API simulator as a real container: health, leak, monitor lines, relay errors, panic, crash + restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerRaw, noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { poll, startSimulator } from '../helpers/sim.js';

describe.skipIf(noSimulator)('simulator container', () => {
  const name = uniqueName('sim');
  let base = '';
  const post = async (path: string) => (await fetch(base + path, { method: 'POST' })).json() as Promise<Record<string, unknown>>;
  const get = async (path: string) => fetch(base + path);
  const logs = async () => {
    const { stdout, stderr } = await dockerRaw('logs', name);
    return { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
  };

  beforeAll(async () => {
    base = await startSimulator(name, ['--monitor-interval', '200ms', '--warn-threshold', '20', '--high-threshold', '60', '--fail-channels', '2:5xx', '--channels', '1,2'], ['--restart', 'on-failure']);
  });
  afterAll(async () => {
    await removeContainers(name);
  });

  it('serves health, status and metrics with real goroutine counts', async () => {
    const health = (await (await get('/api/monitor/health')).json()) as { status: string; goroutines: number; memory: Record<string, number> };
    expect(health.status).toBe('ok');
    expect(health.goroutines).toBeGreaterThan(2);
    expect(health.goroutines).toBeLessThan(20);
    expect(Object.keys(health.memory).sort()).toEqual(['alloc_mb', 'num_gc', 'sys_mb', 'total_alloc_mb']);
    const status = (await (await get('/api/status')).json()) as { success: boolean; message: string; data: { version: string } };
    expect(status).toMatchObject({ success: true, message: '', data: { version: 'v0.0.0-sim' } });
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toMatch(/^go_goroutines \d+$/m);
    expect(metrics).toMatch(/^go_memstats_alloc_bytes \d+$/m);
  });

  it('leaks goroutines in main.leakyRelay and the monitor logs each level on its stream', async () => {
    const before = ((await (await get('/api/monitor/health')).json()) as { goroutines: number }).goroutines;
    const r1 = await post('/sim/leak?n=30');
    expect(r1).toMatchObject({ success: true, leaked: 30, leaked_total: 30 });
    const elevated = await poll('elevated line', async () => (await logs()).stdout.match(/^\[SYS\] \d{4}\/\d\d\/\d\d - \d\d:\d\d:\d\d \| ⚠️ Goroutine count elevated: (\d+) $/m) ?? undefined);
    // at least the 30 leaked plus main, the monitor, the HTTP server and the upstream server
    expect(Number(elevated[1])).toBeGreaterThanOrEqual(34);
    await post('/sim/leak?n=50');
    const high = await poll('high line', async () => (await logs()).stderr.match(/^\[SYS\] \d{4}\/\d\d\/\d\d - \d\d:\d\d:\d\d \| ⚠️ High goroutine count detected: (\d+) $/m) ?? undefined);
    expect(Number(high[1])).toBeGreaterThanOrEqual(84);
    const health = (await (await get('/api/monitor/health')).json()) as { goroutines: number };
    expect(health.goroutines).toBeGreaterThanOrEqual(before + 80);
    const profile = await (await get('/debug/pprof/goroutine?debug=1')).text();
    expect(profile).toMatch(/^80 @ (0x[0-9a-f]+ ?)+\n#\t0x[0-9a-f]+\tmain\.leakyRelay\+0x[0-9a-f]+\t/m);
    const full = await (await get('/debug/pprof/goroutine?debug=2')).text();
    expect(full.match(/^main\.leakyRelay\(/gm)?.length).toBe(80);
    const released = await post('/sim/release');
    expect(released).toMatchObject({ released: 80 });
    expect(released.goroutines).toBeLessThan(before + 5);
  });

  it('logs relay errors, retries and the disable line for a failing channel', async () => {
    const load = await post('/sim/load?requests=3&channel=2&concurrency=1');
    expect(load).toMatchObject({ requests: 3, ok: 3, failed: 0, statuses: { '200': 3 }, leaked_total: 3 });
    const { stdout, stderr } = await logs();
    const cases = [
      { name: 'relay error (stderr)', text: stderr, re: /^\[ERR\] \S+ - \S+ \| \d{23,31} \| relay error \(channel id 2, user id: 1\): bad response status code 503 $/gm, want: 3 },
      { name: 'retry (stdout)', text: stdout, re: /^\[INFO\] \S+ - \S+ \| \d{23,31} \| using channel #1 to retry \(remain times 2\) $/gm, want: 3 },
      { name: 'disable (stdout)', text: stdout, re: /^\[SYS\] \S+ - \S+ \| channel #2 has been disabled: bad response status code 503 $/gm, want: 1 },
      { name: 'access lines', text: stdout, re: /^\[GIN\] \S+ - \S+ \| \d{23,31} \| 200 \| +\S+ \| +127\.0\.0\.1 \| +POST \/v1\/chat\/completions\?channel=2$/gm, want: 3 },
    ];
    for (const c of cases) expect(c.text.match(c.re)?.length ?? 0, c.name).toBe(c.want);
    const disabled = await fetch(base + '/v1/chat/completions?channel=2', { method: 'POST', body: '{}' });
    expect(disabled.status).toBe(403);
  });

  it('recovers a relay panic the One API way, with one request id', async () => {
    const r = await post('/sim/panic');
    expect(r).toMatchObject({ success: true, status: 500 });
    const rid = String(r.request_id);
    const { stdout, stderr } = await logs();
    const mine = stderr.split('\n').filter((l) => l.includes(`| ${rid} |`));
    const want = [
      /^\[ERR\] \S+ - \S+ \| \d+ \| panic detected: runtime error: invalid memory address or nil pointer dereference $/,
      /^\[ERR\] \S+ - \S+ \| \d+ \| stacktrace from panic: goroutine \d+ \[running\]:$/,
      /^\[ERR\] \S+ - \S+ \| \d+ \| request: POST \/v1\/chat\/completions $/,
      /^\[ERR\] \S+ - \S+ \| \d+ \| request body: \{"model":"gpt-4o-mini","messages":\[\{"role":"user","content":"hi"\}\]\} $/,
    ];
    expect(mine.length).toBe(want.length);
    mine.forEach((line, i) => expect(line).toMatch(want[i]!));
    expect(stderr).toMatch(/stacktrace from panic: goroutine \d+ \[running\]:\nruntime\/debug\.Stack\(\)\n\t/);
    expect(stdout).toMatch(new RegExp(`^\\[GIN\\] \\S+ - \\S+ \\| ${rid} \\| 500 \\| +\\S+ \\| +127\\.0\\.0\\.1 \\| +POST /v1/chat/completions$`, 'm'));
  });

  it('crashes with a Go dump and exit code 2, and restarts', async () => {
    await post('/sim/crash');
    await poll('restart', async () => ((await docker('inspect', '--format', '{{.RestartCount}}', name)).trim() === '1' ? true : undefined));
    await poll('health after restart', async () => ((await get('/api/monitor/health')).ok ? true : undefined));
    const { stdout, stderr } = await logs();
    expect(stderr).toMatch(/^panic: runtime error: invalid memory address or nil pointer dereference\n\[signal SIGSEGV: [^\n]*\]\n\ngoroutine \d+ \[running\]:\nmain\.processChannelRelayError\(/m);
    expect(stdout.match(/^\[SYS\] \S+ - \S+ \| One API v0\.0\.0-sim started $/gm)?.length).toBe(2);
    const exit = (await docker('inspect', '--format', '{{.State.ExitCode}} {{.State.Status}}', name)).trim();
    expect(exit).toBe('0 running');
  });
});
