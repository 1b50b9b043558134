// goroutines' text (src/report/goroutines.ts) on parsed fixture dumps: the CLI's goldens made without the binary, and
// the paths the goldens do not reach (nothing grew; groups that grew while the total fell). The command as a user runs
// it (sources, flags, exit codes): test/e2e/goroutines.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareDumps, groupDump, parseDump } from '../../src/analyze/goroutines.js';
import { renderDump, renderDumpComparison, samplingLine } from '../../src/report/goroutines.js';

const dump = (name: string) => parseDump(readFileSync(new URL(`../../fixtures/dumps/${name}`, import.meta.url), 'utf8'));
const golden = (name: string) => readFileSync(new URL(`../../fixtures/golden/goroutines/${name}`, import.meta.url), 'utf8');

describe('the goldens of test/e2e/goroutines.test.ts', () => {
  it('one Go 1.21 dump', () => {
    const d = dump('go121-debug2.txt');
    expect(renderDump(d, groupDump(d), 15, 'en')).toBe(golden('go121.txt'));
  });

  it('compare, 30 s apart', () => {
    const later = dump('sim-debug2-after.txt');
    expect(renderDumpComparison(compareDumps(dump('sim-debug2-before.txt'), later, 30), later, 15, 'en')).toBe(golden('compare-sim.txt'));
  });

  it('debug=1 vs debug=2, Chinese, top 3, no time apart', () => {
    const later = dump('sim-debug2-after.txt');
    expect(renderDumpComparison(compareDumps(dump('sim-debug1-before.txt'), later, null), later, 3, 'zh')).toBe(golden('compare-zh.txt'));
  });
});

describe('renderDumpComparison', () => {
  it('nothing grew: says so, then the later dump', () => {
    const d = dump('go121-debug2.txt');
    expect(renderDumpComparison(compareDumps(d, d, 90), d, 2, 'en')).toBe(
      [
        'goroutines: 8 → 8 (+0 in 1.5 min)',
        '',
        'no stack group grew between the two dumps',
        '',
        'the later dump:',
        'goroutines: 8 in 5 stack groups (debug=2)',
        '',
        '  COUNT  STATE            WAIT  FUNCTION                                                                  CREATED BY',
        '      3  chan send        42m   github.com/songquanpeng/one-api/relay/adaptor/openai.StreamHandler.func2  github.com/songquanpeng/one-api/relay/adaptor/openai.StreamHandler',
        '      2  sync.Mutex.Lock  5m    github.com/songquanpeng/one-api/model.CacheGetRandomSatisfiedChannel      net/http.(*Server).Serve',
        '… 3 more groups (--top N, or --json for all)',
        '',
      ].join('\n'),
    );
  });

  it('a group grew while the total fell: not a leak by itself', () => {
    const later = dump('sim-debug2-before.txt');
    expect(renderDumpComparison(compareDumps(dump('sim-debug2-after.txt'), later, 7200), later, 1, 'en')).toBe(
      [
        'goroutines: 239 → 37 (-202 in 2 h)',
        '',
        'the total did not grow: these groups changed places, which is not a leak by itself',
        'leak suspects (stack groups that grew):',
        '  GROWTH  BEFORE  AFTER  PER MIN  FUNCTION                                          CREATED BY',
        '      +1       0      1        0  net/http.(*connReader).startBackgroundRead.func2  net/http.(*connReader).startBackgroundRead',
        '  at net/http.(*connReader).startBackgroundRead.func2 (net/http/server.go:674)',
        '',
        'the later dump:',
        'goroutines: 37 in 11 stack groups (debug=2)',
        '',
        '  COUNT  STATE         WAIT  FUNCTION         CREATED BY',
        '     24  chan receive        main.leakyRelay  main.leak',
        '… 10 more groups (--top N, or --json for all)',
        '',
      ].join('\n'),
    );
  });
});

describe('samplingLine', () => {
  it.each([
    { lang: 'en' as const, want: 'second sample in 60s …\n' },
    { lang: 'zh' as const, want: '60s 后采第二次 …\n' },
  ])('$lang', ({ lang, want }) => expect(samplingLine('60s', lang)).toBe(want));
});
