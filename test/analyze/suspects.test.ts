// Leak suspects of a bundle in trend and review (issue 7): the comparison of a bundle's two goroutine dumps, its
// exact place in every review format and in trend's text and JSON. The dumps are the simulator's real debug=2 dumps
// (fixtures/dumps/sim-debug2-before.txt / -after.txt: 24 → 226 goroutines in main.leakyRelay).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { leakSuspectsOf, type LeakSuspects } from '../../src/analyze/suspects.js';
import { buildReview } from '../../src/analyze/review.js';
import { trendOf } from '../../src/analyze/trend.js';
import { renderReviewText } from '../../src/report/review.js';
import { renderReviewMarkdown } from '../../src/report/markdown.js';
import { renderReviewHtml } from '../../src/report/html.js';
import { renderTrendText, trendJson } from '../../src/report/trend.js';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';
import { goroscope, ROOT } from '../helpers/cli.js';
import { T0, HOUR, samples, startup } from '../helpers/synth.js';

const dump = (name: string) => readFileSync(join(ROOT, 'fixtures/dumps', name), 'utf8');
const BEFORE = dump('sim-debug2-before.txt');
const AFTER = dump('sim-debug2-after.txt');
const LEAKY = { top: 'main.leakyRelay', before: 24, after: 226, growth: 202, perMinute: 101, createdBy: 'main.leak' };
const BG = { top: 'net/http.(*connReader).backgroundRead', before: 0, after: 1, growth: 1, perMinute: 0.5, createdBy: 'net/http.(*connReader).startBackgroundRead' };

describe('leakSuspectsOf', () => {
  const cases: { name: string; input: { dumps: string[]; seconds: number | null }; want: LeakSuspects | null }[] = [
    { name: 'two dumps two minutes apart', input: { dumps: [BEFORE, AFTER], seconds: 120 }, want: { source: 'b', totalBefore: 37, totalAfter: 239, secondsApart: 120, suspects: [LEAKY, BG] } },
    {
      name: 'interval unknown: no rate',
      input: { dumps: [BEFORE, AFTER], seconds: null },
      want: { source: 'b', totalBefore: 37, totalAfter: 239, secondsApart: null, suspects: [{ ...LEAKY, perMinute: null }, { ...BG, perMinute: null }] },
    },
    { name: 'three dumps: first against last', input: { dumps: [BEFORE, BEFORE, AFTER], seconds: 120 }, want: { source: 'b', totalBefore: 37, totalAfter: 239, secondsApart: 120, suspects: [LEAKY, BG] } },
    { name: 'one dump', input: { dumps: [AFTER], seconds: 120 }, want: null },
    { name: 'the same dump twice: nothing grew', input: { dumps: [AFTER, AFTER], seconds: 120 }, want: null },
    { name: 'a dump that is not one', input: { dumps: [dump('not-dump-html.txt'), AFTER], seconds: 120 }, want: null },
  ];
  for (const c of cases) {
    it(c.name, () => expect(leakSuspectsOf('b', c.input.dumps.map((text) => ({ text })), c.input.seconds)).toEqual(c.want));
  }
});

