#!/usr/bin/env node
// The bundle benchmark (figure in docs/performance.md).
// 1. Creates (or reuses with --keep) a stopped busybox container holding 1,000,000 log lines: One API `[GIN]`
//    access lines on stdout and one ezlinkai goroutine-monitor line in ten on stderr.
// 2. In the same run, alternating, 3 runs each (median): `docker logs -t c > file` (both streams into one file),
//    `goroscope bundle c --no-redact --format dir`, and `goroscope bundle c --format dir` (redaction on).
//    Reports the ratios (target: --no-redact within 1.2× of docker logs) and checks the bundle's logs are
//    exactly as long as docker's output.
// Usage: node bench/bundle.mjs [--runs 3] [--lines 1000000] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { BIN, docker, ensureLogContainer, flag, median, opt } from './common.mjs';

const RUNS = Number(opt('--runs', '3'));
const LINES = Number(opt('--lines', '1000000'));
const KEEP = flag('--keep');
const NAME = `gs-bench-bundle-${LINES}`;
const TARGET = 1.2;

function timeIt(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}


ensureLogContainer(NAME, LINES);
const work = mkdtempSync(join(tmpdir(), 'gs-bench-bundle-'));
const times = { docker: [], raw: [], redacted: [] };
let dockerBytes = 0;
let bundleBytes = 0;
try {
  for (let r = 0; r < RUNS; r++) {
    const file = join(work, 'docker.log');
    times.docker.push(
      timeIt(() => {
        const fd = openSync(file, 'w');
        const res = spawnSync('docker', ['logs', '-t', NAME], { stdio: ['ignore', fd, fd] });
        closeSync(fd);
        if (res.status !== 0) throw new Error('docker logs failed');
      }),
    );
    dockerBytes = statSync(file).size;
    rmSync(file);
    for (const [key, extra] of [
      ['raw', ['--no-redact']],
      ['redacted', []],
    ]) {
      const out = join(work, key);
      rmSync(out, { recursive: true, force: true });
      execFileSync('mkdir', ['-p', out]);
      times[key].push(
        timeIt(() => {
          const res = spawnSync(process.execPath, [BIN, 'bundle', NAME, '--format', 'dir', '--quiet', '--out', out, ...extra], { encoding: 'utf8' });
          if (res.status !== 0) throw new Error(`goroscope bundle failed: ${res.stderr}`);
        }),
      );
      const dir = join(out, readdirSync(out)[0]);
      const size = statSync(join(dir, 'logs/stdout.log')).size + statSync(join(dir, 'logs/stderr.log')).size;
      if (key === 'raw') bundleBytes = size;
      rmSync(out, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  if (!KEEP) spawnSync('docker', ['rm', '-f', NAME], { stdio: 'ignore' });
}

const d = median(times.docker);
const raw = median(times.raw);
const red = median(times.redacted);
const fmt = (xs) => xs.map((x) => x.toFixed(2)).join(' / ');
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Docker ${docker('version', '--format', '{{.Server.Version}}')}`);
console.log(`container: ${LINES.toLocaleString('en-US')} lines, docker logs -t output ${(dockerBytes / 1e6).toFixed(1)} MB; bundle logs ${(bundleBytes / 1e6).toFixed(1)} MB${bundleBytes === dockerBytes ? ' (same size)' : ' (SIZE DIFFERS)'}`);
console.log(`docker logs -t > file          ${fmt(times.docker)} s   median ${d.toFixed(2)} s`);
console.log(`goroscope bundle --no-redact   ${fmt(times.raw)} s   median ${raw.toFixed(2)} s   ratio ${(raw / d).toFixed(2)}× (target ≤ ${TARGET}×)`);
console.log(`goroscope bundle (redacting)   ${fmt(times.redacted)} s   median ${red.toFixed(2)} s   ratio ${(red / d).toFixed(2)}×`);
// On a shared machine the load drifts between runs: the ratio of each bundle run to the docker run just before it
// is steadier than the ratio of medians.
const paired = (xs) => median(xs.map((x, i) => x / times.docker[i]));
console.log(`paired ratios (each run / the docker run before it), median: --no-redact ${paired(times.raw).toFixed(2)}×, redacting ${paired(times.redacted).toFixed(2)}×`);
process.exitCode = bundleBytes === dockerBytes ? 0 : 1;
