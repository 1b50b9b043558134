// Faults that need no Docker engine, through the real binary (docs/faults.md): records after a crash's run of NUL
// bytes, a symbolic link loop, an impossible alert state path, and the signals — a scan of a FIFO nobody writes to
// and a check waiting on an alert target end on the first SIGINT (130) or SIGTERM (143).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, goroscope } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const g = (n: number, s: number) => `[SYS] 2026/01/01 - 00:00:0${s} | ⚠️ Goroutine count elevated: ${n}`;
const ts = (s: number) => `2026-01-01T00:00:0${s}.000000001Z`;
const jf = (text: string, s: number) => `${JSON.stringify({ log: `${text}\n`, stream: 'stdout', time: ts(s) })}\n`;
const nul = (n: number) => '\0'.repeat(n);

describe('records right after a run of NUL bytes (a file cut by a crash) survive', () => {
  const cases: { name: string; file: string; input: string; want: number[] }[] = [
    { name: 'json-file: NULs where lost writes were, the next record on the same line', file: 'a-json.log', input: jf(g(2100, 0), 0) + nul(5000) + jf(g(2200, 1), 1) + jf(g(2300, 2), 2), want: [2100, 2200, 2300] },
    { name: 'json-file: the first record cut short by NULs', file: 'b-json.log', input: jf(g(2100, 0), 0).slice(0, 40) + nul(300) + '\n' + jf(g(2200, 1), 1), want: [2200] },
    { name: 'docker logs -t text', file: 'c.log', input: `${ts(0)} ${g(2100, 0)}\n${nul(300)}${ts(1)} ${g(2200, 1)}\n`, want: [2100, 2200] },
    { name: 'plain text: a run longer than the line cap (a 1 MB hole)', file: 'd.log', input: `${g(2100, 0)}\n${nul(1 << 20)}${g(2200, 1)}\n`, want: [2100, 2200] },
    { name: 'plain text: a cut line, NULs, the next record', file: 'e.log', input: `${g(2100, 0).slice(0, 20)}${nul(64)}${g(2200, 1)}\n`, want: [2200] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      writeFileSync(join(dir, c.file), c.input);
      const r = await goroscope(['scan', join(dir, c.file), '--jsonl', '--kind', 'goroutine']);
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { count: number }).count)).toEqual(c.want);
    });
  }
});

describe('a log file truncated while it is scanned (logrotate copytruncate)', () => {
  it('keeps what was read, says so on stderr and exits 75', async () => {
    const file = join(dir, 'rotating.log');
    const line = '[SYS] 2026/01/01 - 00:00:00 | ⚠️ Goroutine count elevated: 2417 \n';
    const total = Math.ceil((32 << 20) / Buffer.byteLength(line));
    writeFileSync(file, line.repeat(total));
    // every line is an event: the first output arrives while the reading is in its first MBs; the output is then
    // held (the scan waits on it), the file cut to nothing, and the output let go
    const child = spawn(process.execPath, [BIN, 'scan', file, '--jsonl'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = 0;
    let err = '';
    let cut = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString().split('\n').length - 1;
      if (cut) return;
      cut = true;
      child.stdout.pause();
      truncateSync(file, 0);
      setTimeout(() => child.stdout.resume(), 200);
    });
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(75);
    expect(err).toMatch(
      new RegExp(`^warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the file shrank to 0 bytes while it was read, at byte \\d+ \\(truncated, or rotated with copytruncate\\): the lines after that are not in the result\n$`),
    );
    expect(out).toBeGreaterThan(0);
    expect(out).toBeLessThan(total);
  });
});

describe('user errors on paths', () => {
  it('a symbolic link loop is one line and exit 66, not a bug', async () => {
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    const r = await goroscope(['scan', join(dir, 'loop-a')]);
    expect([r.code, r.stdout, r.stderr.split('\n')]).toEqual([
      66,
      '',
      [`error: a symbolic link loop (${join(dir, 'loop-a')})`, 'the path (or a link on the way to it) points back at itself: ls -l shows where', ''],
    ]);
  });
});

/** True when a thread of `pid` waits in open() for a FIFO's writer (the kernel's wait_for_partner). */
function waitsForFifo(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((t) => readFileSync(`/proc/${pid}/task/${t}/wchan`, 'utf8') === 'wait_for_partner');
  } catch {
    return false;
  }
}

