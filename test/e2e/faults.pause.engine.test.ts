// A daemon that does not answer, for real: dockerd is stopped (SIGSTOP) for a few seconds while a bundle starts,
// and always continued (SIGCONT) in a finally. These tests run alone, after every other engine suite (the
// `engine-pause` project of vitest.config.ts): a paused engine would stall the others. Hold the engine lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName, waitExited } from '../helpers/engine.js';
import { BIN } from '../helpers/cli.js';

interface Manifest {
  complete: boolean;
  container: { id: string | null; name: string };
  items: Record<string, { status: string; error?: string; reason?: string }>;
}

function dockerdPid(): number {
  return Number(execFileSync('pidof', ['-s', 'dockerd'], { encoding: 'utf8' }).trim());
}

/**
 * Run `goroscope bundle …` with dockerd stopped from just before it starts until `resumeOn(stderr)` says so (or the
 * bundle ends, or 60 s pass); dockerd always continues. Waiting on what the bundle says, never on a fixed time:
 * a loaded machine may take seconds to start Node.
 */
async function bundleWhilePaused(args: string[], resumeOn: (stderr: string) => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const pid = dockerdPid();
  const resume = () => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone: nothing to continue
    }
  };
  process.kill(pid, 'SIGSTOP');
  const cap = setTimeout(resume, 60_000);
  try {
    return await new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, 'bundle', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (resumeOn(stderr)) resume();
      });
      const kill = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => {
        clearTimeout(kill);
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    clearTimeout(cap);
    resume();
  }
}

/** What bundle says once when inspect was not answered in 5 s. */
const RETRYING = /^warning: Docker daemon did not answer inspect within 5 s: trying again until --timeout \(30 s\) has passed$/m;

describe.skipIf(noBusybox)('bundle while dockerd does not answer (SIGSTOP)', () => {
  const name = uniqueName('paused');
  let out = '';
  let server: Server;
  let url = '';
  const asked: string[] = [];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-paused-'));
    await docker('run', '-d', '--name', name, '--network', 'none', BUSYBOX, 'sh', '-c', 'echo "[SYS] 2026/01/01 - 00:00:00 | ⚠️ Goroutine count elevated: 2500"');
    await waitExited(name);
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/api/monitor/health') res.end('{"status":"ok","goroutines":2500,"memory":{"alloc_mb":1,"total_alloc_mb":2,"sys_mb":3,"num_gc":4}}');
      else res.end('goroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await removeContainers(name);
    server?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('paused until the bundle says it tries inspect again (unanswered for 5 s): retried, nothing lost, a complete bundle', async () => {
    const dir = join(out, 'retried');
    const r = await bundleWhilePaused([name, '--out', dir, '--format', 'dir', '--health-url', `${url}/api/monitor/health`, '--pprof-url', url, '--pprof-interval', '200ms'], (err) => RETRYING.test(err));
    expect(r.stderr).toMatch(RETRYING);
    expect(r.code).toBe(0);
    const root = /^bundle: (\S+) \(/m.exec(r.stdout)![1]!;
    expect(root.startsWith(join(dir, `${name}-`))).toBe(true);
    const m = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Manifest;
    expect([m.complete, m.container.name]).toEqual([true, name]);
    expect(Object.fromEntries(Object.entries(m.items).map(([k, v]) => [k, v.status]))).toEqual({ inspect: 'ok', logs: 'ok', stats: 'ok', health: 'ok', pprof: 'ok', events: 'ok', scan: 'ok' });
  }, 120_000);

  it('paused until the bundle ends, past --timeout: health and pprof are collected meanwhile, the bundle is written with the Docker items failed, exit 75', async () => {
    const dir = join(out, 'gaveup');
    const before = asked.length;
    // Each try waits 5 s for an answer: with --timeout 8s there are at most two, and the daemon sleeps through both.
    const r = await bundleWhilePaused([name, '--out', dir, '--format', 'dir', '--timeout', '8s', '--health-url', `${url}/api/monitor/health`, '--pprof-url', url, '--pprof-interval', '200ms'], () => false);
    expect(r.code).toBe(75);
    const root = /^incomplete bundle: (\S+) \(/m.exec(r.stdout)![1]!;
    // Named after the container as it was given (Docker never said its name), marked incomplete.
    expect(root).toMatch(new RegExp(`/${name}-\\d{8}T\\d{6}\\.\\d{3}Z\\.incomplete$`));
    const m = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Manifest;
    expect([m.complete, m.container]).toEqual([false, expect.objectContaining({ id: null, name })]);
    const status = Object.fromEntries(Object.entries(m.items).map(([k, v]) => [k, v.status]));
    expect(status).toEqual({ inspect: 'failed', logs: 'failed', stats: 'failed', health: 'ok', pprof: 'ok', events: 'failed', scan: 'failed' });
    // The timeout each try waited, and how often it was tried when there was time for more than one (--timeout counts
    // from the start: on a loaded machine Node's start may leave room for one try only).
    expect(m.items.inspect!.error).toMatch(/^the Docker daemon did not answer inspect within 5 s \(unix:\/\/\/var\/run\/docker\.sock(?:; [2-9] tries in \d+(\.\d)? s)?\)/);
    expect(m.items.logs!.error).toMatch(/^not collected: Docker did not answer inspect/);
    expect(asked.slice(before).filter((u) => u === '/api/monitor/health')).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(root, 'health.json'), 'utf8')).goroutines).toBe(2500);
    expect(r.stderr).toMatch(/^warning: inspect not collected: the Docker daemon did not answer inspect within 5 s/m);
  }, 120_000);
});
