// The no-baseline hint of `channels` (issue 11): it says why there is nothing to compare with and never asks for a
// flag the user already gave (`channels --spike` once answered "no baseline … use --spike"). Through the real binary,
// on a log that covers half a minute: every window holds all of it.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goroscope } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'gs-hint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-02T08:00:00Z');
const dockerTs = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
const appTs = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace(/-/g, '/').replace('T', ' - ');

// the banner, then six relay errors on channel 3, 5 s apart, e.g.
// 2026-03-02T08:00:05.000000000Z [ERR] 2026/03/02 - 16:00:05 | 20260302080000123456789011 | relay error (channel id 3, user id: 1): bad response status code 503
const lines = [`${dockerTs(T0)} [SYS] ${appTs(T0)} | One API v0.6.11 started `];
for (let i = 1; i <= 6; i++) {
  const ms = T0 + i * 5000;
  lines.push(`${dockerTs(ms)} [ERR] ${appTs(ms)} | 2026030208000012345678901${i} | relay error (channel id 3, user id: 1): bad response status code 503 `);
}
const file = join(tmp, 'short.log');
writeFileSync(file, `${lines.join('\n')}\n`);

const WHOLE = 'the window is the whole input, so there is no baseline to compare with: pick a window with --spike or --around TIME';
const COVERED =
  'the input covers less than a minute outside the window, so there is no baseline to compare with: read a longer stretch of the log (an earlier --since, the rotated files)';

describe('channels: the no-baseline hint never asks for a flag that was given', () => {
  const cases: { name: string; args: string[]; want: { hint: string; why: string } }[] = [
    { name: 'no window flag: the whole input, pick one', args: [], want: { hint: WHOLE, why: 'whole' } },
    { name: '--spike: a burst window that holds everything: read more, not --spike', args: ['--spike'], want: { hint: COVERED, why: 'burst' } },
    { name: '--around: the same', args: ['--around', '2026-03-02T08:00:15Z'], want: { hint: COVERED, why: 'around' } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const [text, json] = await Promise.all([goroscope(['channels', file, ...c.args]), goroscope(['channels', file, ...c.args, '--json'])]);
      for (const r of [text, json]) {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
      expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(c.want.hint);
      for (const flag of c.args.filter((a) => a.startsWith('--'))) expect(c.want.hint).not.toContain(flag);
      const j = JSON.parse(json.stdout) as { window: { why: { code: string } }; channels: { channel: number; relayErrors: number; baselineRate: number | null; ratio: number | null; flagged: boolean }[] };
      expect(j.window.why.code).toBe(c.want.why);
      expect(j.channels).toEqual([expect.objectContaining({ channel: 3, relayErrors: 6, baselineRate: null, ratio: null, flagged: false })]);
    });
  }
});

describe('channels: an input that holds no time has no window (not 1970)', () => {
  const empty = join(tmp, 'empty.log');
  const untimed = join(tmp, 'untimed.log');
  writeFileSync(empty, '');
  writeFileSync(untimed, 'hello\nworld\n');
  for (const [name, f] of [['an empty file', empty], ['lines without a time', untimed]] as const) {
    for (const args of [[], ['--spike']]) {
      it(`${name}${args.length ? ` ${args.join(' ')}` : ''}`, async () => {
        const [text, json] = await Promise.all([goroscope(['channels', f, ...args]), goroscope(['channels', f, ...args, '--json'])]);
        expect([text.code, json.code, text.stderr, json.stderr]).toEqual([0, 0, '', '']);
        const why = args.length ? 'nothing' : 'whole';
        const reason = args.length ? 'no goroutine samples and no relay errors: the whole input' : 'the whole input';
        expect(text.stdout.split('\n').slice(0, 2)).toEqual(['channels by relay errors', `window: - → - (UTC); ${reason}`]);
        const j = JSON.parse(json.stdout) as Record<string, unknown>;
        expect([j.window, j.channels, j.input, j.covered]).toEqual([
          { from: null, to: null, reason, why: { code: why } },
          [],
          { from: null, to: null },
          { windowMinutes: 0, baselineMinutes: 0 },
        ]);
      });
    }
  }
});
