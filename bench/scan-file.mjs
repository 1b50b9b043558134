#!/usr/bin/env node
// The file-scan benchmark (`npm run bench`, figures in docs/performance.md).
// 1. Generates (seeded, streamed, never held in memory) two One API logs of ~700 MB each in bench/out/, ezlinkai
//    gateways in `docker logs -t` form with the line shapes of fixtures/sample:
//    - `bench`: a normal week (access lines, consume logs, goroutine monitor, relay errors with retries, recovered
//      panics with stacks, crash dumps, GORM noise); about one line in 250 makes an event;
//    - `heavy`: a gateway in trouble, one line in five an event (relay errors, retries, 5xx access lines, timeouts).
// 2. In the same run, for each file, times `goroscope scan FILE --json` (parallel: the default, both cores) and
//    `goroscope scan FILE --json --workers 1` (sequential) against `grep -cE 'goroutine|relay error|panic|timeout' FILE`
//    (alternating, median of --runs), and `goroscope --help`; reports MB/s, the ratios to grep computed in this run,
//    CPU seconds and peak RSS, and checks that both scans give the same summary.
// Usage: node bench/scan-file.mjs [--mb 700] [--runs 3] [--reuse] [--seed N] [--only bench|heavy]
//   --reuse keeps existing bench/out files of the same size and seed (saves the generation, ~1 min per file);
//   --only measures one of the two files.
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
const ONLY = opt('--only', null);
const GREP_PATTERN = 'goroutine|relay error|panic|timeout';

/** Per file: MB/s of the default scan (wall clock) and its ratio to grep; peak RSS and --help for both. */
const TARGETS = {
  bench: { mbPerSec: 500, grepRatio: 5 },
  heavy: { mbPerSec: 300, grepRatio: 4 },
  rssMb: 200,
  helpMs: 300,
};

// ---- 1. generate -----------------------------------------------------------------------------------------
/** Writes lines to `file` in 1 MB batches, each with a `docker logs -t` prefix; `ms` is the clock the caller moves. */
function writer(file, r) {
  const out = createWriteStream(file);
  const w = { ms: Date.UTC(2026, 2, 2, 0, 0, 0), written: 0, lines: 0, pending: 0 };
  let buf = [];
  w.emit = (texts) => {
    const ns = r.int(0, 899) * 1000;
    for (let i = 0; i < texts.length; i++) {
      const line = `${L.dockerTime(w.ms, ns + i)} ${texts[i]}\n`;
      buf.push(line);
      w.pending += line.length;
      w.lines += 1;
    }
  };
  w.flush = async () => {
    const chunk = buf.join('');
    buf = [];
    w.pending = 0;
    w.written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  };
  w.close = () => new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  return w;
}

/**
 * A gateway in trouble: a fifth of the requests fail (relay error; then either a retry on another channel that
 * succeeds, or the failure's own status, 5xx most often), the goroutine monitor reports an elevated count, upstream
 * streams time out now and then. One line in five is an event.
 */