describe('suspects in every review format and in trend', () => {
  // one run leaking 800 → 3000 in 4 h (a `leak` verdict, so the suspect step's place after the leak step shows)
  const events = [startup(T0), ...samples(T0 + 30_000, 4 * HOUR, (dt) => 800 + (dt / HOUR) * 550)];
  const suspects = [leakSuspectsOf('one-api-bundle', [{ text: BEFORE }, { text: AFTER }], 120)!];
  const opts = { thresholds: DEFAULT_THRESHOLDS, tz: 'UTC', from: null, to: null, sources: [{ spec: 'one-api-bundle', kind: 'bundle', name: 'one-api' }] };
  const { data, series } = buildReview(events, { ...opts, suspects });
  const plain = new Chalk({ level: 0 });

  it('data: suspects after the container, and a next step after the leak step', () => {
    expect(Object.keys(data).slice(-3)).toEqual(['container', 'suspects', 'nextSteps']);
    expect(data.suspects).toEqual(suspects);
    const ids = data.nextSteps.map((s) => s.id);
    expect(ids).toContain('leak');
    expect(ids.indexOf('suspect')).toBe(ids.indexOf('leak') + 1);
    expect(data.nextSteps.find((s) => s.id === 'suspect')).toEqual({
      severity: 'critical',
      id: 'suspect',
      vars: { top: 'main.leakyRelay', growth: 202, span: '2 min', source: 'one-api-bundle' },
      text: 'a leak suspect: main.leakyRelay (+202 in 2 min) — look at that function',
    });
  });

  it('no suspects: no key and no step (the goldens stay as they are)', () => {
    const none = buildReview(events, { ...opts, suspects: [] }).data;
    expect('suspects' in none).toBe(false);
    expect(none.nextSteps.some((s) => s.id === 'suspect')).toBe(false);
  });

  it('a bundle whose total did not grow: listed with a note, no next step', () => {
    const flat: LeakSuspects = { ...suspects[0]!, totalAfter: 37 };
    const d = buildReview(events, { ...opts, suspects: [flat] }).data;
    expect(d.nextSteps.some((s) => s.id === 'suspect')).toBe(false);
    expect(renderReviewText(d, series, { lang: 'en', tz: 'UTC', color: plain })).toContain(
      '  one-api-bundle: goroutines 37 → 37 in 2 min\n  (the total did not grow: the groups below changed places, which is not a leak by itself)\n',
    );
  });

  it('text (en, zh)', () => {
    const text = renderReviewText(data, series, { lang: 'en', tz: 'UTC', color: plain, width: 60 });
    expect(text).toContain('  [CRITICAL] a leak suspect: main.leakyRelay (+202 in 2 min) — look at that function\n');
    const section = text.slice(text.indexOf('Leak suspects'), text.indexOf('Events per day'));
    expect(section).toBe(
      [
        'Leak suspects (goroutine dumps of the bundle)',
        '  one-api-bundle: goroutines 37 → 239 in 2 min',
        '  growth  before  after  per minute  function                               created by',
        '    +202      24    226         101  main.leakyRelay                        main.leak',
        '      +1       0      1         0.5  net/http.(*connReader).backgroundRead  net/http.(*connReader).startBackgroundRead',
        '',
        '',
      ].join('\n'),
    );
    const zh = renderReviewText(data, series, { lang: 'zh', tz: 'UTC', color: plain, width: 60 });
    expect(zh).toContain('[严重] 泄漏嫌疑：main.leakyRelay（2 min 内 +202）——检查这个函数\n');
    expect(zh).toContain('泄漏嫌疑（应急包中的 goroutine 转储）\n  one-api-bundle：goroutine 37 → 239（2 min）\n');
  });

  it('markdown', () => {
    const md = renderReviewMarkdown(data, series, { lang: 'en', tz: 'UTC' });
    expect(md).toContain('- **CRITICAL** a leak suspect: main.leakyRelay (+202 in 2 min) — look at that function\n');
    expect(md).toContain(
      [
        '## Leak suspects (goroutine dumps of the bundle)',
        '',
        'one-api-bundle: goroutines 37 → 239 in 2 min',
        '',
        '| growth | before | after | per minute | function | created by |',
        '| --- | --- | --- | --- | --- | --- |',
        '| +202 | 24 | 226 | 101 | main.leakyRelay | main.leak |',
        '| +1 | 0 | 1 | 0.5 | net/http.(\\*connReader).backgroundRead | net/http.(\\*connReader).startBackgroundRead |',
        '',
        '## Events per day',
      ].join('\n'),
    );
  });

  it('html', () => {
    const html = renderReviewHtml(data, series, { lang: 'en', tz: 'UTC' });
    expect(html).toContain(
      '<h2>Leak suspects (goroutine dumps of the bundle)</h2>\n<p>one-api-bundle: goroutines 37 → 239 in 2 min</p>\n<table>\n<thead><tr><th>growth</th><th>before</th><th>after</th><th>per minute</th><th>function</th><th>created by</th></tr></thead>\n<tbody>\n<tr><td>+202</td><td class="n">24</td><td class="n">226</td><td class="n">101</td><td>main.leakyRelay</td><td>main.leak</td></tr>',
    );
    expect(html).toContain('a leak suspect: main.leakyRelay (+202 in 2 min) — look at that function');
  });

  it('trend text and JSON', () => {
    const t = trendOf(events, { thresholds: DEFAULT_THRESHOLDS });
    const text = renderTrendText(t.result, t.series, { lang: 'en', tz: 'UTC', color: plain, width: 60, suspects });
    expect(text.endsWith('\nleak suspects of one-api-bundle (goroutines 37 → 239 in 2 min): main.leakyRelay +202 (24 → 226, 101/min, created by main.leak); 1 more in --json\n')).toBe(true);
    expect((trendJson(t.result, null, suspects) as { suspects: unknown }).suspects).toEqual(suspects);
    expect('suspects' in (trendJson(t.result, null, []) as object)).toBe(false);
  });
});

describe('review and trend of a bundle directory with dumps (binary)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gs-suspects-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const bundle = (name: string, withDumps: boolean): string => {
    const root = join(tmp, name);
    mkdirSync(join(root, 'logs'), { recursive: true });
    mkdirSync(join(root, 'pprof'));
    const items = withDumps ? { pprof: { status: 'ok', intervalMs: 120_000 } } : { pprof: { status: 'skipped', reason: 'no pprof URL' } };
    writeFileSync(join(root, 'manifest.json'), JSON.stringify({ tool: 'goroscope', container: { id: 'abc', name: 'one-api' }, startedAt: '2026-03-04T02:00:00.000Z', items }));
    writeFileSync(join(root, 'logs/stdout.log'), '2026-03-04T01:00:00.000000000Z [SYS] 2026/03/04 - 01:00:00 | One API v1.9.2 started \n');
    if (withDumps) {
      writeFileSync(join(root, 'pprof/goroutine-1.txt'), BEFORE);
      writeFileSync(join(root, 'pprof/goroutine-2.txt'), AFTER);
    }
    return root;
  };
  const cases: { name: string; input: { dumps: boolean; args: string[] }; want: { tops: string[] | null } }[] = [
    { name: 'trend --json names main.leakyRelay first', input: { dumps: true, args: ['trend', '--json'] }, want: { tops: ['main.leakyRelay', 'net/http.(*connReader).backgroundRead'] } },
    { name: 'review --format json names main.leakyRelay first', input: { dumps: true, args: ['review', '--format', 'json'] }, want: { tops: ['main.leakyRelay', 'net/http.(*connReader).backgroundRead'] } },
    { name: 'a bundle without dumps: no suspects key', input: { dumps: false, args: ['trend', '--json'] }, want: { tops: null } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const root = bundle(`b${cases.indexOf(c)}`, c.input.dumps);
      const [cmd, ...rest] = c.input.args;
      const r = await goroscope([cmd!, root, ...rest]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { suspects?: LeakSuspects[] };
      if (c.want.tops === null) expect(j.suspects).toBeUndefined();
      else {
        expect(j.suspects).toHaveLength(1);
        expect(j.suspects![0]!.source).toBe(root);
        expect(j.suspects![0]!.suspects.map((s) => s.top)).toEqual(c.want.tops);
      }
    });
  }
});
