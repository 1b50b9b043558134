// The leak verdict does not depend on --monitor-interval (issue 11), through the real binary. A gateway without
// DEBUG (the monitor logs only above 2000) climbs from under 2000 to 3088 in three minutes, sampled every 2 s. Before,
// the verdict was `insufficient-data` with the default 30 s period and `stable` with `--monitor-interval 2s`, while
// the headline slope said +23,760/h and the run's slope 0. Now the period is read from the samples' spacing, the
// flag only overrides it, and the headline slope is the slope of a named run.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goroscope } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'gs-verdict-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-02T08:00:00Z');
const dockerTs = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
const appTs = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace(/-/g, '/').replace('T', ' - ');

/**
 * `docker logs -t` of the fast leak: the banner, `quietMin` minutes below 2000 (a relay error every 30 s keeps the log
 * going), then 3 minutes from 1900 to 3088, one monitor tick every 2 s (only counts above 2000 are logged).
 */
function fastLeak(quietMin: number): string {
  const out = [`${dockerTs(T0)} [SYS] ${appTs(T0)} | One API v0.6.11 started `];
  const climb = T0 + quietMin * 60_000;
  for (let ms = T0 + 2000; ms <= climb + 180_000; ms += 2000) {
    const n = ms < climb ? 1500 : Math.round(1900 + ((3088 - 1900) * (ms - climb)) / 180_000);
    if (n > 2000) out.push(`${dockerTs(ms)} [SYS] ${appTs(ms)} | ⚠️ Goroutine count elevated: ${n} `);
    else if ((ms - T0) % 30_000 === 0) out.push(`${dockerTs(ms)} [ERR] ${appTs(ms)} | 20260302080000123456789012 | relay error (channel id 3, user id: 1): bad response status code 503 `);
  }
  return `${out.join('\n')}\n`;
}

interface TrendJson {
  verdict: string;
  slopePerHour: number | null;
  slopeRun: number | null;
  monitorPeriodMs: number;
  monitorPeriodSource: string;
  runs: { verdict: string; slopePerHour: number | null; samples: number }[];
  projection: { threshold: number; level: string } | null;
}

async function trend(file: string, flags: string[]): Promise<TrendJson> {
  const r = await goroscope(['trend', file, '--json', ...flags]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as TrendJson;
}

describe('the fast leak: same verdict with and without --monitor-interval', () => {
  const cases: { name: string; quietMin: number; want: Record<string, { verdict: string; period: [number, string] }> }[] = [
    {
      name: 'ten quiet minutes, then the climb (was: stable with --monitor-interval 2s, the run slope 0)',
      quietMin: 10,
      want: {
        '': { verdict: 'leak', period: [2000, 'detected'] },
        '--monitor-interval 2s': { verdict: 'leak', period: [2000, 'flag'] },
        '--monitor-interval 30s': { verdict: 'leak', period: [30_000, 'flag'] },
      },
    },
    {
      name: 'only the three minutes of the climb (was: insufficient-data by default)',
      quietMin: 0,
      want: {
        '': { verdict: 'leak', period: [2000, 'detected'] },
        '--monitor-interval 2s': { verdict: 'leak', period: [2000, 'flag'] },
        // told the period is 30 s, 3 minutes are too short for a leak verdict: it still is no "insufficient data"
        '--monitor-interval 30s': { verdict: 'rising', period: [30_000, 'flag'] },
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const file = join(tmp, `fast-${c.quietMin}.log`);
      writeFileSync(file, fastLeak(c.quietMin));
      for (const [flags, want] of Object.entries(c.want)) {
        const t = await trend(file, flags ? flags.split(' ') : []);
        expect([t.verdict, t.monitorPeriodMs, t.monitorPeriodSource], flags).toEqual([want.verdict, ...want.period]);
        // one run; the headline slope is that run's slope, and the rise is ~23,760/h (1188 in 3 min)
        expect(t.runs).toHaveLength(1);
        expect(t.slopeRun).toBe(1);
        expect(t.slopePerHour).toBe(t.runs[0]!.slopePerHour);
        expect(t.slopePerHour).toBeGreaterThan(20_000);
        expect(t.slopePerHour).toBeLessThan(26_000);
        // it will cross 5000 at this rate
        expect(t.projection).toMatchObject({ threshold: 5000, level: 'critical' });
      }
    });
  }

  it('the text names the verdict, the run of the slope and where the period came from', async () => {
    const file = join(tmp, 'fast-text.log');
    writeFileSync(file, fastLeak(0));
    const r = await goroscope(['trend', file, '--monitor-interval', '30s']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^verdict: RISING FAST \(rising fast: \d+ → 3088 in 3 min, still climbing\)$/m);
    expect(r.stdout).toMatch(/; slope \+\d+\/h \(run 1\)$/m);
    expect(r.stdout).toContain('\nmonitor period 30 s (--monitor-interval)\n');
    expect(r.stdout).toMatch(/^projection: crosses 5000 \(critical\) at /m);
  });
});
