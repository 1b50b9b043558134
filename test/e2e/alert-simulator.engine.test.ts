// `goroscope alert` against the One API simulator (a real Go process): a real goroutine leak up to emergency, real
// recovered panics, a channel really disabled by failing relays, and a real crash with a restart — each alerted
// once, through a recording webhook.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { SIMULATOR, docker, noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { httpRecorder, type HttpRecorder } from '../helpers/servers.js';
import { freePort, until } from '../helpers/wait.js';


describe.skipIf(noSimulator)('goroscope alert against the simulator', () => {
  const name = uniqueName('alertsim');
  let port: number;
  let hook: HttpRecorder;
  let dir: string;
  const sim = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' }).then((r) => r.json());

  beforeAll(async () => {
    port = await freePort();
    hook = await httpRecorder();
    dir = mkdtempSync(join(tmpdir(), 'gs-alertsim-'));
    await docker(
      'run', '-d', '--name', name, '--network', 'host', '--restart', 'on-failure', SIMULATOR,
      '--port', String(port), '--monitor-interval', '1s', '--fail-channels', '2', '--disable-after', '1', '--retry-times', '0',
    );
    const end = Date.now() + 15_000;
    for (;;) {
      try {
        await fetch(`http://127.0.0.1:${port}/api/monitor/health`);
        break;
      } catch {
        if (Date.now() > end) throw new Error('simulator did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  afterAll(async () => {
    await removeContainers(name);
    await hook?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leak → warning → emergency, a panic burst, a disabled channel, a crash and the restart after it', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN, 'alert', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--interval', '300ms',
        '--warning', '40', '--critical', '150', '--emergency', '300', '--cooldown', '3s', '--panic-burst', '2',
        '--notify', `${hook.url}/hook`, '--state', join(dir, 'state.json'),
      ],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC', XDG_CONFIG_HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    type Body = { level: string; previous: string | null; reasons: string[]; goroutines: number | null; event: { kind: string; channel?: number; count?: number } | null };
    const bodies = () => hook.posts.map((p) => p.json as Body);
    const levels = () => bodies().filter((b) => b.event === null).map((b) => `${b.previous}→${b.level}`);
    const events = () => bodies().filter((b) => b.event !== null).map((b) => b.event!.kind);
    try {
      await until('two ok rounds', () => (stdout.match(/: ok \(/g) ?? []).length >= 2, 20_000);
      await sim('/sim/leak?n=60');
      await until('the warning', () => levels().length >= 1, 20_000);
      await sim('/sim/leak?n=300');
      await until('the emergency', () => levels().length >= 2, 20_000);
      expect(levels()).toEqual(['ok→warning', 'warning→emergency']);

      await Promise.all([sim('/sim/panic'), sim('/sim/panic')]);
      await until('the panic burst', () => events().length >= 1, 20_000);
      await sim('/sim/load?requests=1&channel=2');
      await until('the disabled channel', () => events().length >= 2, 20_000);
      await sim('/sim/crash');
      await until('the crash', () => events().length >= 3, 20_000);
      expect(events()).toEqual(['panic_burst', 'channel_disabled', 'crash']);
      const ev = bodies().filter((b) => b.event !== null);
      expect(ev[0]!.event).toMatchObject({ kind: 'panic_burst', count: 2 });
      expect(ev[1]!.event).toMatchObject({ kind: 'channel_disabled', channel: 2 });
      expect(ev[2]!.event).toMatchObject({ kind: 'crash', message: 'runtime error: invalid memory address or nil pointer dereference' });

      // Restarted with a fresh process: the leak is gone, the restart count makes it a warning, sent after the cooldown.
      await until('the step down after the restart', () => levels().length >= 3, 25_000);
      expect(levels()).toEqual(['ok→warning', 'warning→emergency', 'emergency→warning']);
      expect(bodies().filter((b) => b.event === null).at(-1)!.reasons.some((r) => /restart/i.test(r))).toBe(true);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/alert: stopped after \d+ check\(s\); \d+ alert\(s\) delivered, 0 failed\n$/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
