// Small shared test helpers: a free loopback port, and waiting for a condition by polling (never a fixed sleep).
import { createServer } from 'node:net';

/** A port nobody listens on right now (containers on --network host share the host's ports). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Poll `ok()` (sync or async) every 50 ms until it holds; fails with `what` after `ms`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** stdout of a spawned goroscope as JSON; on failure the error carries what the binary said. */
export function parsedJson(r: { code: number | null; stdout: string; stderr: string }) {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`exit ${r.code}, stdout not JSON: ${r.stdout.slice(0, 300)}\nstderr: ${r.stderr.slice(0, 1000)}`);
  }
}
