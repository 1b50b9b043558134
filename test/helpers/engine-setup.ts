// Global setup of the engine project (*.engine.test.ts): runs once before any engine suite.
// When a Docker engine answers, it makes the test images the suites need (scripts/test-images.sh); it then tells
// every suite what it has through `inject('engine')`. Without an engine or an image the suites that need it are
// skipped, with one notice here; under CI=true anything missing is a loud failure instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { BUSYBOX_IMAGE, SIMULATOR_IMAGE, type EngineStatus } from './engine-status.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function answers(): string | undefined {
  try {
    return execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe', timeout: 15_000, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function imageExists(image: string): boolean {
  return spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

function notice(text: string): void {
  process.stderr.write(`\n[goroscope tests] NOTICE: ${text}\n`);
}

export default function setup(project: TestProject): void {
  const ci = process.env.CI === 'true';
  const version = answers();
  let status: EngineStatus;
  if (version === undefined) {
    if (ci) throw new Error('CI=true but no Docker engine answers: .ci/run starts it with scripts/engine.sh');
    notice('no Docker engine answers (docker version); the engine suites (*.engine.test.ts) are SKIPPED. scripts/engine.sh installs and starts one.');
    status = { engine: false, busybox: false, simulator: false };
  } else {
    const made = spawnSync('bash', [`${ROOT}scripts/test-images.sh`, ...(ci ? ['--strict'] : [])], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 600_000 });
    if (made.status !== 0) {
      const why = `${made.stderr}${made.stdout}`.trim().split('\n').slice(-3).join(' / ');
      if (ci) throw new Error(`CI=true but the test images could not be made: ${why}`);
      notice(`making the test images failed: ${why}`);
    } else if (made.stderr.trim()) {
      for (const line of made.stderr.trim().split('\n')) notice(line);
    }
    status = { engine: true, busybox: imageExists(BUSYBOX_IMAGE), simulator: imageExists(SIMULATOR_IMAGE) };
    if (!status.busybox) notice(`no ${BUSYBOX_IMAGE} image: the suites that run it are SKIPPED.`);
    if (!status.simulator) notice(`no ${SIMULATOR_IMAGE} image: the simulator suites are SKIPPED.`);
  }
  project.provide('engine', status);
}
