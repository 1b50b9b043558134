// Access to the real Docker engine for the engine suites (*.engine.test.ts). What exists (engine, images) was
// found once by the global setup (engine-setup.ts), which also printed any notice and, under CI=true, failed
// loudly on anything missing; here each suite only reads it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { BUSYBOX_IMAGE, SIMULATOR_IMAGE, type EngineStatus } from './engine-status.js';

const run = promisify(execFile);

const status: EngineStatus = (() => {
  const s = inject('engine');
  if (s === undefined) throw new Error('test/helpers/engine.ts is for *.engine.test.ts files (the engine project, whose setup probes the engine)');
  return s;
})();

/** No Docker engine answers: skip the suite (`describe.skipIf(noEngine)`). */
export const noEngine = !status.engine;
/** No engine or no goroscope-test/busybox image. */
export const noBusybox = !status.busybox;
/** No engine or no goroscope-test/simulator image. */
export const noSimulator = !status.simulator;

export const BUSYBOX = BUSYBOX_IMAGE;
export const SIMULATOR = SIMULATOR_IMAGE;

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
