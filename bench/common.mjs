// What the container benchmarks share: paths, flags, the docker CLI, the median, and a stopped busybox container
// holding a known number of One API lines (nine `[GIN]` access lines on stdout to one monitor line on stderr).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'goroscope.js');
export const IMAGE = 'goroscope-test/busybox:latest';

export const GIN = '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions';
export const MON = '[SYS] 2026/03/02 - 10:00:00 | ⚠️ Goroutine count elevated: 2345 ';

const args = process.argv.slice(2);
/** `--name value` from the command line, else `dflt`. */
export const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
export const flag = (name) => args.includes(name);

export function docker(...a) {
  return execFileSync('docker', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 }).trim();
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * A stopped container `name` holding `lines` log lines; reused when it already exists and has exited.
 * Returns true when it was (re)created. Up to 100k lines the streams interleave (batches of 9 + 1); beyond, two
 * blocks, since the interleaved form costs ~2 process spawns per 10 lines.
 */
export function ensureLogContainer(name, lines) {
  try {
    if (docker('inspect', '--format', '{{.State.Status}}', name) === 'exited') return false;
  } catch {
    /* not there */
  }
  spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  const tenth = Math.floor(lines / 10);
  const script = `i=0; while [ $i -lt ${tenth} ]; do yes '${GIN}' | head -n 9; echo '${MON}' >&2; i=$((i+1)); done`;
  const fast = `yes '${GIN}' | head -n ${lines - tenth}; yes '${MON}' | head -n ${tenth} >&2`;
  docker('run', '-d', '--name', name, '--network', 'none', IMAGE, 'sh', '-c', lines <= 100_000 ? script : fast);
  while (docker('inspect', '--format', '{{.State.Status}}', name) !== 'exited') spawnSync('sleep', ['0.5']);
  return true;
}
