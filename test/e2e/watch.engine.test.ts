// `goroscope watch` through the spawned binary: non-TTY lines, the --record file, Ctrl-C summary, an endpoint that
// goes away and comes back, and the redrawn screen in a pseudo-terminal (util-linux `script`).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noBusybox, docker, uniqueName, removeContainers, BUSYBOX } from '../helpers/engine.js';
import { BIN, ROOT } from '../helpers/cli.js';

interface Running {
  child: ChildProcess;
  out: () => string;
  closed: Promise<number | null>;
}

function start(cmd: string, args: string[]): Running {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString('utf8')));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
  void closed.then(() => clearTimeout(timer));
  return { child, out: () => text, closed };
}

async function until(what: string, ok: () => boolean, show?: () => string, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${show ? `; output so far:\n${show()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Columns a line takes in a terminal: CJK characters two. */
const displayWidth = (l: string) => [...l].reduce((n, ch) => n + (/[\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);

const SAMPLE = /^\S+Z goroutines=(\S+) level=(\S+)/;
const sampleLines = (text: string) => text.split('\n').filter((l) => SAMPLE.test(l));

describe.skipIf(noBusybox)('watch', () => {
  const gw = uniqueName('watch-gw');
  let dir = '';
  let goroutines = 900;
  let server: http.Server | null = null;
  let port = 0;
  const sockets = new Set<net.Socket>();

  const listen = async () => {
    server = http.createServer((_q, r) => {
      r.setHeader('content-type', 'application/json');
      r.end(JSON.stringify({ status: 'ok', goroutines, memory: { alloc_mb: 20, total_alloc_mb: 400, sys_mb: 70, num_gc: 9 } }));
    });
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  };
  const unlisten = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server?.close(r));
    server = null;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gs-watch-'));
    await listen();
    await docker('run', '-d', '--name', gw, '--network', 'none', BUSYBOX, 'sh', '-c',
      // two channels, #2 failing twice as often as #5, every error a timeout
      'i=0; while :; do i=$((i+1)); c=$(( i % 3 == 0 ? 5 : 2 )); echo "[ERR] 2025/11/03 - 16:40:35 | relay error (channel #$c): Post \\"https://api.openai.com/v1/chat/completions\\": context deadline exceeded"; sleep 0.5; done');
  }, 60_000);

  afterAll(async () => {
    await unlisten();
    await removeContainers(gw);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('non-TTY: one line per sample, errors streamed, endpoint loss shown and retried, Ctrl-C summary, --record', async () => {
    goroutines = 900;
    const record = join(dir, 'baseline.jsonl');
    const url = `http://127.0.0.1:${port}/api/monitor/health`;
    const w = start(process.execPath, [BIN, 'watch', gw, '--interval', '1s', '--record', record, '--health-url', url, '--timeout', '500ms']);
    await until('two samples', () => sampleLines(w.out()).length >= 2, w.out);
    goroutines = 2600;
    await until('the warning level', () => sampleLines(w.out()).some((l) => /goroutines=2600 level=warning/.test(l)), w.out);
    await unlisten(); // the endpoint goes away …
    await until('the loss to be shown', () => sampleLines(w.out()).some((l) => /goroutines=\? level=unknown .*problem="health endpoint: refused/.test(l)), w.out);
    goroutines = 5100;
    await listen(); // … and comes back on the same port
    await until('the endpoint to be read again', () => sampleLines(w.out()).some((l) => /goroutines=5100 level=critical/.test(l)), w.out);
    await until('a relay error line', () => /relay_error \[ERR\] .*relay error \(channel #\d+\)/.test(w.out()), w.out);
    w.child.kill('SIGINT');
    const code = await w.closed;
    const text = w.out();
    const lines = sampleLines(text);
    const recs = readFileSync(record, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(code).toBe(0);
    expect(text).toContain(`session summary for ${gw}`);
    expect(text).toMatch(new RegExp(`samples\\s+${lines.length}\\n`));
    expect(text).toMatch(/min \/ max \/ avg \/ current\s+900 \/ 5100 \/ \d+ \/ 5100/);
    // the relay errors streamed as lines are the ones the summary counts, per channel
    const streamed = (c: number) => text.split('\n').filter((l) => new RegExp(`^\\S+Z relay_error .*relay error \\(channel #${c}\\)`).test(l)).length;
    expect(streamed(2)).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`\\n  relay errors\\s+#2 timeout ×${streamed(2)}${streamed(5) > 0 ? `; #5 timeout ×${streamed(5)}` : ''}\\n`));
    // growth by the trend's slope: every sample line says it, the summary over the whole session (900 → 5100: up)
    expect(lines.every((l) => / growth=(\?|[+-]?[\d.]+\/h)$/.test(l))).toBe(true);
    expect(text).toMatch(/\n  growth\s+\+[\d.]+\/h \(\+[\d.]+\/min\)\n/);
    expect(recs.length).toBe(lines.length);
    expect(Object.keys(recs[0]).sort()).toEqual(['container', 'containerMemory', 'cpuPercent', 'goroutineSource', 'goroutines', 'memory', 'restarts', 'state', 'time']);
    expect(recs.map((r) => r.goroutines)).toEqual(lines.map((l) => (SAMPLE.exec(l)![1] === '?' ? null : Number(SAMPLE.exec(l)![1]))));
    expect(recs[0]).toMatchObject({ container: gw, goroutines: 900, goroutineSource: 'health', memory: { allocMb: 20, totalAllocMb: 400, sysMb: 70, numGc: 9 }, restarts: 0, state: 'running' });
  }, 120_000);

  it('TTY: redraws in place with the sparkline, Ctrl-C ends with the summary', async () => {
    goroutines = 1500;
    const url = `http://127.0.0.1:${port}/api/monitor/health`;
    const cmd = `${process.execPath} ${BIN} watch ${gw} --interval 1s --health-url ${url} --lang zh`;
    const w = start('script', ['-qfec', cmd, '/dev/null']);
    const screens = () => w.out().split('\x1b[H\x1b[2J');
    await until('two screens, the second with errors of both channels', () => screens().length >= 3 && /#2\s+超时 ×/.test(screens().at(-1)!) && /#5\s+超时 ×/.test(screens().at(-1)!), w.out);
    w.child.stdin!.write('\x03'); // Ctrl-C through the terminal: SIGINT to the foreground process
    await w.closed;
    const text = w.out();
    const lastScreen = text.split('\x1b[H\x1b[2J').at(-1)!;
    expect(text.split('\x1b[H\x1b[2J').length).toBeGreaterThanOrEqual(3);
    expect(lastScreen).toMatch(/[▁▂▃▄▅▆▇█]{2,}/);
    expect(lastScreen).toContain('1500');
    // relay errors summed per channel (a steady count of 1500: no growth), no line wider than the terminal
    expect(lastScreen).toMatch(/\n  增长\s+0\/h \(0\/min\)/);
    expect(lastScreen).toMatch(/\n    #2\s+超时 ×\d+\r?\n    #5\s+超时 ×\d+\r?\n/);
    expect(lastScreen).not.toContain('context deadline exceeded');
    expect(lastScreen).toContain('最新的 panic、崩溃、超时');
    for (const l of lastScreen.split(/\r?\n/)) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    expect(lastScreen).toContain(`${gw} 的监控小结`);
  }, 120_000);

  it('a missing container is a clear error, not a retry loop', async () => {
    const w = start(process.execPath, [BIN, 'watch', 'gs-watch-no-such-container', '--interval', '1s']);
    expect([await w.closed, w.out().split('\n')[0]]).toEqual([67, 'error: no such container (gs-watch-no-such-container)']);
  });
});
