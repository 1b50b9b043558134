// The alert state under load, through the real binary, a real container and real local receivers (issue 12):
// ten `check --notify` at once against slow targets announce a change once per target; a failed page stays pending
// for its own target; damaged state never changes the exit code; a state directory that cannot be made is exit 73
// at once; `alert` and `check --notify` on one state file announce a change once; no planted secret reaches a body.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { BIN, goroscope } from '../helpers/cli.js';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName } from '../helpers/engine.js';
import { httpRecorder, type HttpRecorder } from '../helpers/servers.js';
import { freePort, until } from '../helpers/wait.js';
import { ALL_SHAPES, distinct } from '../helpers/secrets.js';

type Body = { level: string; previous: string | null; event: { kind: string; message: string } | null };
const what = (p: { json: unknown }) => {
  const b = p.json as Body;
  return b.event ? b.event.kind : `${b.previous}→${b.level}`;
};

describe.skipIf(noBusybox)('alert state under load (real binary, real engine, real receivers)', () => {
  const name = uniqueName('alertstate');
  /** The container whose logs get a disabled channel (the others must not see it in their first 10-minute look back). */
  const noisy = uniqueName('alertnoisy');
  let dir: string;
  let port: number;
  const setGoroutines = (n: number) => writeFileSync(join(dir, 'www/api/monitor/health'), JSON.stringify({ status: 'ok', goroutines: n }));
  const env = () => ({ XDG_CONFIG_HOME: dir });
  const check = (state: string, targets: string[], extra: string[] = [], container = name) =>
    goroscope(['check', container, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--state', state, ...targets.flatMap((t) => ['--notify', t]), ...extra], { env: env(), cwd: dir, timeoutMs: 120_000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gs-alertstate-'));
    mkdirSync(join(dir, 'www/api/monitor'), { recursive: true });
    setGoroutines(800);
    port = await freePort();
    await docker('run', '-d', '--name', name, '--network', 'host', '-v', `${dir}/www:/www`, BUSYBOX, 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www');
    await docker('run', '-d', '--name', noisy, '--network', 'none', BUSYBOX, 'sleep', '600');
  });
  afterAll(async () => {
    await removeContainers(name, noisy);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ten runs at once, two targets answering after 2 s: one level alert and one disabled-channel alert per target, no planted secret in any body', async () => {
    const slow = await Promise.all([httpRecorder(() => ({ status: 200, delayMs: 2000 })), httpRecorder(() => ({ status: 200, delayMs: 2000 }))]);
    try {
      const state = join(dir, 'ten.json');
      const targets = slow.map((s, i) => `${s.url}/t${i}`);
      setGoroutines(800);
      const c = (extra: string[] = []) => check(state, targets, extra, noisy);
      expect((await c()).code).toBe(0); // first sight, ok: nothing to announce
      // the change: a warning level, and a channel disabled with secrets of every shape in its reason
      const planted = fc.sample(ALL_SHAPES.filter(distinct), 1)[0]!;
      const reason = planted.map((p) => p.text).join(' | ');
      await docker('exec', '-e', `LINE=[SYS] 2026/11/26 - 10:00:00 | channel #7 has been disabled: ${reason}`, noisy, 'sh', '-c', 'printf "%s\\n" "$LINE" > /proc/1/fd/1');
      await until('the line in the logs', async () => (await docker('logs', noisy)).includes('channel #7 has been disabled'));
      setGoroutines(2500);
      const runs = await Promise.all(Array.from({ length: 10 }, () => c()));
      expect(runs.map((r) => r.code)).toEqual(Array(10).fill(1));
      for (const s of slow) expect(s.posts.map(what).sort()).toEqual(['channel_disabled', 'ok→warning']);
      const bodies = slow.flatMap((s) => s.posts.map((p) => p.body));
      for (const p of planted) for (const s of p.secrets) expect({ shape: p.shape, leaked: bodies.some((b) => b.includes(s.value)) }).toEqual({ shape: p.shape, leaked: false });
      expect((slow[0]!.posts.find((p) => what(p) === 'channel_disabled')!.json as Body).event!.message).toContain('[REDACTED:');
      // every delivery settled; no lock or temp file left
      expect(readdirSync(dir).filter((f) => f.startsWith('ten.json'))).toEqual(['ten.json']);
    } finally {
      await Promise.all(slow.map((s) => s.close()));
    }
  }, 240_000);

  it('target A down, a run for B, A back: A gets the alert once', async () => {
    const state = join(dir, 'ab.json');
    const portA = await freePort();
    const b = await httpRecorder();
    let a: HttpRecorder | null = null;
    try {
      setGoroutines(2600);
      const r1 = await check(state, [`http://127.0.0.1:${portA}/a`], ['--notify-timeout', '1s']);
      const r2 = await check(state, [`${b.url}/b`]);
      a = await httpRecorder(undefined, portA);
      const r3 = await check(state, [`http://127.0.0.1:${portA}/a`]);
      const r4 = await check(state, [`http://127.0.0.1:${portA}/a`]);
      expect([r1, r2, r3, r4].map((r) => ({ code: r.code, stderr: r.stderr.replace(/ \(\d+ attempt.*\n/g, '\n').replace(/ECONNREFUSED.*\n/, 'ECONNREFUSED\n') }))).toEqual([
        { code: 1, stderr: `notify: FAILED warning ${name} → webhook 127.0.0.1:${portA}: ECONNREFUSED\n` },
        { code: 1, stderr: '' },
        { code: 1, stderr: `notify: sent (again) warning ${name} → webhook 127.0.0.1:${portA}\n` },
        { code: 1, stderr: '' },
      ]);
      expect({ a: a.posts.map(what), b: b.posts.map(what) }).toEqual({ a: ['null→warning'], b: [] });
    } finally {
      await Promise.all([b.close(), a?.close()]);
    }
  }, 120_000);

  it('damaged or wrong-shaped state: the exit code is the verdict, one warning, the file set aside, the alert sent', async () => {
    const hook = await httpRecorder();
    try {
      setGoroutines(2700);
      const cases = [
        { name: 'truncated', input: '{"version":1,"containers":{"x":{"level":"ok"' },
        { name: 'garbage', input: 'garbage\n\u00ff' },
        { name: 'NULs', input: '\0'.repeat(64) },
        { name: 'wrong types', input: '{"version":"1","containers":[],"sent":"x"}' },
        { name: 'nulls', input: '{"version":1,"containers":null,"sent":null}' },
        { name: 'containers of strings', input: '{"containers":{"x":"y"}}' },
        { name: 'pending [null]', input: '{"version":1,"containers":{},"sent":{},"pending":[null]}' },
      ];
      const got = [];
      for (const [i, c] of cases.entries()) {
        const state = join(dir, `damaged-${i}.json`);
        writeFileSync(state, c.input);
        const r = await check(state, [`${hook.url}/d${i}`]);
        const lines = r.stderr.trim().split('\n');
        got.push({
          name: c.name,
          code: r.code,
          warnings: lines.filter((l) => l.startsWith('notify: alert state was damaged')).length,
          sent: lines.filter((l) => l.startsWith('notify: sent warning')).length,
          other: lines.filter((l) => !/^notify: (alert state was damaged|sent warning)/.test(l)),
          aside: readdirSync(dir).filter((f) => f.startsWith(`damaged-${i}.json.damaged-`)).length,
        });
      }
      expect(got).toEqual(cases.map((c) => ({ name: c.name, code: 1, warnings: 1, sent: 1, other: [], aside: 1 })));
    } finally {
      await hook.close();
    }
  }, 180_000);

  it('a state directory that cannot be made: one line and exit 73 at once, for check and alert', async () => {
    const state = '/proc/nonexistent/goroscope/state.json';
    const runs = [
      await goroscope(['check', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--notify', 'http://127.0.0.1:9/x', '--state', state], { env: env(), cwd: dir, timeoutMs: 30_000 }),
      await goroscope(['alert', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--notify', 'http://127.0.0.1:9/x', '--state', state], { env: env(), cwd: dir, timeoutMs: 30_000 }),
    ];
    expect(runs.map((r) => ({ code: r.code, stdout: r.stdout, first: r.stderr.split('\n')[0] }))).toEqual(
      runs.map(() => ({ code: 73, stdout: '', first: `error: cannot write alert state: ENOENT (${state})` })),
    );
  }, 60_000);

  it('alert and check --notify on one state file: each change announced once', async () => {
    const hook = await httpRecorder();
    const state = join(dir, 'shared.json');
    setGoroutines(900);
    const child = spawn(process.execPath, [BIN, 'alert', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--interval', '300ms', '--notify', `${hook.url}/s`, '--state', state], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC', XDG_CONFIG_HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const rounds = () => stdout.split('\n').filter((l) => l.includes(`${name}:`)).length;
    try {
      await until('the first rounds of alert', () => rounds() >= 2, 30_000);
      const codes: (number | null)[] = [];
      for (const g of [2500, 5600]) {
        setGoroutines(g);
        const r0 = rounds();
        // checks racing the running alert for the same change
        codes.push(...(await Promise.all([check(state, [`${hook.url}/s`]), check(state, [`${hook.url}/s`])])).map((r) => r.code));
        await until('alert saw the change', () => rounds() >= r0 + 2, 30_000);
      }
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect({ codes, posts: hook.posts.map(what) }).toEqual({ codes: [1, 1, 2, 2], posts: ['ok→warning', 'warning→critical'] });
      expect(existsSync(`${state}.lock`)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await hook.close();
    }
  }, 120_000);
});
