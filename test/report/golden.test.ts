// Golden files for every renderer: whole reports from one synthetic scenario whose answers are known.
// Regenerate after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/report/golden.test.ts`, then read the diff.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Chalk } from 'chalk';
import { trendOf, compareTrends } from '../../src/analyze/trend.js';
import { channelReport } from '../../src/analyze/channels.js';
import { spikeWindow } from '../../src/analyze/spike.js';
import { analyze } from '../../src/analyze/analysis.js';
import { buildReview, reviewOf } from '../../src/analyze/review.js';
import { renderTrendText, trendJson } from '../../src/report/trend.js';
import { renderChannelsText } from '../../src/report/channels.js';
import { renderReviewText } from '../../src/report/review.js';
import { renderReviewMarkdown } from '../../src/report/markdown.js';
import { renderReviewHtml, renderTrendHtml } from '../../src/report/html.js';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';
import type { GEvent } from '../../src/events.js';
import { T0, MIN, HOUR, samples, startup, crash, noise, warningsOnly, relay, retry, disabled, panic, memory } from '../helpers/synth.js';

const DIR = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));
const plain = new Chalk({ level: 0 });
const th = DEFAULT_THRESHOLDS;
const tz = 'Asia/Shanghai';

/**
 * Two days. Run 1 (DEBUG): 800 → 10500 over 10 h, then a crash. Run 2 (no DEBUG): quiet, then channel 7 times out
 * 15 times in 12 min and goroutines go to 2600 for 10 min, then back under 2000. Channel 3 fails every 2 h all along.
 */
export function scenario(): GEvent[] {
  const ev: GEvent[] = [];
  ev.push(startup(T0));
  ev.push(...samples(T0 + 30_000, 10 * HOUR, (dt, i) => (800 + (dt / HOUR) * 970) * (1 + 0.02 * noise(i))));
  for (let k = 0; k <= 20; k++) ev.push(memory(T0 + k * 30 * MIN, 200 + k * 40));
  ev.push(crash(T0 + 10 * HOUR + 2 * MIN, 'concurrent map writes'));
  const r2 = T0 + 10 * HOUR + 3 * MIN;
  ev.push(startup(r2));
  for (let h = 0; h < 38; h += 2) ev.push(relay(T0 + h * HOUR + 17 * MIN, 3, 'upstream_5xx'));
  const s = r2 + 20 * HOUR;
  for (let i = 0; i < 15; i++) {
    ev.push(relay(s + i * 48_000, 7, 'timeout', `req-${i}`));
    ev.push(retry(s + i * 48_000 + 1000, 7, 9, `req-${i}`));
  }
  ev.push(disabled(s + 12 * MIN, 7, '响应时间 12.35s 超过阈值 10.00s'));
  ev.push(...warningsOnly(samples(s + 5 * MIN, 10 * MIN, (dt) => 2100 + (dt < 5 * MIN ? dt / 600 : (10 * MIN - dt) / 600))));
  const frames = ['runtime/debug.Stack', 'middleware.RelayPanicRecover.func1.1', 'panic', 'gemini.StreamHandler', 'controller.RelayTextHelper', 'gin.(*Context).Next'];
  ev.push(panic(T0 + 3 * HOUR, 'gemini.StreamHandler|controller.RelayTextHelper', frames), panic(r2 + 5 * HOUR, 'gemini.StreamHandler|controller.RelayTextHelper', frames));
  ev.push(relay(r2 + 26 * HOUR, 12, 'rate_limit'));
  return ev.sort((a, b) => a.time!.localeCompare(b.time!));
}

