// Access to the real Docker engine for integration tests.
// Under CI=true a missing engine fails the suite loudly; elsewhere the tests skip with a visible notice.
import { execFileSync, execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

let cached: boolean | undefined;

/** True when `docker version` reaches a daemon. */
export function engineAvailable(): boolean {
  if (cached !== undefined) return cached;
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe', timeout: 10_000 });
    cached = true;
  } catch {
    cached = false;
  }
  if (!cached) {
    if (process.env.CI === 'true') {
      throw new Error('CI=true but no Docker engine answers: .ci/run must start it (scripts/engine.sh)');
    }
    process.stderr.write('\n[goroscope tests] NOTICE: no Docker engine answers; integration tests are SKIPPED. Run scripts/engine.sh (as root) to start one.\n\n');
  }
  return cached;
}

/** `describe.skipIf(!engine)`-style flag, evaluated once per file. */
export const noEngine = !engineAvailable();

/** Run the docker CLI; resolves stdout. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  return stdout;
}

/** Run the docker CLI and keep the raw bytes of stdout and stderr. */
export async function dockerRaw(...args: string[]): Promise<{ stdout: Buffer; stderr: Buffer }> {
  const { stdout, stderr } = await run('docker', args, { maxBuffer: 1 << 30, encoding: 'buffer' });
  return { stdout, stderr };
}

/** A unique container name for this test run: `gs-<tag>-<random>`. Use with removeContainers() in afterAll. */
export function uniqueName(tag: string): string {
  return `gs-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Force-remove containers, ignoring ones that are already gone. */
export async function removeContainers(...names: string[]): Promise<void> {
  await Promise.all(names.map((n) => run('docker', ['rm', '-f', n]).catch(() => undefined)));
}

/** Wait until `docker inspect` says the container has exited (or until timeoutMs). */
export async function waitExited(name: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const status = (await docker('inspect', '--format', '{{.State.Status}}', name)).trim();
    if (status === 'exited' || status === 'dead') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`container ${name} did not exit within ${timeoutMs} ms`);
}

export const BUSYBOX = 'goroscope-test/busybox:latest';
export const SIMULATOR = 'goroscope-test/simulator:latest';

function imageExists(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when the simulator tests cannot run. With an engine but no simulator image: under CI=true a loud failure
 * (scripts/engine.sh builds it), elsewhere a visible notice and a skip.
 */
export const noSimulator: boolean = (() => {
  if (noEngine) return true;
  if (imageExists(SIMULATOR)) return false;
  if (process.env.CI === 'true') throw new Error(`CI=true but the image ${SIMULATOR} is missing: scripts/engine.sh builds it (scripts/simulator-image.sh)`);
  process.stderr.write(`\n[goroscope tests] NOTICE: no ${SIMULATOR} image; simulator tests are SKIPPED. Run scripts/simulator-image.sh.\n\n`);
  return true;
})();
