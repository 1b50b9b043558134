#!/usr/bin/env node
// The fleet benchmark (figures in docs/performance.md): N concurrent container streams.
// For N = 1, 10, 50: starts N stopped busybox containers labelled as one compose project, each holding 10,000 log
// lines (One API `[GIN]` access lines, one goroutine-monitor line in ten), then times
// `goroscope scan compose:<project> --json` with the default --max-streams 8 and with --max-streams N
// (median of 3 runs each) and reads goroscope's peak RSS from the summary. Containers are removed at the end.
// Usage: node bench/fleet.mjs [--runs 3] [--lines 10000] [--sizes 1,10,50]
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { BIN, IMAGE, docker, median, opt } from './common.mjs';

const RUNS = Number(opt('--runs', '3'));
const LINES = Number(opt('--lines', '10000'));
const SIZES = opt('--sizes', '1,10,50').split(',').map(Number);

// Nine access lines then one monitor line, LINES / 10 times.
const SCRIPT = `i=0; while [ $i -lt ${LINES / 10} ]; do
printf '%s\\n' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  200 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' '[GIN] 2026/03/02 - 10:00:00 | 20260302100000123456789abcdefgh |  500 |    1.234567ms |      172.18.0.1 |    POST /v1/chat/completions' "[SYS] 2026/03/02 - 10:00:00 | ⚠️ Goroutine count elevated: $((2000 + i)) "
i=$((i+1)); done`;

function scan(project, maxStreams) {
  const a = ['scan', `compose:${project}`, '--json'];
  if (maxStreams !== undefined) a.push('--max-streams', String(maxStreams));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...a], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`scan failed (${r.status}): ${r.stderr}`);
  const s = JSON.parse(r.stdout);
  return { ms, rssMb: s.peakRssMb, lines: s.lines, sources: s.sources.length };
}

const results = [];
const all = [];
try {
  for (const n of SIZES) {
    const project = `gs-bench-fleet-${process.pid}-${n}`;
    const names = Array.from({ length: n }, (_, i) => `${project}-c${i}`);
    all.push(...names);
    for (const name of names) {
      docker('run', '-d', '--network', 'none', '--name', name, '--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.service=api', IMAGE, 'sh', '-c', SCRIPT);
    }
    for (;;) {
      if (docker('ps', '-q', '--filter', `label=com.docker.compose.project=${project}`) === '') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const maxStreams of [undefined, n]) {
      if (maxStreams !== undefined && maxStreams <= 8) continue;
      const runs = Array.from({ length: RUNS }, () => scan(project, maxStreams));
      const row = {
        containers: n,
        maxStreams: maxStreams ?? 8,
        lines: runs[0].lines,
        wallMs: Math.round(median(runs.map((r) => r.ms))),
        peakRssMb: median(runs.map((r) => r.rssMb)),
      };
      if (row.lines !== n * LINES) throw new Error(`expected ${n * LINES} lines, got ${row.lines}`);
      row.linesPerSec = Math.round(row.lines / (row.wallMs / 1000));
      results.push(row);
      console.log(JSON.stringify(row));
    }
  }
} finally {
  for (let i = 0; i < all.length; i += 50) spawnSync('docker', ['rm', '-f', ...all.slice(i, i + 50)], { stdio: 'ignore' });
}
console.log(JSON.stringify({ cpus: cpus().length, load: loadavg().map((x) => Math.round(x * 100) / 100), runs: RUNS, node: process.version }));