function golden(name: string, actual: string): void {
  const path = DIR + name;
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(path, actual);
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`golden file ${name} was missing and has been written: check it and run again`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden reports', () => {
  const events = scenario();
  const { result, series } = trendOf(events, { thresholds: th });
  const analysis = analyze(events, { thresholds: th, tz });
  const span = { from: analysis.from, to: analysis.to };
  const sources = [{ spec: 'one-api.log', kind: 'file', name: 'one-api.log' }];

  it('the scenario has the known answers', () => {
    expect(result.verdict).toBe('leak');
    expect(result.latest).toBe('spike');
    expect(result.runs.map((r) => r.verdict)).toEqual(['leak', 'spike']);
    expect(result.peak).toBeGreaterThan(10000);
  });

  it('trend text', () => {
    const before = trendOf(events.filter((e) => Date.parse(e.time!) < T0 + 10 * HOUR + 3 * MIN), { thresholds: th }).result;
    golden('trend.txt', renderTrendText(result, series, { lang: 'en', tz, color: plain, width: 60, baseline: { result: before, comparison: compareTrends(before, result), label: 'before.log' } }));
  });
  it('trend text (zh)', () => golden('trend.zh.txt', renderTrendText(result, series, { lang: 'zh', tz, color: plain, width: 60 })));
  it('trend json', () => golden('trend.json', `${JSON.stringify(trendJson(result), null, 2)}\n`));
  it('trend html', () => golden('trend.html', renderTrendHtml(result, series, { lang: 'en', tz, sources: 'one-api.log' })));

  it('channels text and json (--spike)', () => {
    const w = spikeWindow(analysis.series, analysis.trend.runs, analysis.channels, 15 * MIN, th)!;
    const rep = channelReport(analysis.channels, w);
    // the window ends with the minute of the goroutine peak (s + 10 min, so s + 11 min): 14 of the 15 timeouts (one every
    // 48 s), and not yet the disable at s + 12 min
    expect(rep.channels[0]).toMatchObject({ channel: 7, relayErrors: 14, flagged: true, retriesAway: 14, disabled: 0 });
    golden('channels.txt', renderChannelsText(rep, { lang: 'en', tz, color: plain }));
    golden('channels.json', `${JSON.stringify(rep, null, 2)}\n`);
  });

  const data = reviewOf(analysis, { thresholds: th, tz, from: span.from, to: span.to, sources });
  const rs = analysis.series;
  it('review next steps', () => {
    expect(data.nextSteps.map((s) => [s.severity, s.id])).toEqual([
      ['critical', 'leak'],
      ['critical', 'crash'],
      ['warning', 'bundle_next_time'],
      ['warning', 'channel'],
      ['warning', 'panic'],
    ]);
    // restarts: two banners, the first the start of the input (src/analyze/restarts.ts)
    expect(data.totals).toEqual({ goroutineWarnings: 0 + data.days.reduce((s, d) => s + d.goroutineWarnings, 0), relayErrors: 35, timeouts: 15, panics: 2, crashes: 1, restarts: 1, events: events.length });
    expect(data.trend.restartCount).toBe(1);
  });
  it('review text', () => golden('review.txt', renderReviewText(data, rs, { lang: 'en', tz, color: plain, width: 60 })));
  it('review text (zh)', () => golden('review.zh.txt', renderReviewText(data, rs, { lang: 'zh', tz, color: plain, width: 60 })));
  it('review markdown', () => golden('review.md', renderReviewMarkdown(data, rs, { lang: 'en', tz })));
  it('review html', () => golden('review.html', renderReviewHtml(data, rs, { lang: 'en', tz })));
  it('review json', () => golden('review.json', `${JSON.stringify(data, null, 2)}\n`));
});

describe('events per day', () => {
  it('quiet days between the first and the last event get a row of zeros', () => {
    const ev = [relay(T0, 3), relay(T0 + 3 * 24 * HOUR, 3)];
    const { data } = buildReview(ev, { thresholds: th, tz: 'UTC', from: T0 - 5 * 24 * HOUR, to: T0 + 4 * 24 * HOUR, sources: [] });
    expect(data.days.map((d) => [d.day, d.relayErrors])).toEqual([
      ['2026-11-20', 1],
      ['2026-11-21', 0],
      ['2026-11-22', 0],
      ['2026-11-23', 1],
    ]);
    expect(data.period).toEqual({ from: new Date(T0 - 5 * 24 * HOUR).toISOString(), to: new Date(T0 + 4 * 24 * HOUR).toISOString(), zone: 'UTC' });
  });
});
