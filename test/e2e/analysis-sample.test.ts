// trend, channels and review through the real binary on the shipped sample week (fixtures/sample), whose every
// figure is known (fixtures/sample/README.md). Build first: npx tsc -p tsconfig.build.json
import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goroscope } from '../helpers/cli.js';

const SAMPLE = 'fixtures/sample/one-api-week.log';
const tmp = mkdtempSync(join(tmpdir(), 'gs-analysis-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('review of the sample week', () => {
  it('JSON: verdicts, peaks, totals, panics, channels and next steps', async () => {
    const r = await goroscope(['review', SAMPLE, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.trend.verdict).toBe('leak');
    expect(d.trend.latest).toBe('spike');
    expect(d.trend.runs.map((x: { verdict: string }) => x.verdict)).toEqual(['stable', 'stable', 'leak', 'stable', 'spike']);
    expect(d.trend.peak).toBe(10402);
    expect(d.trend.peakAt).toBe('2026-03-05T06:39:12.204Z');
    expect(d.trend.samples).toBe(3584);
    // 5 banners, the first the start of the log: 4 restarts (src/analyze/restarts.ts), 2 of them after a crash
    expect(d.trend.restartCount).toBe(4);
    expect(d.trend.restarts.map((x: { after: { kind: string } | null }) => x.after?.kind ?? null)).toEqual(['crash', null, 'crash', null]);
    expect(d.trend.crashes.length).toBe(2);
    expect(d.totals).toMatchObject({ relayErrors: 175, panics: 13, crashes: 2, restarts: 4, timeouts: 77 + 14 });
    // 7 days back from the latest event (03-08 23:49:28.565 UTC) would start on 03-01, before the log begins: the
    // period is what the log covers
    expect(d.period).toEqual({ from: '2026-03-02T00:00:00.000Z', to: '2026-03-08T23:49:28.565Z', zone: 'UTC' });
    expect(d.days.map((x: { day: string }) => x.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    expect(d.channels.map((c: { channel: number; relayErrors: number; timeouts: number }) => [c.channel, c.relayErrors, c.timeouts])).toEqual([
      [7, 65, 65],
      [12, 60, 0],
      [3, 30, 0],
      [21, 12, 12],
      [9, 8, 0],
    ]);
    expect(d.panics.map((p: { kind: string; count: number }) => [p.kind, p.count])).toEqual([
      ['panic', 7],
      ['panic', 3],
      ['panic', 2],
      ['crash', 1],
      ['crash', 1],
      ['panic', 1],
    ]);
    expect(d.spike.channels[0]).toMatchObject({ channel: 7, flagged: true });
    expect(d.spike.channels.filter((c: { flagged: boolean }) => c.flagged).map((c: { channel: number }) => c.channel)).toEqual([7]);
    expect(d.nextSteps.map((s: { id: string }) => s.id)).toEqual(['leak', 'crash', 'crash', 'bundle_next_time', 'channel', 'panic', 'panic', 'panic']);
    expect(d.container).toBeNull();
  });

  it('text: the sections, in English and in Chinese', async () => {
    const en = await goroscope(['review', SAMPLE]);
    expect(en.code).toBe(0);
    for (const h of ['Next steps', 'Goroutines and memory', 'Events per day', 'Panics and crashes', 'Channels (whole period)', 'Before the spike', 'Restarts']) {
      expect(en.stdout).toContain(`\n${h}\n`);
    }
    expect(en.stdout).toContain('verdict: LEAK (1 of 5 runs grew steadily); latest run: SPIKE');
    expect(en.stdout).not.toMatch(/\x1b\[/);
    const zh = await goroscope(['review', SAMPLE, '--lang', 'zh']);
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('goroscope 周报');
    expect(zh.stdout).toContain('结论: 泄漏');
  });

  it('--since counts back from the latest event of a saved file', async () => {
    const r = await goroscope(['review', SAMPLE, '--since', '1d', '--format', 'json']);
    const d = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    // the latest event of the sample is 2026-03-08T23:49:28.565Z
    expect(d.period).toEqual({ from: '2026-03-07T23:49:28.565Z', to: '2026-03-08T23:49:28.565Z', zone: 'UTC' });
    // days from the first to the last event in the window
    expect(d.days.map((x: { day: string; relayErrors: number }) => [x.day, x.relayErrors])).toEqual([['2026-03-08', 16]]);
    expect(d.totals.restarts).toBe(0);
  });

  it('--format md / html --out write files; stdout stays empty', async () => {
    for (const [fmt, marker] of [
      ['md', '# goroscope review: '],
      ['html', '<!DOCTYPE html>'],
    ] as const) {
      const out = join(tmp, `review.${fmt}`);
      const r = await goroscope(['review', SAMPLE, '--format', fmt, '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`wrote ${out}\n`);
      expect(readFileSync(out, 'utf8').startsWith(marker)).toBe(true);
    }
    expect(readFileSync(join(tmp, 'review.html'), 'utf8')).toMatch(/<svg [^>]*class="chart"/);
  });
});

describe('trend and channels on the sample week', () => {
  it('trend --json has the issue shape; --html writes the page too', async () => {
    const out = join(tmp, 'trend.html');
    const r = await goroscope(['trend', SAMPLE, '--json', '--html', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!DOCTYPE html>[^]*<polyline class="series"/);
    const t = JSON.parse(r.stdout);
    for (const k of ['verdict', 'samples', 'runs', 'slopePerHour', 'peak', 'projection']) expect(t).toHaveProperty(k);
    for (const k of ['from', 'to', 'samples', 'slopePerHour', 'peak', 'verdict']) expect(t.runs[0]).toHaveProperty(k);
    expect(t.verdict).toBe('leak');
    expect(t.runs.length).toBe(5);
    expect(t.runs[2]).toMatchObject({ samples: 3500, peak: 10402, verdict: 'leak', endedBy: 'crash' });
    expect(t.projection).toBeNull();
  });

  it('trend --baseline: before (up to the fix) vs after', async () => {
    const r = await goroscope(['trend', SAMPLE, '--since', '2026-03-05T07:10:00Z', '--baseline', SAMPLE, '--baseline-until', '2026-03-05T07:09:00Z', '--json']);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t.comparison.find((x: { metric: string }) => x.metric === 'verdict')).toEqual({ metric: 'verdict', baseline: 'leak', current: 'spike' });
    expect(t.comparison.find((x: { metric: string }) => x.metric === 'peak')).toEqual({ metric: 'peak', baseline: 10402, current: 2377 });
  });

  it('channels --spike: channel 7 drove the 03-07 spike', async () => {
    const r = await goroscope(['channels', SAMPLE, '--spike', '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.window.reason).toMatch(/^spike: goroutines peaked at 2377/);
    expect(c.channels[0]).toMatchObject({ channel: 7, flagged: true, timeouts: c.channels[0].relayErrors });
    const errs = c.channels.map((x: { relayErrors: number }) => x.relayErrors);
    expect([...errs].sort((a: number, b: number) => b - a)).toEqual(errs);
  });

  it('channels --around with --window 40m', async () => {
    const r = await goroscope(['channels', SAMPLE, '--around', '2026-03-07T06:10:00Z', '--window', '40m', '--json']);
    const c = JSON.parse(r.stdout);
    expect(c.window).toMatchObject({ from: '2026-03-07T05:50:00.000Z', to: '2026-03-07T06:30:00.000Z' });
    expect(c.channels[0]).toMatchObject({ channel: 7, flagged: true, disabled: 1 });
  });

});

describe('bad input: one line, a documented exit code', () => {
  const cases: { name: string; input: string[]; want: { code: number; stderr: RegExp } }[] = [
    { name: 'unknown format', input: ['review', SAMPLE, '--format', 'pdf'], want: { code: 64, stderr: /^error: --format takes text, md, html or json \(pdf\)\n/ } },
    { name: 'unknown language', input: ['review', SAMPLE, '--lang', 'fr', '--format', 'json'], want: { code: 64, stderr: /^error: --lang takes en or zh \(fr\)\n/ } },
    { name: 'missing file', input: ['review', 'no/such/file.log'], want: { code: 66, stderr: /^error: .*no\/such\/file\.log/ } },
    { name: '--around with --spike', input: ['channels', SAMPLE, '--spike', '--around', '1h'], want: { code: 64, stderr: /^error: --around and --spike cannot be combined/ } },
    { name: 'bad --window', input: ['channels', SAMPLE, '--spike', '--window', 'soon'], want: { code: 64, stderr: /^error: --window takes a duration \(soon\)\n/ } },
    { name: 'bad --since', input: ['trend', SAMPLE, '--since', 'yesterday'], want: { code: 64, stderr: /^error: --since takes a duration or a time \(yesterday\)\n/ } },
    { name: 'unwritable --out', input: ['review', SAMPLE, '--out', '/no/such/dir/r.txt'], want: { code: 73, stderr: /^error: cannot write the report \(\/no\/such\/dir\/r\.txt\)\nthe folder does not exist\n$/ } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await goroscope(c.input);
      expect(r.code).toBe(c.want.code);
      expect(r.stderr).toMatch(c.want.stderr);
      expect(r.stderr.split('\n').length).toBeLessThanOrEqual(3);
    });
  }
});