async function generateHeavy(file) {
  mkdirSync(OUT_DIR, { recursive: true });
  const r = L.rng(SEED + 1);
  const target = MB * 1024 * 1024;
  const w = writer(file, r);
  let nextTick = w.ms + 30_000;
  const channels = [3, 7, 9, 12, 15, 21];
  const failures = Object.keys(L.FAILURES).map((k) => [k, L.FAILURES[k]]);
  w.emit(L.startupLines(w.ms, 'v1.9.2', false));
  while (w.written + w.pending < target) {
    w.ms += r.int(2, 40);
    if (w.ms >= nextTick) {
      nextTick += 30_000;
      w.emit([L.goroutineLine(w.ms, 2100 + r.int(0, 2500), false)]);
    }
    const rid = L.requestId(w.ms, r);
    const ch = r.pick(channels);
    const model = r.pick(L.MODELS);
    const user = r.int(2, 500);
    const x = r.next();
    if (x < 0.21) {
      const [, f] = r.pick(failures);
      const texts = [L.err(w.ms, rid, `relay error (userId #${user},channel #${ch}): ${f.msg(ch)}`)];
      if (r.chance(0.5)) {
        const to = r.pick(channels.filter((c) => c !== ch));
        texts.push(L.retryLine(w.ms, rid, model, f.reason, 1, user, ch, to), L.consumeLine(w.ms, rid, r, user, to, model));
        texts.push(L.gin(w.ms, rid, 200, r.int(800, 30_000) + r.next(), r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'));
      } else {
        texts.push(L.gin(w.ms, rid, f.status, r.int(50, 60_000) + r.next(), r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'));
      }
      w.emit(texts);
    } else if (x < 0.215) {
      w.emit([L.streamTimeoutLine(w.ms)]);
    } else {
      const texts = [];
      if (r.chance(0.6)) texts.push(L.consumeLine(w.ms, rid, r, user, ch, model));
      texts.push(L.gin(w.ms, rid, 200, r.int(300, 12_000) + r.next(), r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'));
      w.emit(texts);
    }
    if (w.pending >= 1 << 20) await w.flush();
  }
  await w.flush();
  await w.close();
  return { bytes: w.written, lines: w.lines };
}

async function generateBench(FILE) {
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

const FILES = {
  bench: { path: join(OUT_DIR, `one-api-${MB}mb.log`), generate: generateBench },
  heavy: { path: join(OUT_DIR, `one-api-heavy-${MB}mb.log`), generate: generateHeavy },
};

/** The file of `kind`, generated unless --reuse finds it with the same seed and size. */
async function ensureFile(kind) {
  const { path, generate } = FILES[kind];
  const metaPath = `${path}.meta.json`;
  if (REUSE && existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    if (meta.seed === SEED && meta.bytes === statSync(path).size) return meta;
  }
  const t0 = Date.now();
  process.stdout.write(`generating ${path} (${MB} MB, seed ${SEED}) … `);
  const meta = { seed: SEED, mb: MB, ...(await generate(path)) };
  writeFileSync(metaPath, JSON.stringify(meta));
  process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return meta;
}

const cpuOf = (xs) => (xs.every((x) => x.cpuMs !== null) ? median(xs.map((x) => x.cpuMs)) : null);
const same = (a, b) => JSON.stringify({ ...a, peakRssMb: 0 }) === JSON.stringify({ ...b, peakRssMb: 0 });

/** grep, the default scan and the sequential scan of one file, alternating; medians and ratios of this run. */
function measureFile(kind, meta) {
  const file = FILES[kind].path;
  const mb = meta.bytes / 1e6;
  const grep = [];
  const scan = [];
  const seq = [];
  const loads = [];
  let summary = null;
  let grepCount = null;
  for (let i = 0; i < RUNS; i++) {
    loads.push(loadavg()[0]);
    const g = measure('grep', ['-cE', GREP_PATTERN, file]);
    grepCount = Number(g.stdout.trim());
    grep.push(g);
    const s = measure(process.execPath, [BIN, 'scan', file, '--json']);
    summary = JSON.parse(s.stdout);
    scan.push(s);
    const q = measure(process.execPath, [BIN, 'scan', file, '--json', '--workers', '1']);
    if (!same(summary, JSON.parse(q.stdout))) throw new Error(`${kind}: the parallel summary differs from --workers 1`);
    seq.push(q);
    const one = (x) => `${(x.ms / 1000).toFixed(2)} s (cpu ${fmtS(x.cpuMs)}, ${x.rssMb?.toFixed(0) ?? '?'} MB RSS)`;
    process.stdout.write(`${kind} run ${i + 1}: scan ${one(s)}, --workers 1 ${one(q)}, grep ${(g.ms / 1000).toFixed(2)} s (cpu ${fmtS(g.cpuMs)}), load ${loadavg()[0].toFixed(1)}\n`);
  }
  loads.push(loadavg()[0]);
  const scanMs = median(scan.map((x) => x.ms));
  const grepMs = median(grep.map((x) => x.ms));
  const seqMs = median(seq.map((x) => x.ms));
  const scanCpu = cpuOf(scan);
  const grepCpu = cpuOf(grep);
  const seqCpu = cpuOf(seq);
  const events = Object.values(summary.events).reduce((a, b) => a + b, 0);
  return {
    file: { path: file, mb: Number(mb.toFixed(1)), lines: meta.lines, events, eventShare: +(events / meta.lines).toFixed(3) },
    loadAvg1m: { min: +Math.min(...loads).toFixed(1), max: +Math.max(...loads).toFixed(1) },
    scan: {
      medianS: +(scanMs / 1000).toFixed(2),
      mbPerSec: Math.round(mb / (scanMs / 1000)),
      cpuS: scanCpu === null ? null : +(scanCpu / 1000).toFixed(2),
      peakRssMb: Math.round(Math.max(...scan.map((x) => x.rssMb ?? summary.peakRssMb ?? 0))),
      events: summary.events,
    },
    sequential: {
      medianS: +(seqMs / 1000).toFixed(2),
      mbPerSec: Math.round(mb / (seqMs / 1000)),
      cpuS: seqCpu === null ? null : +(seqCpu / 1000).toFixed(2),
      peakRssMb: Math.round(Math.max(...seq.map((x) => x.rssMb ?? 0))),
      ratio: +(seqMs / grepMs).toFixed(2),
      speedup: +(seqMs / scanMs).toFixed(2),
    },
    grep: { medianS: +(grepMs / 1000).toFixed(2), mbPerSec: Math.round(mb / (grepMs / 1000)), cpuS: grepCpu === null ? null : +(grepCpu / 1000).toFixed(2), matchingLines: grepCount },
    // the figure the targets are about: wall clock of the default scan over grep's, medians of this run
    ratio: +(scanMs / grepMs).toFixed(2),
    // CPU seconds (user + sys) tell what the wall clock hides on a busy machine
    cpuRatio: scanCpu === null || !grepCpu ? null : +(scanCpu / grepCpu).toFixed(2),
  };
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    console.error('dist/ is missing: run `npm run build` first');
    process.exit(1);
  }
  const kinds = ONLY ? [ONLY] : ['bench', 'heavy'];
  if (!kinds.every((k) => k in FILES)) throw new Error(`--only takes bench or heavy (${ONLY})`);
  const metas = {};
  for (const k of kinds) metas[k] = await ensureFile(k);
  const files = {};
  for (const k of kinds) files[k] = measureFile(k, metas[k]);
  const help = [];
  for (let i = 0; i < 5; i++) help.push(measure(process.execPath, [BIN, '--help']).ms);
  const result = {
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAvg1m: +loadavg()[0].toFixed(1) },
    runs: RUNS,
    ...files,
    helpMs: Math.round(median(help)),
  };
  const verdict = { helpMs: result.helpMs < TARGETS.helpMs };
  for (const k of kinds) {
    verdict[`${k}.mbPerSec`] = files[k].scan.mbPerSec >= TARGETS[k].mbPerSec;
    verdict[`${k}.grepRatio`] = files[k].ratio <= TARGETS[k].grepRatio;
    verdict[`${k}.rssMb`] = files[k].scan.peakRssMb < TARGETS.rssMb;
  }
  writeFileSync(join(OUT_DIR, 'results.json'), `${JSON.stringify({ ...result, targets: TARGETS, verdict }, null, 2)}\n`);
  const ok = (b) => (b ? 'ok' : 'MISSED');
  console.log(`\n${result.machine.nproc} × ${result.machine.cpu}, node ${result.machine.node}, ${RUNS} runs per command, medians`);
  for (const k of kinds) {
    const f = files[k];
    const t = TARGETS[k];
    console.log(`
${k}: ${f.file.mb} MB, ${f.file.lines} lines, ${f.file.events} events (one line in ${Math.round(1 / f.file.eventShare)}), load average ${f.loadAvg1m.min}–${f.loadAvg1m.max}
  scan --json    ${f.scan.medianS} s = ${f.scan.mbPerSec} MB/s, cpu ${f.scan.cpuS ?? '?'} s, ${f.scan.peakRssMb} MB RSS   target ≥ ${t.mbPerSec} MB/s  ${ok(verdict[`${k}.mbPerSec`])}
  --workers 1    ${f.sequential.medianS} s = ${f.sequential.mbPerSec} MB/s, cpu ${f.sequential.cpuS ?? '?'} s, ${f.sequential.peakRssMb} MB RSS, ${f.sequential.ratio}× grep (parallel ${f.sequential.speedup}× faster)
  grep -cE       ${f.grep.medianS} s = ${f.grep.mbPerSec} MB/s, cpu ${f.grep.cpuS ?? '?'} s (${f.grep.matchingLines} matching lines)
  ratio to grep  ${f.ratio}× wall clock, ${f.cpuRatio ?? '?'}× cpu   target ≤ ${t.grepRatio}×  ${ok(verdict[`${k}.grepRatio`])}`);
  }
  console.log(`
--help           ${result.helpMs} ms median of 5   target < ${TARGETS.helpMs} ms  ${ok(verdict.helpMs)}
(written to bench/out/results.json)`);
  process.exitCode = Object.values(verdict).every(Boolean) ? 0 : 1;
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
