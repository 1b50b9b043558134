#!/usr/bin/env node
// The container-scan benchmark (figures in docs/performance.md).
// 1. Creates (or reuses) a stopped busybox container holding 1,000,000 log lines: One API `[GIN]` access lines
//    on stdout with one ezlinkai goroutine-monitor line in ten on stderr.
// 2. In the same run, times `goroscope scan <c> --json` (the default: the engine's json-file log read directly) and
//    `goroscope scan <c> --json --via api` (through the Docker API) against `docker logs -t <c> > /dev/null`
//    (alternating, 3 runs each, median), checks that both give the same summary, and reports the ratios to docker
//    (targets: from the files ≤ 0.3×, through the API ≤ 1.2×), CPU seconds and goroscope's peak RSS.
// Usage: node bench/scan-container.mjs [--runs 3] [--lines 1000000] [--keep]
//   --keep leaves the container for the next run (it is reused when its line count matches). Run as a user who can
//   read the engine's files (root), or the default scan falls back to the API (the bench says so and fails).
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, docker, ensureLogContainer, flag, median, opt } from './common.mjs';

const RUNS = Number(opt('--runs', '3'));
const LINES = Number(opt('--lines', '1000000'));
const KEEP = flag('--keep');
const NAME = `gs-bench-scan-container-${LINES}`;
/** Wall clock of goroscope over `docker logs -t`: reading the files, and through the API. */
const TARGETS = { file: 0.3, api: 1.2 };

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

  // Check once that goroscope sees every line, both ways, with the same summary.
  const summaryOf = (args) => {
    const r = measure(process.execPath, [BIN, 'scan', NAME, '--json', ...args], false);
    return JSON.parse(r.stdout);
  };
  const viaFile = summaryOf([]);
  const viaApi = summaryOf(['--via', 'api']);
  if (viaFile.lines !== LINES) throw new Error(`goroscope saw ${viaFile.lines} lines, expected ${LINES}`);
  if (viaFile.sources[0].via !== 'file') throw new Error(`the default scan read through the ${viaFile.sources[0].via}, not the files (run as root?)`);
  const strip = (s) => JSON.stringify({ ...s, peakRssMb: 0, sources: s.sources.map(({ via, ...rest }) => rest) });
  if (strip(viaFile) !== strip(viaApi)) throw new Error('the summaries from the files and through the API differ');

  const scan = [];
  const api = [];
  const dockerRuns = [];
  const loads = [];
  for (let i = 0; i < RUNS; i++) {
    loads.push(loadavg()[0]);
    const d = measure('docker', ['logs', '-t', NAME]);
    const s = measure(process.execPath, [BIN, 'scan', NAME, '--json']);
    const a = measure(process.execPath, [BIN, 'scan', NAME, '--json', '--via', 'api']);
    dockerRuns.push(d);
    scan.push(s);
    api.push(a);
    const one = (x) => `${(x.ms / 1000).toFixed(2)} s (${x.cpuS?.toFixed(2) ?? '?'} CPU-s, ${x.rssMb?.toFixed(0) ?? '?'} MB RSS)`;
    process.stdout.write(`run ${i + 1}: docker logs -t ${one(d)}, scan ${one(s)}, scan --via api ${one(a)}, load ${loadavg()[0].toFixed(1)}\n`);
  }
  loads.push(loadavg()[0]);
  const dockerMs = median(dockerRuns.map((x) => x.ms));
  const fig = (runs) => {
    const ms = median(runs.map((x) => x.ms));
    const cpu = cpuMedian(runs);
    return {
      medianS: +(ms / 1000).toFixed(2),
      medianCpuS: cpu,
      peakRssMb: Math.round(Math.max(...runs.map((x) => x.rssMb ?? 0))),
      ratio: +(ms / dockerMs).toFixed(2),
      // paired: each run over the docker run just before it (steadier when the machine's load moves)
      pairedRatio: +median(runs.map((x, i) => x.ms / dockerRuns[i].ms)).toFixed(2),
      cpuRatio: cpu !== null && cpuMedian(dockerRuns) ? +(cpu / cpuMedian(dockerRuns)).toFixed(2) : null,
    };
  };
  const result = {
    lines: LINES,
    events: viaFile.events,
    runs: RUNS,
    dockerLogsT: { medianS: +(dockerMs / 1000).toFixed(2), medianCpuS: cpuMedian(dockerRuns) },
    scan: fig(scan),
    scanViaApi: fig(api),
    loadAverage: { min: +Math.min(...loads).toFixed(1), max: +Math.max(...loads).toFixed(1) },
    targets: TARGETS,
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, docker: docker('version', '--format', '{{.Server.Version}}') },
  };
  result.ok = result.scan.ratio <= TARGETS.file && result.scanViaApi.ratio <= TARGETS.api;
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    `\nscan (files)  ${result.scan.ratio}× docker logs -t (paired ${result.scan.pairedRatio}×)   target ≤ ${TARGETS.file}×  ${result.scan.ratio <= TARGETS.file ? 'ok' : 'MISSED'}\n` +
      `scan --via api ${result.scanViaApi.ratio}× docker logs -t (paired ${result.scanViaApi.pairedRatio}×)   target ≤ ${TARGETS.api}×  ${result.scanViaApi.ratio <= TARGETS.api ? 'ok' : 'MISSED'}\n` +
      `(load average ${result.loadAverage.min}–${result.loadAverage.max}, ${result.machine.nproc} × ${result.machine.cpu})\n`,
  );
  if (!KEEP) docker('rm', '-f', NAME);
  if (!result.ok) process.exitCode = 1;
}

main();
