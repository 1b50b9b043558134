// Helpers for tests that run the One API simulator container (fixtures/simulator): a free host port and polling.
import { SIMULATOR, docker } from '../helpers/engine.js';
import { freePort } from '../helpers/wait.js';

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
