#!/usr/bin/env node
// The file-scan benchmark (`npm run bench`, figures in docs/performance.md).
// 1. Generates (seeded, streamed, never held in memory) a ~700 MB One API log in bench/out/: an ezlinkai
//    gateway in `docker logs -t` form, the same line shapes as fixtures/sample (access lines, consume logs,
//    goroutine monitor, relay errors with retries, recovered panics with stacks, crash dumps, GORM noise).
// 2. In the same run, times `goroscope scan FILE --json` (parallel: the default, both cores) and
//    `goroscope scan FILE --json --workers 1` (sequential) against `grep -cE 'goroutine|relay error|panic|timeout' FILE`
//    (3 runs each, alternating, median), and `goroscope --help`; reports MB/s, the ratios and the peak RSS, and checks
//    that both scans give the same summary.
// Usage: node bench/scan-file.mjs [--mb 700] [--runs 3] [--reuse] [--seed N]
//   --reuse keeps an existing bench/out file of the same size and seed (saves the ~10 s of generation).
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as L from '../fixtures/sample/oneapi-lines.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'bench', 'out');
const BIN = join(ROOT, 'bin', 'goroscope.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const MB = Number(opt('--mb', '700'));
const RUNS = Number(opt('--runs', '3'));
const SEED = Number(opt('--seed', '42'));
const REUSE = args.includes('--reuse');
const FILE = join(OUT_DIR, `one-api-${MB}mb.log`);
const META = `${FILE}.meta.json`;
const GREP_PATTERN = 'goroutine|relay error|panic|timeout';

const TARGETS = { mbPerSec: 300, grepRatio: 5, rssMb: 200, helpMs: 300 };

// ---- 1. generate -----------------------------------------------------------------------------------------
async function generate() {
  mkdirSync(OUT_DIR, { recursive: true });
  const r = L.rng(SEED);
  const target = MB * 1024 * 1024;
  const out = createWriteStream(FILE);
  let written = 0;
  let lines = 0;
  let ms = Date.UTC(2026, 2, 2, 0, 0, 0);
  let nextTick = ms + 30_000;
  let goroutines = 900;
  let leaking = false;
  let buf = [];
  let bufLen = 0;
  const emit = (texts) => {
    const ns = r.int(0, 899) * 1000;
    for (let i = 0; i < texts.length; i++) {
      const line = `${L.dockerTime(ms, ns + i)} ${texts[i]}\n`;
      buf.push(line);
      bufLen += line.length;
      lines += 1;
    }
  };
  const flush = async () => {
    const chunk = buf.join('');
    buf = [];
    bufLen = 0;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  };
  emit(L.startupLines(ms, 'v1.9.2', false));
  const channels = [3, 7, 9, 12, 15, 21];
  const failures = [
    [12, 'rate_limit'],
    [7, 'timeout_headers'],
    [3, 'upstream_5xx'],
    [21, 'timeout_dial'],
    [9, 'auth'],
  ];
  while (written + bufLen < target) {
    ms += r.int(5, 120); // a busy gateway: ~20 requests/s
    if (ms >= nextTick) {
      nextTick += 30_000;
      // a leak now and then: climbs for hours, then a crash and a restart
      if (!leaking && r.chance(0.0008)) leaking = true;
      goroutines = leaking ? goroutines + r.int(0, 12) : 800 + r.int(0, 400);
      const g = L.goroutineLine(ms, goroutines, false);
      if (g) emit([g]);
      if (goroutines > 10_000) {
        emit(r.chance(0.5) ? L.crashNilPointerLines(r) : L.crashConcurrentMapLines(r));
        ms += 2500;
        emit(L.startupLines(ms, 'v1.9.2', false));
        leaking = false;
        goroutines = 900;
      }
    }
    const rid = L.requestId(ms, r);
    const x = r.next();
    if (x < 0.006) {
      const [ch, type] = r.pick(failures);
      const f = L.FAILURES[type];
      const user = r.int(2, 500);
      const to = r.pick(channels.filter((c) => c !== ch));
      emit([
        L.err(ms, rid, `relay error (userId #${user},channel #${ch}): ${f.msg(ch)}`),
        L.retryLine(ms, rid, 'gpt-4o', f.reason, 1, user, ch, to),
        L.gin(ms, rid, 200, r.int(800, 90_000) + r.next(), r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'),
      ]);
    } else if (x < 0.0062) {
      emit([...L.relayPanicLines(ms, rid, r.chance(0.7) ? 'gemini' : 'claude', r), L.gin(ms, rid, 500, r.int(5, 40) + r.next(), '172.18.0.1', 'POST', '/v1/chat/completions')]);
    } else if (x < 0.0063) {
      emit(L.ginRecoveryLines(ms));
    } else if (x < 0.0068) {
      emit([L.streamTimeoutLine(ms)]);
    } else if (x < 0.0078) {
      emit(L.gormNotFoundLines(ms));
    } else if (x < 0.0079) {
      emit([L.mysqlLine(ms)]);
    } else if (x < 0.012) {
      emit([L.gin(ms, rid, 200, 0.18 + r.next() / 10, '10.0.0.5', 'GET', '/api/monitor/health')]);
    } else {
      const ch = r.pick(channels);
      const model = r.pick(L.MODELS);
      const lat = r.int(300, 12_000) + r.next();
      const texts = [];
      if (r.chance(0.6)) texts.push(L.consumeLine(ms, rid, r, r.int(2, 500), ch, model));
      texts.push(L.gin(ms, rid, 200, lat, r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'));
      emit(texts);
    }
    if (bufLen >= 1 << 20) await flush();
  }
  await flush();
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  writeFileSync(META, JSON.stringify({ seed: SEED, mb: MB, bytes: written, lines }));
  return { bytes: written, lines };
}

// ---- 2. measure ------------------------------------------------------------------------------------------
const HAVE_TIME = existsSync('/usr/bin/time');

/** Run a command; wall time in ms and peak RSS in MB (GNU time -v when present, else this child's maxRSS). */
function measure(cmd, cmdArgs) {
  const full = HAVE_TIME ? ['/usr/bin/time', ['-v', cmd, ...cmdArgs]] : [cmd, cmdArgs];
  const t0 = process.hrtime.bigint();
  const res = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} exited ${res.status}: ${res.stderr.slice(-2000)}`);
  let rssMb = null;
  let cpuMs = null;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(res.stderr ?? '');
  if (m) rssMb = Number(m[1]) / 1024;
  const u = /User time \(seconds\): ([\d.]+)/.exec(res.stderr ?? '');
  const s = /System time \(seconds\): ([\d.]+)/.exec(res.stderr ?? '');
  if (u && s) cpuMs = (Number(u[1]) + Number(s[1])) * 1000;
  return { ms, cpuMs, rssMb, stdout: res.stdout };
}

const fmtS = (ms) => (ms === null ? '?' : `${(ms / 1000).toFixed(2)} s`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.error('dist/ is missing: run `npm run build` first');
    process.exit(1);
  }
  let meta = null;
  if (REUSE && existsSync(FILE) && existsSync(META)) {
    meta = JSON.parse(readFileSync(META, 'utf8'));
    if (meta.seed !== SEED || meta.bytes !== statSync(FILE).size) meta = null;
  }
  if (!meta) {
    const t0 = Date.now();
    process.stdout.write(`generating ${FILE} (${MB} MB, seed ${SEED}) … `);
    meta = await generate();
    process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const mb = meta.bytes / 1e6;

  const grep = [];
  const scan = [];
  const seq = [];
  let summary = null;
  let grepCount = null;
  const same = (a, b) => JSON.stringify({ ...a, peakRssMb: 0 }) === JSON.stringify({ ...b, peakRssMb: 0 });
  for (let i = 0; i < RUNS; i++) {
    const g = measure('grep', ['-cE', GREP_PATTERN, FILE]);
    grepCount = Number(g.stdout.trim());
    grep.push(g);
    const s = measure(process.execPath, [BIN, 'scan', FILE, '--json']);
    summary = JSON.parse(s.stdout);
    scan.push(s);
    const q = measure(process.execPath, [BIN, 'scan', FILE, '--json', '--workers', '1']);
    if (!same(summary, JSON.parse(q.stdout))) throw new Error('the parallel summary differs from --workers 1');
    seq.push(q);
    const one = (x) => `${(x.ms / 1000).toFixed(2)} s (cpu ${fmtS(x.cpuMs)}, ${x.rssMb?.toFixed(0) ?? '?'} MB RSS)`;
    process.stdout.write(`run ${i + 1}: scan ${one(s)}, --workers 1 ${one(q)}, grep ${(g.ms / 1000).toFixed(2)} s (cpu ${fmtS(g.cpuMs)}), load ${loadavg()[0].toFixed(1)}\n`);
  }
  const help = [];
  for (let i = 0; i < 5; i++) help.push(measure(process.execPath, [BIN, '--help']).ms);

  const scanMs = median(scan.map((x) => x.ms));
  const grepMs = median(grep.map((x) => x.ms));
  const cpuOf = (xs) => (xs.every((x) => x.cpuMs !== null) ? median(xs.map((x) => x.cpuMs)) : null);
  const scanCpu = cpuOf(scan);
  const grepCpu = cpuOf(grep);
  const rss = Math.max(...scan.map((x) => x.rssMb ?? summary.peakRssMb ?? 0));
  const seqMs = median(seq.map((x) => x.ms));
  const seqCpu = cpuOf(seq);
  const seqRss = Math.max(...seq.map((x) => x.rssMb ?? 0));
  const result = {
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAvg1m: +loadavg()[0].toFixed(1) },
    file: { path: FILE, mb: Number(mb.toFixed(1)), lines: meta.lines },
    scan: { medianS: +(scanMs / 1000).toFixed(2), mbPerSec: Math.round(mb / (scanMs / 1000)), peakRssMb: Math.round(rss), events: summary.events, lines: summary.lines },
    grep: { medianS: +(grepMs / 1000).toFixed(2), mbPerSec: Math.round(mb / (grepMs / 1000)), matchingLines: grepCount },
    ratio: +(scanMs / grepMs).toFixed(2),
    sequential: {
      medianS: +(seqMs / 1000).toFixed(2),
      mbPerSec: Math.round(mb / (seqMs / 1000)),
      ratio: +(seqMs / grepMs).toFixed(2),
      peakRssMb: Math.round(seqRss),
      cpuS: seqCpu === null ? null : +(seqCpu / 1000).toFixed(2),
      speedup: +(seqMs / scanMs).toFixed(2),
    },
    // CPU seconds (user + sys) tell what the wall clock hides on a busy machine.
    cpu: scanCpu === null ? null : { scanS: +(scanCpu / 1000).toFixed(2), grepS: +(grepCpu / 1000).toFixed(2), scanMbPerCpuSec: Math.round(mb / (scanCpu / 1000)), ratio: +(scanCpu / grepCpu).toFixed(2) },
    helpMs: Math.round(median(help)),
  };
  const verdict = {
    mbPerSec: result.scan.mbPerSec >= TARGETS.mbPerSec,
    grepRatio: result.ratio <= TARGETS.grepRatio,
    rssMb: result.scan.peakRssMb < TARGETS.rssMb,
    helpMs: result.helpMs < TARGETS.helpMs,
  };
  writeFileSync(join(OUT_DIR, 'results.json'), `${JSON.stringify({ ...result, targets: TARGETS, verdict }, null, 2)}\n`);
  const ok = (b) => (b ? 'ok' : 'MISSED');
  console.log(`
file           ${result.file.mb} MB, ${result.file.lines} lines (${result.machine.nproc} × ${result.machine.cpu}, node ${result.machine.node})
scan --json    ${result.scan.medianS} s median of ${RUNS} = ${result.scan.mbPerSec} MB/s   target ≥ ${TARGETS.mbPerSec} MB/s  ${ok(verdict.mbPerSec)}
--workers 1    ${result.sequential.medianS} s = ${result.sequential.mbPerSec} MB/s, ${result.sequential.ratio}× grep, cpu ${result.sequential.cpuS ?? '?'} s, ${result.sequential.peakRssMb} MB RSS (parallel is ${result.sequential.speedup}× faster)
grep -cE       ${result.grep.medianS} s median of ${RUNS} = ${result.grep.mbPerSec} MB/s   (${grepCount} matching lines)
ratio          ${result.ratio}× grep                       target ≤ ${TARGETS.grepRatio}×      ${ok(verdict.grepRatio)}
peak RSS       ${result.scan.peakRssMb} MB                         target < ${TARGETS.rssMb} MB    ${ok(verdict.rssMb)}
cpu time       scan ${result.cpu ? `${result.cpu.scanS} s = ${result.cpu.scanMbPerCpuSec} MB/cpu-s, ${result.cpu.ratio}× grep's ${result.cpu.grepS} s` : 'n/a'} (load average ${result.machine.loadAvg1m})
--help         ${result.helpMs} ms median of 5                 target < ${TARGETS.helpMs} ms    ${ok(verdict.helpMs)}
events         ${Object.entries(result.scan.events).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ')}
(written to bench/out/results.json)`);
  process.exitCode = Object.values(verdict).every(Boolean) ? 0 : 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
