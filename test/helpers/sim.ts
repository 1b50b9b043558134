// Helpers for tests that run the One API simulator container (fixtures/simulator): a free host port and polling.
import { SIMULATOR, docker } from './engine.js';
import { freePort } from './wait.js';
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN } from './cli.js';

export { freePort };

/** Calls fn every 50 ms until it returns something other than undefined (errors count as undefined). */
export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `docker run -d --network host` the simulator on a free port with extra flags (and docker options before the image,
 * e.g. ['--restart', 'on-failure']); resolves its base URL once /api/monitor/health answers.
 */
export async function startSimulator(name: string, flags: string[] = [], dockerOpts: string[] = []): Promise<string> {
  const port = await freePort();
  await docker('run', '-d', '--name', name, '--network', 'host', ...dockerOpts, SIMULATOR, '--port', String(port), ...flags);
  const base = `http://127.0.0.1:${port}`;
  await poll('simulator health', async () => ((await fetch(`${base}/api/monitor/health`)).ok ? true : undefined));
  return base;
}

/**
 * `goroscope bundle NAME --format dir --no-redact` of a running simulator, leaking `leak` more goroutines in
 * main.leakyRelay between the bundle's two goroutine dumps (1.5 s apart). Resolves the exit code, the output and
 * the bundle directory the final line names.
 */
export async function bundleWithLeakBetweenDumps(
  name: string,
  base: string,
  out: string,
  leak = 300,
): Promise<{ code: number | null; stdout: string; stderr: string; root: string | undefined }> {
  const child = spawn(process.execPath, [BIN, 'bundle', name, '--format', 'dir', '--out', out, '--no-redact', '--pprof-interval', '1500ms'], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  await poll(
    'first goroutine dump',
    async () => {
      const staging = (await readdir(out)).find((n) => n.endsWith('.partial'));
      if (!staging) return undefined;
      return (await stat(join(out, staging, 'pprof', 'goroutine-1.txt'))).size > 0 ? true : undefined;
    },
    10_000,
  );
  await fetch(`${base}/sim/leak?n=${leak}`, { method: 'POST' });
  const code = await exited;
  return { code, stdout, stderr, root: /^bundle: (.*) \(/m.exec(stdout)?.[1] };
}

/**
 * The analysis scenario on the simulator: a gateway (DEBUG, monitor every 200 ms, levels 20 / 60, channels 1 and 2)
 * leaks 10 goroutines in main.leakyRelay every 250 ms for 5 s, channel 2 times out on 3 requests (and is disabled
 * after them), then it crashes and Docker restarts it (`--restart on-failure`). Resolves the base URL once the
 * restarted process answers.
 */
export async function leakFailCrash(name: string): Promise<string> {
  const base = await startSimulator(
    name,
    ['--debug', '--monitor-interval', '200ms', '--warn-threshold', '20', '--high-threshold', '60', '--channels', '1,2', '--fail-channels', '2:timeout', '--relay-timeout', '200ms'],
    ['--restart', 'on-failure'],
  );
  const post = (path: string) => fetch(base + path, { method: 'POST' });
  for (let i = 0; i < 20; i++) {
    await post('/sim/leak?n=10');
    await new Promise((r) => setTimeout(r, 250));
  }
  await post('/sim/load?requests=3&channel=2&concurrency=1');
  await post('/sim/crash');
  await poll('restart', async () => ((await docker('inspect', '--format', '{{.RestartCount}}', name)).trim() === '1' ? true : undefined), 30_000);
  await poll('health after restart', async () => ((await fetch(`${base}/api/monitor/health`)).ok ? true : undefined));
  return base;
}