/** Start goroscope, wait until `ready()` says it is busy, send `sig`; the exit code, output and how long it took to stop. */
function stopWith(sig: 'SIGINT' | 'SIGTERM', args: string[], ready: (p: { pid: number; stderr: string }) => boolean, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const poll = setInterval(() => {
      if (sentAt || !ready({ pid: child.pid!, stderr })) return;
      sentAt = Date.now();
      child.kill(sig);
    }, 50);
    const kill = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(kill);
      resolve({ code, signal, stdout, stderr, ms: sentAt ? Date.now() - sentAt : -1 });
    });
  });
}

describe('signals: every command stops on the first SIGINT (130) and on SIGTERM (143)', () => {
  let fifo = '';
  let hang: Server;
  let hangUrl = '';
  const held = new Set<Socket>();
  beforeAll(async () => {
    fifo = join(dir, 'nobody-writes');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // An alert target that accepts and never answers: the check is busy delivering when the signal comes.
    hang = createServer((s) => held.add(s));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    hangUrl = `http://127.0.0.1:${(hang.address() as { port: number }).port}/hook`;
  });
  afterAll(() => {
    for (const s of held) s.destroy();
    hang.close();
  });

  // No Docker needed: the check's lookup fails (unknown), its alert waits on the silent target.
  const noDocker = { DOCKER_HOST: `unix://${join(tmpdir(), 'gs-faults-no-docker.sock')}` };
  const fifoWait = (p: { pid: number }) => waitsForFifo(p.pid);
  const delivering = () => held.size > before; // the check is waiting on its alert target
  let before = 0;
  const cases: { name: string; sig: 'SIGINT' | 'SIGTERM'; args: () => string[]; ready: (p: { pid: number; stderr: string }) => boolean; want: { code: number; stdout?: RegExp; stderr?: RegExp } }[] = [
    { name: 'scan of a FIFO with no writer, SIGINT: the summary of nothing, 130', sig: 'SIGINT', args: () => ['scan', fifo, '--json'], ready: fifoWait, want: { code: 130, stdout: /^\{\n {2}"lines": 0,/ } },
    { name: 'scan of a FIFO with no writer, SIGTERM: 143', sig: 'SIGTERM', args: () => ['scan', fifo], ready: fifoWait, want: { code: 143 } },
    {
      name: 'check with an alert target that never answers; SIGINT: 130',
      sig: 'SIGINT',
      args: () => ['check', 'gs-none', '--notify', hangUrl, '--notify-timeout', '20s', '--state', join(dir, 'state.json')],
      ready: delivering,
      want: { code: 130 },
    },
    {
      name: 'check with an alert target that never answers; SIGTERM: 143',
      sig: 'SIGTERM',
      args: () => ['check', 'gs-none', '--notify', hangUrl, '--notify-timeout', '20s', '--state', join(dir, 'state.json')],
      ready: delivering,
      want: { code: 143 },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      before = held.size;
      const r = await stopWith(c.sig, c.args(), c.ready, noDocker);
      expect(r.ms).toBeGreaterThanOrEqual(0); // the signal was sent while it was busy
      expect({ code: r.code, signal: r.signal }).toEqual({ code: c.want.code, signal: null });
      // It stops at once (the process gives a command 1 s, then ends it); 10 s only bounds a loaded machine.
      expect(r.ms).toBeLessThan(10_000);
      if (c.want.stdout) expect(r.stdout).toMatch(c.want.stdout);
      if (c.want.stderr) expect(r.stderr).toMatch(c.want.stderr);
      expect(r.stderr).not.toMatch(/this is a bug/);
      expect(statSync(fifo).isFIFO()).toBe(true); // never replaced by a state file
    });
  }

  // An impossible alert state path is one error at once, never a hang, and nothing there is replaced.
  const impossible: { name: string; state: () => string; want: string[] }[] = [
    { name: 'a FIFO (read whole, it would block every signal)', state: () => fifo, want: [`error: cannot write alert state (${join(dir, 'nobody-writes')})`, 'it is a FIFO, not a file: pass --state FILE', ''] },
    { name: 'under /proc (a recursive mkdir there never returns)', state: () => '/proc/1/gs-none/state.json', want: ['error: cannot write alert state: ENOENT (/proc/1/gs-none/state.json)', 'check the directory exists and is writable, or pass --state FILE', ''] },
  ];
  for (const c of impossible) {
    it(`check --state ${c.name}: exit 73 at once`, async () => {
      const r = await goroscope(['check', 'gs-none', '--notify', 'http://127.0.0.1:1/hook', '--state', c.state()], { env: noDocker, timeoutMs: 30_000 });
      expect([r.code, r.stdout, r.stderr.split('\n')]).toEqual([73, '', c.want]);
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(existsSync('/proc/1/gs-none')).toBe(false);
    });
  }
});
