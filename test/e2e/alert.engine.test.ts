// `goroscope alert` end to end: the real binary against a real container (busybox httpd serving a health JSON that
// the test rewrites, log lines written to its stdout with docker exec) and a real HTTP server recording the posts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName } from '../helpers/engine.js';
import { httpRecorder, type HttpRecorder } from '../helpers/servers.js';
import { freePort, until } from '../helpers/wait.js';

describe.skipIf(noBusybox)('goroscope alert (real engine, real webhook)', () => {
  const name = uniqueName('alert');
  let dir: string;
  let port: number;
  let hook: HttpRecorder;
  const setGoroutines = (n: number) =>
    writeFileSync(join(dir, 'www/api/monitor/health'), JSON.stringify({ status: 'ok', goroutines: n, memory: { alloc_mb: 12, total_alloc_mb: 40, sys_mb: 30, num_gc: 7 } }));
  const log = (text: string) => docker('exec', name, 'sh', '-c', `printf '%s\\n' "$1" > /proc/1/fd/1`, 'sh', text);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gs-alert-'));
    mkdirSync(join(dir, 'www/api/monitor'), { recursive: true });
    setGoroutines(800);
    port = await freePort();
    hook = await httpRecorder();
    await docker('run', '-d', '--name', name, '--network', 'host', '-v', `${dir}/www:/www`, BUSYBOX, 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www');
  });
  afterAll(async () => {
    await removeContainers(name);
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('alerts once per level change, on a disabled channel, a crash and a panic burst; Ctrl-C ends it with exit 0', async () => {
    const state = join(dir, 'state.json');
    const child: ChildProcess = spawn(
      process.execPath,
      [BIN, 'alert', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--interval', '200ms', '--cooldown', '2s', '--panic-burst', '2', '--notify', `${hook.url}/hook`, '--state', state],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const rounds = () => (stdout.match(new RegExp(`${name}: `, 'g')) ?? []).length;
    const levels = () => hook.posts.filter((p) => (p.json as { event: unknown }).event === null).map((p) => `${(p.json as { previous: string }).previous}→${(p.json as { level: string }).level}`);
    const events = () => hook.posts.filter((p) => (p.json as { event: unknown }).event !== null).map((p) => (p.json as { event: { kind: string } }).event.kind);
    try {
      await until('three ok rounds', () => rounds() >= 3);
      expect(hook.posts).toHaveLength(0);

      setGoroutines(2600);
      await until('the warning alert', () => levels().length >= 1);
      const r = rounds();
      await until('two more rounds', () => rounds() >= r + 2);
      setGoroutines(12500);
      await until('the emergency alert', () => levels().length >= 2);
      setGoroutines(700);
      await until('the recovery after the cooldown', () => levels().length >= 3);
      const r2 = rounds();
      await until('two more rounds', () => rounds() >= r2 + 2);
      expect(levels()).toEqual(['ok→warning', 'warning→emergency', 'emergency→ok']);

      await log('[SYS] 2026/11/26 - 14:00:00 | channel #5 has been disabled: quota exceeded');
      await until('the channel alert', () => events().length >= 1);
      await log('[SYS] 2026/11/26 - 14:00:01 | panic detected: runtime error: index out of range [0] with length 0');
      await log('[SYS] 2026/11/26 - 14:00:02 | panic detected: runtime error: index out of range [0] with length 0');
      await until('the panic burst alert', () => events().length >= 2);
      await log('panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\nexit status 2');
      await until('the crash alert', () => events().length >= 3);
      expect(events()).toEqual(['channel_disabled', 'panic_burst', 'crash']);

      const crash = hook.posts.at(-1)!.json as Record<string, unknown>;
      expect(Object.keys(crash)).toEqual(['container', 'host', 'level', 'previous', 'reasons', 'goroutines', 'time', 'event']);
      expect(crash).toMatchObject({ container: name, host: null, level: 'ok', previous: null, goroutines: 700, event: { kind: 'crash', message: 'runtime error: invalid memory address or nil pointer dereference', signature: expect.stringContaining('main.main') } });
      expect(hook.posts.every((p) => p.method === 'POST' && p.path === '/hook')).toBe(true);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/alert: stopped after \d+ check\(s\); 6 alert\(s\) delivered, 0 failed\n$/);
      expect(stderr).toBe('');
      const saved = JSON.parse(readFileSync(state, 'utf8')) as { containers: Record<string, { announced: string; level: string }> };
      expect(saved.containers[name]).toMatchObject({ announced: 'ok', level: 'ok' });
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);

  it('refuses bad usage (64) and an unwritable state file (73) before checking anything', async () => {
    const { goroscope } = await import('../helpers/cli.js');
    const cases: { input: string[]; want: string; code?: number }[] = [
      { input: ['alert', name, '--notify', 'not-a-url'], want: 'error: --notify takes an http(s) URL or mailto:ADDRESS (not-a-url)' },
      { input: ['alert', name, '--notify', 'http://127.0.0.1:9/x', '--interval', 'soon'], want: 'error: --interval takes a duration (soon)' },
      { input: ['alert', name, '--notify', 'mailto:ops@example.com'], want: 'error: email target but no SMTP host (mailto:ops@example.com)' },
      { input: ['alert', name], want: 'error: no notification target' },
      { input: ['alert', name, '--notify', 'http://127.0.0.1:9/x', '--state', '/dev/null/state.json'], want: 'error: cannot write alert state: ENOTDIR (/dev/null/state.json)', code: 73 },
    ];
    for (const c of cases) {
      const r = await goroscope(c.input, { cwd: dir, env: { XDG_CONFIG_HOME: dir, XDG_STATE_HOME: dir } });
      expect({ code: r.code, first: r.stderr.split('\n')[0] }).toEqual({ code: c.code ?? 64, first: c.want });
    }
  }, 60_000);
});
