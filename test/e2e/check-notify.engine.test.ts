// `goroscope check --notify` end to end, as a scheduler runs it: the real binary, run again and again against a real
// container whose health JSON the test rewrites, one state file, a recording webhook, a Feishu-format hook, a real
// SMTP server, and a target that hangs. One alert per change; the verdict's exit code never depends on notifying.
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, goroscope } from '../helpers/cli.js';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName } from '../helpers/engine.js';
import { httpRecorder, parseMail, selfSigned, smtpRecorder, type HttpRecorder } from '../helpers/servers.js';
import { freePort, until } from '../helpers/wait.js';

describe.skipIf(noBusybox)('check --notify (real engine, real targets)', () => {
  const name = uniqueName('alertchk');
  let dir: string;
  let port: number;
  let hook: HttpRecorder;
  let hang: HttpRecorder;
  let smtp: Awaited<ReturnType<typeof smtpRecorder>>;
  const setGoroutines = (n: number) =>
    writeFileSync(join(dir, 'www/api/monitor/health'), JSON.stringify({ status: 'ok', goroutines: n, memory: { alloc_mb: 12, total_alloc_mb: 40, sys_mb: 30, num_gc: 7 } }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gs-alertchk-'));
    mkdirSync(join(dir, 'www/api/monitor'), { recursive: true });
    setGoroutines(800);
    port = await freePort();
    [hook, hang, smtp] = await Promise.all([httpRecorder(), httpRecorder(() => 'hang'), smtpRecorder()]);
    await docker('run', '-d', '--name', name, '--network', 'host', '-v', `${dir}/www:/www`, BUSYBOX, 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www');
  });
  afterAll(async () => {
    await removeContainers(name);
    await Promise.all([hook?.close(), hang?.close(), smtp?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one alert per change across repeated runs, holds a recovery for the cooldown, and never changes the exit code', async () => {
    const state = join(dir, 'state.json');
    const base = ['check', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--state', state, '--notify', `${hook.url}/hook`];
    const env = { XDG_CONFIG_HOME: dir };
    const runs: { goroutines: number; extra?: string[]; want: { code: number; posts: string[] } }[] = [
      { goroutines: 2500, want: { code: 1, posts: ['null→warning'] } }, // first sight: previous is null
      { goroutines: 2600, want: { code: 1, posts: [] } },
      { goroutines: 5200, want: { code: 2, posts: ['warning→critical'] } },
      { goroutines: 10500, want: { code: 2, posts: ['critical→emergency'] } },
      { goroutines: 900, want: { code: 0, posts: [] } }, // within the 10m cooldown: the recovery waits
      { goroutines: 900, extra: ['--cooldown', '1ms'], want: { code: 0, posts: ['emergency→ok'] } },
    ];
    const got: { code: number | null; posts: string[] }[] = [];
    for (const r of runs) {
      setGoroutines(r.goroutines);
      const before = hook.posts.length;
      const res = await goroscope([...base, ...(r.extra ?? [])], { env, cwd: dir });
      got.push({ code: res.code, posts: hook.posts.slice(before).map((p) => `${(p.json as { previous: string }).previous}→${(p.json as { level: string }).level}`) });
      if (res.stderr && !/^notify: sent /.test(res.stderr)) throw new Error(`unexpected stderr: ${res.stderr}`);
    }
    expect(got).toEqual(runs.map((r) => r.want));
    expect(hook.posts[2]!.json).toMatchObject({ container: name, level: 'emergency', previous: 'critical', goroutines: 10500, event: null });
  }, 120_000); // six runs of the real binary, each with a stats sample

  it('a target that hangs is reported after its deadline; the other targets still get the alert, in Chinese for Feishu and by email', async () => {
    const state = join(dir, 'state2.json');
    setGoroutines(5600);
    const res = await goroscope(
      [
        '--lang', 'zh',
        'check', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--state', state,
        '--notify', `${hang.url}/slow`, '--notify', `${hook.url}/feishu`, '--notify-format', 'feishu', '--notify-timeout', '1500ms',
        '--notify', 'mailto:ops@example.com', '--smtp-host', '127.0.0.1', '--smtp-port', String(smtp.port), '--smtp-secure', 'none', '--smtp-from', 'goroscope@example.com',
      ],
      { env: { XDG_CONFIG_HOME: dir }, cwd: dir, timeoutMs: 20_000 },
    );
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n').map((l) => l.replace(/（\d+ 次尝试，\d+ ms）$/, '')).sort();
    expect(lines).toEqual([
      `通知：发送失败 critical ${name} → feishu 127.0.0.1:${hang.port}：no answer within 1500 ms`,
      `通知：已发送 critical ${name} → email ops@example.com`,
      `通知：已发送 critical ${name} → feishu 127.0.0.1:${hook.port}`,
    ].sort());
    const feishu = hook.posts.filter((p) => p.path === '/feishu');
    expect(feishu.map((p) => p.json)).toEqual([
      { msg_type: 'text', content: { text: expect.stringMatching(new RegExp(`^\\[goroscope\\] 严重：${name}\\nGoroutine 数：5600\\n原因：5600 个 goroutine ≥ 严重阈值 5000\\n时间：`)) } },
    ]);
    expect(smtp.mails.map((m) => ({ to: m.to, subject: parseMail(m.raw).subject }))).toEqual([{ to: ['ops@example.com'], subject: `[goroscope] 严重：${name}` }]);
    expect(hang.posts).toHaveLength(1);
  }, 60_000);

  it('a bad --notify is refused before the check runs', async () => {
    const r = await goroscope(['check', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--notify', 'hooks.example.com/x'], { env: { XDG_CONFIG_HOME: dir }, cwd: dir });
    expect({ code: r.code, stdout: r.stdout, first: r.stderr.split('\n')[0] }).toEqual({ code: 64, stdout: '', first: 'error: --notify takes an http(s) URL or mailto:ADDRESS (hooks.example.com/x)' });
  });

  it('email over implicit TLS to a self-signed server: trusted with GOROSCOPE_SMTP_CA it is sent; untrusted it is one FAILED line and the same exit code', async () => {
    const tls = selfSigned(dir);
    const server = await smtpRecorder({ tls: { mode: 'tls', key: tls.key, cert: tls.cert } });
    try {
      setGoroutines(5300);
      const args = (state: string) => [
        'check', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--state', join(dir, state),
        '--notify', 'mailto:ops@example.com', '--smtp-host', '127.0.0.1', '--smtp-port', String(server.port), '--smtp-secure', 'tls', '--smtp-from', 'g@example.com',
      ];
      const cases = [
        { name: 'untrusted', env: {}, state: 'state-tls1.json', want: { code: 2, stderr: `notify: FAILED critical ${name} → email ops@example.com: TLS certificate of 127.0.0.1 not trusted (self-signed certificate); trust its CA with --smtp-ca FILE or GOROSCOPE_SMTP_CA (1 attempt(s), MS)`, mails: 0 } },
        { name: 'trusted', env: { GOROSCOPE_SMTP_CA: tls.certFile }, state: 'state-tls2.json', want: { code: 2, stderr: `notify: sent critical ${name} → email ops@example.com (1 attempt(s), MS)`, mails: 1 } },
      ];
      const got = [];
      for (const c of cases) {
        const r = await goroscope(args(c.state), { env: { XDG_CONFIG_HOME: dir, ...c.env }, cwd: dir, timeoutMs: 20_000 });
        got.push({ code: r.code, stderr: r.stderr.trim().replace(/\d+ ms\)$/, 'MS)').replace('self signed', 'self-signed'), mails: server.mails.length });
      }
      expect(got).toEqual(cases.map((c) => c.want));
    } finally {
      await server.close();
    }
  }, 60_000);

  it('log events between runs: a crash printed between two runs is one crash alert, the next run none; a first run looks back 10 minutes', async () => {
    const quiet = uniqueName('alertlog');
    await docker('run', '-d', '--name', quiet, '--network', 'none', BUSYBOX, 'sleep', '600');
    try {
      const crashes = (path: string) => hook.posts.filter((p) => p.path === path && (p.json as { event: { kind: string } | null }).event?.kind === 'crash');
      // --cooldown 1ms: only the log position kept in the state stops a crash from alerting twice.
      const run = async (state: string, path: string) => {
        const before = crashes(path).length;
        const r = await goroscope(['check', quiet, '--state', join(dir, state), '--notify', `${hook.url}${path}`, '--cooldown', '1ms'], { env: { XDG_CONFIG_HOME: dir }, cwd: dir, timeoutMs: 20_000 });
        if (r.stderr && !/^(notify: sent [^\n]*\n)+$/.test(r.stderr)) throw new Error(`unexpected stderr: ${r.stderr}`);
        return { code: r.code, crashes: crashes(path).length - before };
      };
      const got = [await run('state-log.json', '/log')];
      await docker('exec', quiet, 'sh', '-c', `printf '%s\\n' 'panic: between runs' '' 'goroutine 1 [running]:' 'main.main()' '	/app/main.go:3 +0x1d' > /proc/1/fd/1`);
      await until('the crash in the logs', async () => (await docker('logs', quiet)).includes('between runs'));
      got.push(await run('state-log.json', '/log'), await run('state-log.json', '/log'), await run('state-log-fresh.json', '/log-fresh'));
      expect(got.map((g) => g.crashes)).toEqual([0, 1, 0, 1]);
      expect(new Set(got.map((g) => g.code)).size).toBe(1); // the verdict does not depend on the crash alert
      expect(crashes('/log')[0]!.json).toMatchObject({ container: quiet, previous: null, event: { kind: 'crash', message: 'between runs' } });
      const saved = JSON.parse(readFileSync(join(dir, 'state-log.json'), 'utf8')) as { containers: Record<string, { logCheckedUntil?: string }> };
      expect(saved.containers[quiet]?.logCheckedUntil).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    } finally {
      await removeContainers(quiet);
    }
  }, 90_000);

  it('--dry-run prints what would be sent and changes no state', async () => {
    const state = join(dir, 'state3.json');
    setGoroutines(2100);
    const args = ['check', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--state', state, '--notify', `${hook.url}/dry`, '--dry-run'];
    const first = await goroscope(args, { env: { XDG_CONFIG_HOME: dir }, cwd: dir });
    expect({ code: first.code, posts: hook.posts.filter((p) => p.path === '/dry').length, state: existsSync(state) }).toEqual({ code: 1, posts: 0, state: false });
    expect(first.stderr.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')).toBe(
      [
        `notify (dry run): would send warning ${name} → webhook 127.0.0.1:${hook.port}`,
        `  [goroscope] WARNING: ${name}`,
        '  Goroutines: 2100',
        '  Reasons: 2100 goroutines ≥ warning threshold 2000',
        '  Time: T',
        `  body → webhook 127.0.0.1:${hook.port}: {"container":"${name}","host":null,"level":"warning","previous":null,"reasons":["2100 goroutines ≥ warning threshold 2000"],"goroutines":2100,"time":"T","event":null}`,
        '',
      ].join('\n'),
    );
  });
  // Last: the crash it prints stays in the container's logs, and check --notify reads the last 10 minutes of logs
  // on a first run, so it would add a crash alert to the tests above.
  it('watch --notify alerts on a level change and on a crash in the followed logs, without waiting for the target', async () => {
    setGoroutines(900);
    const state = join(dir, 'state-watch.json');
    const child = spawn(
      process.execPath,
      [BIN, 'watch', name, '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--interval', '1s', '--state', state, '--notify', `${hook.url}/watch`, '--notify', `${hang.url}/watch-slow`, '--notify-timeout', '20s'],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC', XDG_CONFIG_HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const posts = () => hook.posts.filter((p) => p.path === '/watch').map((p) => p.json as { level: string; previous: string | null; event: { kind: string } | null });
    const samples = () => stdout.split('\n').filter((l) => /goroutines|900|2700/.test(l)).length;
    try {
      await until('two samples', () => samples() >= 2);
      setGoroutines(2700);
      await until('the warning alert', () => posts().length >= 1);
      // the hanging target holds its delivery for up to 20 s; samples keep coming meanwhile
      const s0 = samples();
      await until('two more samples while a delivery hangs', () => samples() >= s0 + 2);
      await docker('exec', name, 'sh', '-c', `printf '%s\\n' 'panic: boom' '' 'goroutine 1 [running]:' 'main.main()' '	/app/main.go:3 +0x1d' > /proc/1/fd/2`);
      await until('the crash alert', () => posts().length >= 2, 25_000);
      expect(posts().map((p) => (p.event ? p.event.kind : `${p.previous}→${p.level}`))).toEqual(['ok→warning', 'crash']);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
