// One truth on the shipped sample week (issue 11): scan, trend, channels and review in every format tell the same
// restarts, slope, verdict, channel ratios and event order, through the real binary. The sample's planted figures
// are in fixtures/sample/README.md: 5 banners (4 restarts), the leak in run 3, channel 7 driving the 03-07 spike.
import { describe, expect, it } from 'vitest';
import { goroscope } from '../helpers/cli.js';

const SAMPLE = 'fixtures/sample/one-api-week.log';

async function run(args: string[]): Promise<string> {
  const r = await goroscope(args);
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.code, args.join(' ')).toBe(0);
  return r.stdout;
}

describe('one truth on the sample week', async () => {
  const [scanJson, scanJsonl, trendJson, trendText, channelsJson, channelsText, reviewJson, reviewText, reviewMd, reviewHtml, reviewZh] = await Promise.all([
    run(['scan', SAMPLE, '--json']),
    run(['scan', SAMPLE, '--jsonl']),
    run(['trend', SAMPLE, '--json']),
    run(['trend', SAMPLE]),
    run(['channels', SAMPLE, '--spike', '--json']),
    run(['channels', SAMPLE, '--spike']),
    run(['review', SAMPLE, '--format', 'json']),
    run(['review', SAMPLE]),
    run(['review', SAMPLE, '--format', 'md']),
    run(['review', SAMPLE, '--format', 'html']),
    run(['review', SAMPLE, '--lang', 'zh']),
  ]);
  const scan = JSON.parse(scanJson);
  const trend = JSON.parse(trendJson);
  const channels = JSON.parse(channelsJson);
  const review = JSON.parse(reviewJson);

  it('restarts: 4 everywhere (5 banners, the first is the start), per day too', () => {
    const perDay = review.days.reduce((n: number, d: { restarts: number }) => n + d.restarts, 0);
    expect([scan.restarts, trend.restartCount, review.trend.restartCount, review.totals.restarts, perDay]).toEqual([4, 4, 4, 4, 4]);
    expect(trend.restarts.map((r: { time: string }) => r.time)).toEqual(review.trend.restarts.map((r: { time: string }) => r.time));
    for (const text of [trendText, reviewText]) expect(text).toContain('restarts: 4 in the logs');
    for (const text of [reviewText, reviewMd, reviewHtml]) expect(text).toContain('4 in the logs (a start after earlier records of the same source)');
    expect(reviewZh).toContain('日志中 4 次（同一来源已有记录之后的启动）');
  });

  it('the verdict and the headline slope: the slope of run 3, the same in every command and format', () => {
    expect([trend.verdict, review.trend.verdict, trend.slopeRun, review.trend.slopeRun]).toEqual(['leak', 'leak', 3, 3]);
    expect(trend.slopePerHour).toBe(trend.runs[2].slopePerHour);
    expect(review.trend.slopePerHour).toBe(trend.slopePerHour);
    expect(review.trend.runs).toEqual(trend.runs);
    const slope = `slope +${Math.round(trend.slopePerHour)}/h (run 3)`;
    for (const text of [trendText, reviewText, reviewMd, reviewHtml]) expect(text).toContain(slope);
    expect(reviewText).toContain(`goroutines leak (${Math.round(trend.slopePerHour)} per hour in run 3)`);
    expect(reviewZh).toContain(`斜率 +${Math.round(trend.slopePerHour)}/小时（第 3 次运行）`);
    expect([trend.monitorPeriodMs, trend.monitorPeriodSource]).toEqual([30_000, 'detected']);
  });

  it('channel ratios: channels --spike and the review decide window, baseline and ratio with one function', () => {
    expect(review.spike.window).toEqual(channels.window);
    expect(review.spike.channels).toEqual(channels.channels);
    expect(review.spike.covered).toEqual(channels.covered);
    const c7 = channels.channels[0];
    expect(c7).toMatchObject({ channel: 7, relayErrors: 20, windowRate: 60, baselineRate: 0.27, ratio: 222.22, flagged: true });
    // the same ratio as every renderer writes it
    expect(channelsText).toMatch(/^#7 .* 60 +0\.27 +222× +JUMPED$/m);
    expect(reviewText).toContain('(222× its usual rate)');
    expect(reviewMd).toContain('| 60 | 0.27 | 222× | JUMPED |');
    expect(reviewHtml).toContain('<td>222×</td>');
    // the whole period has no baseline, and nothing asks for a flag that was given
    expect(review.channels.every((c: { baselineRate: number | null }) => c.baselineRate === null)).toBe(true);
    expect(channelsText).not.toContain('--spike');
  });

  it('trend --baseline: the restarts of each side are what trend says of that side alone (files: no Docker count)', async () => {
    const [cmp, before, after] = await Promise.all([
      run(['trend', SAMPLE, '--since', '2026-03-04T00:00:00Z', '--baseline', SAMPLE, '--baseline-until', '2026-03-04T00:00:00Z', '--json']),
      run(['trend', SAMPLE, '--until', '2026-03-04T00:00:00Z', '--json']),
      run(['trend', SAMPLE, '--since', '2026-03-04T00:00:00Z', '--json']),
    ]);
    const rows = JSON.parse(cmp).comparison as { metric: string; baseline: unknown; current: unknown }[];
    const [b, a] = [JSON.parse(before), JSON.parse(after)];
    // 1 before 03-04 and 3 after (the 01:30 banner follows records of run 2 read after midnight): the week's 4
    expect([b.restartCount, a.restartCount]).toEqual([1, 3]);
    expect(rows.find((r) => r.metric === 'restarts')).toEqual({ metric: 'restarts', baseline: b.restartCount, current: a.restartCount });
    expect(rows.find((r) => r.metric === 'runs')).toEqual({ metric: 'runs', baseline: b.runs.length, current: a.runs.length });
    expect(rows.map((r) => r.metric)).not.toContain('dockerRestartCount');
  });

  it('review --format json: no placeholder shown as a measurement', () => {
    // the last point of the running process is a censored tick: no count, below the warning threshold
    expect(review.current).toMatchObject({ count: null, below: 2000, level: 'ok' });
    // the week's median is censored too
    expect([review.trend.median, review.trend.medianBelowWarning]).toEqual([null, true]);
  });

  it('event order: scan --jsonl is in time order, and its counts are the summary counts', () => {
    const events = scanJsonl.trimEnd().split('\n').map((l) => JSON.parse(l) as { kind: string; time: string | null });
    const times = events.map((e) => e.time).filter((t): t is string => t !== null);
    expect(times).toEqual([...times].sort());
    expect(events.length).toBe(Object.values(scan.events as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(events.filter((e) => e.kind === 'startup').length).toBe(5);
  });
});
