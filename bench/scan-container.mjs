#!/usr/bin/env node
// The container-scan benchmark (figures in docs/performance.md).
// 1. Creates (or reuses) a stopped busybox container holding 1,000,000 log lines: One API `[GIN]` access lines
//    on stdout with one ezlinkai goroutine-monitor line in ten on stderr.
// 2. In the same run, times `goroscope scan <c> --json` against `docker logs -t <c> > /dev/null`
//    (alternating, 3 runs each, median) and reports the ratio (target: within 1.2×) and goroscope's peak RSS.
// Usage: node bench/scan-container.mjs [--runs 3] [--lines 1000000] [--keep]
//   --keep leaves the container for the next run (it is reused when its line count matches).
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, docker, ensureLogContainer, flag, median, opt } from './common.mjs';

const RUNS = Number(opt('--runs', '3'));
const LINES = Number(opt('--lines', '1000000'));
const KEEP = flag('--keep');
const NAME = `gs-bench-scan-container-${LINES}`;
const TARGET_RATIO = 1.2;

const HAVE_TIME = existsSync('/usr/bin/time');

/** Run a command with stdout to /dev/null; wall time in ms and peak RSS in MB (GNU time -v when present). */
function measure(cmd, cmdArgs, stdoutToNull = true) {
  const full = HAVE_TIME ? ['/usr/bin/time', ['-v', cmd, ...cmdArgs]] : [cmd, cmdArgs];
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const res = spawnSync(full[0], full[1], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', stdoutToNull ? devnull : 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  closeSync(devnull);
  if (res.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${res.status}: ${(res.stderr ?? '').slice(-2000)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(res.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(res.stderr ?? '');
  const cpuS = user && sys ? Number(user[1]) + Number(sys[1]) : null;
  return { ms, rssMb: m ? Number(m[1]) / 1024 : null, cpuS, stdout: res.stdout };
}

const cpuMedian = (runs) => (runs.every((r) => r.cpuS !== null) ? +median(runs.map((r) => r.cpuS)).toFixed(2) : null);

function main() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npx tsc -p tsconfig.build.json first');
  const t0 = Date.now();
  const created = ensureLogContainer(NAME, LINES);
  process.stdout.write(`container ${NAME}: ${created ? `created in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'reused'}\n`);

  // Check once that goroscope sees every line.
  const check = measure(process.execPath, [BIN, 'scan', NAME, '--json'], false);
  const summary = JSON.parse(check.stdout);
  if (summary.lines !== LINES) throw new Error(`goroscope saw ${summary.lines} lines, expected ${LINES}`);

  const scan = [];
  const dockerRuns = [];
  for (let i = 0; i < RUNS; i++) {
    const d = measure('docker', ['logs', '-t', NAME]);
    const s = measure(process.execPath, [BIN, 'scan', NAME, '--json']);
    dockerRuns.push(d);
    scan.push(s);
    process.stdout.write(
      `run ${i + 1}: docker logs -t ${(d.ms / 1000).toFixed(2)} s (${d.cpuS?.toFixed(2) ?? '?'} CPU-s), ` +
        `goroscope scan --json ${(s.ms / 1000).toFixed(2)} s (${s.cpuS?.toFixed(2) ?? '?'} CPU-s, ${s.rssMb?.toFixed(0) ?? '?'} MB RSS)\n`,
    );
  }
  const scanMs = median(scan.map((x) => x.ms));
  const dockerMs = median(dockerRuns.map((x) => x.ms));
  const ratio = scanMs / dockerMs;
  const result = {
    lines: LINES,
    events: summary.events,
    runs: RUNS,
    dockerLogsT: { medianS: +(dockerMs / 1000).toFixed(2), medianCpuS: cpuMedian(dockerRuns) },
    scan: { medianS: +(scanMs / 1000).toFixed(2), medianCpuS: cpuMedian(scan), peakRssMb: Math.round(Math.max(...scan.map((x) => x.rssMb ?? 0))) },
    ratio: +ratio.toFixed(2),
    // The daemon does most of the work for both; on a shared machine the CPU ratio is the steadier figure.
    cpuRatio: cpuMedian(scan) !== null && cpuMedian(dockerRuns) ? +(cpuMedian(scan) / cpuMedian(dockerRuns)).toFixed(2) : null,
    loadAverage: loadavg().map((x) => +x.toFixed(1)),
    target: TARGET_RATIO,
    ok: ratio <= TARGET_RATIO,
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, docker: docker('version', '--format', '{{.Server.Version}}') },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (!KEEP) docker('rm', '-f', NAME);
  if (!result.ok) process.exitCode = 1;
}

main();
