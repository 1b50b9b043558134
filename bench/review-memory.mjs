#!/usr/bin/env node
// The flat-memory benchmark of `review` and `trend` (figures in docs/performance.md).
// 1. Generates (seeded, streamed, never held in memory) One API logs of the given sizes in bench/out/: one week of a
//    busy ezlinkai gateway in trouble in `docker logs -t` form (the line shapes of fixtures/sample): a DEBUG goroutine
//    monitor every 30 s (count and memory), a leak that climbs for a day, crashes and restarts, one request line in
//    five a relay error (half of them retried), 5xx access lines, stream timeouts, recovered panics, a channel
//    disabled. However big the file, it spans the same week: a bigger file is a busier gateway, so the review of
//    3 GB has the same days, channels and signatures as the review of 300 MB, only more events in them.
// 2. Runs `goroscope review FILE --format json` and `goroscope trend FILE --json` --runs times each under
//    /usr/bin/time and reports the median wall time and peak RSS per file, against the target: peak RSS under 400 MB,
//    and the same memory for every size (the analyses keep tables, not events).
// 3. The same two commands over a monitor-heavy log of --samples goroutine samples (default 200,000 in one week),
//    against the long-series target: peak RSS under 300 MB, every sample counted (--samples 0 skips it).
// Usage: node bench/review-memory.mjs [--mb 300,3000] [--samples 200000] [--runs 3] [--reuse] [--seed N]
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import * as L from '../fixtures/sample/oneapi-lines.mjs';
import { BIN, ROOT, flag, median, opt } from './common.mjs';

const OUT_DIR = join(ROOT, 'bench', 'out');
const SIZES = opt('--mb', '300,3000').split(',').map(Number);
const RUNS = Number(opt('--runs', '3'));
const SEED = Number(opt('--seed', '7'));
const REUSE = flag('--reuse');
const TARGET_RSS_MB = 400;
const SAMPLES = Number(opt('--samples', '200000'));
const SAMPLES_TARGET_RSS_MB = 300;
const WEEK = 7 * 24 * 3_600_000;
/** Average bytes of one request's lines (measured on the generator): sets the request rate that fills the week. */
const BYTES_PER_REQUEST = 330;

