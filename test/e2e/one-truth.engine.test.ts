// One truth on a live gateway (issue 11): the One API simulator leaks for real, a channel fails, it crashes and Docker
// restarts it. Then (stopped, so every command reads the same log) scan, trend, channels and review in every format,
// and the bundle's summary.md and the bundle read back, tell the same restarts (beside Docker's RestartCount), slope,
// verdict, channel ratio and event order.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { goroscope } from '../helpers/cli.js';
import { leakFailCrash, poll } from '../helpers/sim.js';

/** The simulator's levels (20 / 60 / 150) for every command, the bundle included (it takes no threshold flags). */
const ENV = { GOROSCOPE_WARNING: '20', GOROSCOPE_CRITICAL: '60', GOROSCOPE_EMERGENCY: '150' };

async function run(args: string[]): Promise<string> {
  const r = await goroscope(args, { timeoutMs: 120_000, env: ENV });
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.code, args.join(' ')).toBe(0);
  return r.stdout;
}

const jsonl = (text: string) => text.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; time: string; stream: string });

describe.skipIf(noSimulator)('one truth on the simulator: a live leak, a failing channel, a crash restarted by Docker', () => {
  const name = uniqueName('truth');
  const tmp = mkdtempSync(join(tmpdir(), 'gs-truth-'));
  let out: Record<string, string> = {};
  let bundleDir = '';

  beforeAll(async () => {
    await leakFailCrash(name);
    // the second run gets 20 monitor ticks of its own, then the container stops: every command reads the same log
    await poll('20 samples of the second run', async () => {
      const t = JSON.parse((await goroscope(['trend', name, '--json'])).stdout) as { runs: { samples: number }[] };
      return t.runs.length === 2 && t.runs[1]!.samples >= 25 ? true : undefined;
    }, 30_000);
    await docker('stop', '-t', '1', name);
    const b = await goroscope(['bundle', name, '--format', 'dir', '--out', tmp, '--no-redact'], { env: ENV });
    expect(b.code).toBe(0);
    bundleDir = /^bundle: (.*) \(/m.exec(b.stdout)![1]!;
    const entries = await Promise.all(
      Object.entries({
        scanJson: ['scan', name, '--json'],
        scanJsonl: ['scan', name, '--jsonl'],
        bundleJsonl: ['scan', bundleDir, '--jsonl'],
        trend: ['trend', name, '--json'],
        trendText: ['trend', name],
        trendBaseline: ['trend', name, '--baseline', name, '--json'],
        trendBaselineText: ['trend', name, '--baseline', name],
        channels: ['channels', name, '--spike', '--json'],
        channelsText: ['channels', name, '--spike'],
        review: ['review', name, '--format', 'json'],
        reviewText: ['review', name],
        reviewMd: ['review', name, '--format', 'md'],
        reviewHtml: ['review', name, '--format', 'html'],
        reviewBundle: ['review', bundleDir, '--format', 'json'],
      }).map(async ([k, args]) => [k, await run(args)] as const),
    );
    out = Object.fromEntries(entries);
  }, 240_000);
  afterAll(async () => {
    await removeContainers(name);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('restarts: 1 in every command and format, with Docker RestartCount 1 beside it', () => {
    const scan = JSON.parse(out.scanJson!);
    const trend = JSON.parse(out.trend!);
    const review = JSON.parse(out.review!);
    const reviewBundle = JSON.parse(out.reviewBundle!);
    expect([scan.restarts, trend.restartCount, review.trend.restartCount, review.totals.restarts, reviewBundle.trend.restartCount]).toEqual([1, 1, 1, 1, 1]);
    expect([trend.dockerRestartCount, review.container.restartCount, scan.sources[0].dockerRestartCount]).toEqual([{ [name]: 1 }, 1, 1]);
    expect(trend.restarts[0].after).toMatchObject({ kind: 'crash' });
    const line = '1 in the logs (a start after earlier records of the same source); Docker RestartCount 1';
    for (const k of ['reviewText', 'reviewMd', 'reviewHtml']) expect(out[k], k).toContain(line);
    expect(out.trendText).toContain('restarts: 1 in the logs; Docker RestartCount 1');
    // trend --baseline of a container: the log's restarts and Docker's RestartCount, each its own row
    const rows = JSON.parse(out.trendBaseline!).comparison as { metric: string }[];
    expect(rows.filter((r) => /restart/i.test(r.metric))).toEqual([
      { metric: 'restarts', baseline: 1, current: 1 },
      { metric: 'dockerRestartCount', baseline: 1, current: 1 },
    ]);
    expect(out.trendBaselineText).toMatch(/^restarts +1 +1$/m);
    expect(out.trendBaselineText).toMatch(/^Docker RestartCount +1 +1$/m);
    const md = readFileSync(join(bundleDir, 'summary.md'), 'utf8');
    expect(md).toContain('- restarts in the log: 1 (a start after earlier records of the same source); Docker RestartCount: 1');
  });

  it('verdict and slope: the leak of run 1, one slope in trend, review (container and bundle) and summary.md', () => {
    const trend = JSON.parse(out.trend!);
    const review = JSON.parse(out.review!);
    const reviewBundle = JSON.parse(out.reviewBundle!);
    expect(trend.runs.map((r: { verdict: string; endedBy: string }) => [r.verdict, r.endedBy])).toEqual([
      ['leak', 'crash'],
      ['stable', 'end'],
    ]);
    expect([trend.verdict, trend.latest, trend.slopeRun]).toEqual(['leak', 'stable', 1]);
    expect([trend.monitorPeriodMs, trend.monitorPeriodSource]).toEqual([200, 'detected']);
    expect(trend.slopePerHour).toBe(trend.runs[0].slopePerHour);
    expect(trend.slopePerHour).toBeGreaterThan(0);
    for (const r of [review, reviewBundle]) {
      expect([r.trend.verdict, r.trend.slopeRun, r.trend.slopePerHour]).toEqual(['leak', 1, trend.slopePerHour]);
      expect(r.trend.runs.map((x: { samples: number }) => x.samples)).toEqual(trend.runs.map((x: { samples: number }) => x.samples));
    }
    const slope = `slope +${Math.round(trend.slopePerHour)}/h (run 1)`;
    for (const k of ['trendText', 'reviewText', 'reviewMd', 'reviewHtml']) expect(out[k], k).toContain(slope);
    const md = readFileSync(join(bundleDir, 'summary.md'), 'utf8');
    expect(md).toContain('- verdict: **LEAK** (1 of 2 runs grew steadily); latest run: STABLE');
    expect(md).toContain(`- slope: +${Math.round(trend.slopePerHour)}/h (run 1 of 2)`);
  });

  it('channel ratios: channels --spike, review of the container and of the bundle, and summary.md agree', () => {
    const channels = JSON.parse(out.channels!);
    const review = JSON.parse(out.review!);
    const reviewBundle = JSON.parse(out.reviewBundle!);
    expect(channels.channels[0]).toMatchObject({ channel: 2, relayErrors: 3, timeouts: 3, retriesAway: 3, disabled: 1 });
    for (const r of [review, reviewBundle]) {
      expect(r.spike.window).toEqual(channels.window);
      expect(r.spike.channels).toEqual(channels.channels);
    }
    // a minute of life: all of it is the window, so there is no baseline to compare with (never 25826× nor ∞)
    expect(channels.channels[0]).toMatchObject({ baselineRate: null, ratio: null, flagged: false });
    expect(out.channelsText).not.toContain('--spike');
    expect(out.channelsText).toContain('so there is no baseline to compare with: read a longer stretch of the log');
    const md = readFileSync(join(bundleDir, 'summary.md'), 'utf8');
    expect(md).toMatch(/^\| #2 \| 3 \| \d+(\.\d+)? \| - \| - \| {2}\|$/m);
  });

  it('event order: the container and its bundle give the same events in Docker-time order', () => {
    const fromContainer = jsonl(out.scanJsonl!);
    const fromBundle = jsonl(out.bundleJsonl!);
    const times = fromContainer.map((e) => e.time);
    expect(times).toEqual([...times].sort());
    expect(fromBundle.map((e) => [e.kind, e.time, e.stream])).toEqual(fromContainer.map((e) => [e.kind, e.time, e.stream]));
    const kinds = fromContainer.map((e) => e.kind);
    expect(kinds.indexOf('crash')).toBeLessThan(kinds.lastIndexOf('startup'));
  });
});