async function generate(file, mb) {
  mkdirSync(OUT_DIR, { recursive: true });
  const r = L.rng(SEED);
  const target = mb * 1024 * 1024;
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 2, 2, 0, 0, 0);
  const stepMs = WEEK / (target / BYTES_PER_REQUEST);
  let ms = start;
  let written = 0;
  let buf = [];
  let pending = 0;
  const emit = (texts) => {
    const ns = r.int(0, 899) * 1000;
    for (let i = 0; i < texts.length; i++) {
      const line = `${L.dockerTime(Math.floor(ms), ns + i)} ${texts[i]}\n`;
      buf.push(line);
      pending += line.length;
    }
  };
  const flush = async () => {
    const chunk = buf.join('');
    buf = [];
    pending = 0;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  };
  const channels = [3, 7, 9, 12, 15, 21];
  const failures = Object.values(L.FAILURES);
  let nextTick = start + 30_000;
  let goroutines = 900;
  let disabled = false;
  let crashed = false;
  emit(L.startupLines(ms, 'v1.9.2', true));
  while (written + pending < target) {
    ms += stepMs * (0.5 + r.next());
    const t = Math.floor(ms);
    if (t >= nextTick) {
      nextTick += 30_000;
      // days 3–4: a leak climbing for a day, then a crash and a restart
      const day = (t - start) / 86_400_000;
      goroutines = day >= 3 && day < 4 ? goroutines + r.int(0, 10) : 800 + r.int(0, 400);
      emit([L.goroutineLine(t, goroutines, true), L.memoryLine(t, 200 + Math.round(goroutines / 20), 9000, 400, 120)]);
      if (!crashed && day >= 4) {
        crashed = true;
        emit(L.crashConcurrentMapLines(r));
        ms += 2500;
        emit(L.startupLines(Math.floor(ms), 'v1.9.2', true));
      }
      if (!disabled && day >= 5) {
        disabled = true;
        emit([L.sys(t, 'channel #7 has been disabled: 响应时间 12.35s 超过阈值 10.00s')]);
      }
    }
    const rid = L.requestId(t, r);
    const ch = r.pick(channels);
    const model = r.pick(L.MODELS);
    const user = r.int(2, 500);
    const x = r.next();
    if (x < 0.21) {
      const f = r.pick(failures);
      const texts = [L.err(t, rid, `relay error (userId #${user},channel #${ch}): ${f.msg(ch)}`)];
      if (r.chance(0.5)) {
        const to = r.pick(channels.filter((c) => c !== ch));
        texts.push(L.retryLine(t, rid, model, f.reason, 1, user, ch, to), L.gin(t, rid, 200, r.int(800, 30_000) + r.next(), r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'));
      } else texts.push(L.gin(t, rid, f.status, r.int(50, 60_000) + r.next(), r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'));
      emit(texts);
    } else if (x < 0.215) {
      emit([L.streamTimeoutLine(t)]);
    } else if (x < 0.2152) {
      emit([...L.relayPanicLines(t, rid, r.chance(0.7) ? 'gemini' : 'claude', r), L.gin(t, rid, 500, r.int(5, 40) + r.next(), '172.18.0.1', 'POST', '/v1/chat/completions')]);
    } else {
      const texts = [];
      if (r.chance(0.6)) texts.push(L.consumeLine(t, rid, r, user, ch, model));
      texts.push(L.gin(t, rid, 200, r.int(300, 12_000) + r.next(), r.pick(L.CLIENT_IPS), 'POST', '/v1/chat/completions'));
      emit(texts);
    }
    if (pending >= 1 << 20) await flush();
  }
  await flush();
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
}

/** One run under /usr/bin/time: wall and CPU (user + system) seconds and peak RSS in MB; the command's JSON is parsed to check it ran. */
function measure(cmd) {
  const r = spawnSync('/usr/bin/time', ['-f', 'rss=%M wall=%e cpu=%U+%S', process.execPath, BIN, ...cmd], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' } });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /rss=(\d+) wall=([\d.]+) cpu=([\d.]+)\+([\d.]+)/.exec(r.stderr);
  return { rssMb: Number(m[1]) / 1024, wall: Number(m[2]), cpu: Number(m[3]) + Number(m[4]), doc: JSON.parse(r.stdout) };
}

/**
 * A monitor-heavy log: `samples` DEBUG monitor ticks (count and memory) spread over one week (200,000 is one every
 * 3 s; an 8-day `watch --record` at 5 s holds 138,000), a leak climbing through day 3, and nothing else.
 */
async function generateSamples(file, samples) {
  mkdirSync(OUT_DIR, { recursive: true });
  const r = L.rng(SEED);
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 2, 2, 0, 0, 0);
  const step = WEEK / samples;
  let buf = [L.startupLines(start, 'v1.9.2', true).map((t) => `${L.dockerTime(start)} ${t}\n`).join('')];
  for (let i = 1; i <= samples; i++) {
    const t = Math.floor(start + i * step);
    const day = (t - start) / 86_400_000;
    const n = day >= 3 && day < 4 ? 900 + Math.round((day - 3) * 6000) + r.int(0, 40) : 800 + r.int(0, 400);
    buf.push(`${L.dockerTime(t)} ${L.goroutineLine(t, n, true)}\n${L.dockerTime(t, 1000)} ${L.memoryLine(t, 200 + Math.round(n / 20), 9000, 400, 120)}\n`);
    if (buf.length >= 10_000) {
      if (!out.write(buf.join(''))) await new Promise((resolve) => out.once('drain', resolve));
      buf = [];
    }
  }
  out.write(buf.join(''));
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
}

/** Median wall, CPU and peak RSS of `runs` runs of cmd, as a result row. */
function row(cmd) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(measure(cmd));
  return { runs, wallS: median(runs.map((x) => x.wall)), cpuS: Math.round(median(runs.map((x) => x.cpu)) * 10) / 10, peakRssMb: Math.round(median(runs.map((x) => x.rssMb))), maxRssMb: Math.round(Math.max(...runs.map((x) => x.rssMb))) };
}

/** Review and trend of one file, one row each: `extra(command, doc, trend)` adds the fields of that input. */
function measureBoth(file, input, extra) {
  const size = statSync(file).size / 1048576;
  const rows = [];
  for (const [name, cmd] of [
    ['review', ['review', file, '--format', 'json']],
    ['trend', ['trend', file, '--json']],
  ]) {
    const m = row(cmd);
    const d = m.runs[0].doc;
    const t = name === 'review' ? d.trend : d;
    const r = { input, command: name, mb: Math.round(size), wallS: m.wallS, cpuS: m.cpuS, peakRssMb: m.peakRssMb, maxRssMb: m.maxRssMb, samples: t.samples, verdict: t.verdict, ...extra(name, d, t, size, m) };
    rows.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  }
  return rows;
}

const results = [];
for (const mb of SIZES) {
  const file = join(OUT_DIR, `review-${mb}mb-seed${SEED}.log`);
  if (!(REUSE && existsSync(file))) {
    process.stderr.write(`generating ${file} (${mb} MB)…\n`);
    await generate(file, mb);
  }
  results.push(
    ...measureBoth(file, `${mb} MB`, (name, d, t, size, m) => ({
      mbPerS: Math.round(size / m.wallS),
      restarts: t.restartCount,
      ...(name === 'review' ? { events: d.totals.events, relayErrors: d.totals.relayErrors, days: d.days.length } : {}),
    })),
  );
}
// The long series: SAMPLES monitor ticks in one week, against issue 11's target (< 300 MB; any length works).
const sampleResults = [];
if (SAMPLES > 0) {
  const file = join(OUT_DIR, `review-samples-${SAMPLES}-seed${SEED}.log`);
  if (!(REUSE && existsSync(file))) {
    process.stderr.write(`generating ${file} (${SAMPLES} samples)…\n`);
    await generateSamples(file, SAMPLES);
  }
  sampleResults.push(...measureBoth(file, `${SAMPLES} samples`, (_name, _d, t) => ({ peak: t.peak })));
}
const worst = Math.max(...results.map((r) => r.maxRssMb));
const byCmd = (c) => results.filter((r) => r.command === c).map((r) => r.peakRssMb);
const summary = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, load: loadavg().map((x) => Math.round(x * 10) / 10) },
  targetRssMb: TARGET_RSS_MB,
  worstPeakRssMb: worst,
  ok: worst < TARGET_RSS_MB,
  // flat: the biggest file's peak RSS against the smallest's, per command
  flat: Object.fromEntries(['review', 'trend'].map((c) => [c, Math.round((byCmd(c).at(-1) / byCmd(c)[0]) * 100) / 100])),
  ...(SAMPLES > 0 ? { samples: SAMPLES, samplesTargetRssMb: SAMPLES_TARGET_RSS_MB, samplesOk: sampleResults.every((r) => r.maxRssMb < SAMPLES_TARGET_RSS_MB && r.samples === SAMPLES) } : {}),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
writeFileSync(join(OUT_DIR, 'review-memory.json'), `${JSON.stringify({ results: [...results, ...sampleResults], summary }, null, 2)}\n`);
