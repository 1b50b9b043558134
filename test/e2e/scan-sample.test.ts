// `goroscope scan` over the shipped quick-start sample, through the built binary: the summary must report
// exactly what fixtures/sample/generate.mjs planted (one-api-week.expected.json), and the table, --jsonl,
// --kind and --since/--until must agree with it.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it, beforeAll } from 'vitest';
import { goroscope, ROOT, BIN } from '../helpers/cli.js';

const SAMPLE = 'fixtures/sample/one-api-week.log';
const expected = JSON.parse(readFileSync(new URL('../../fixtures/sample/one-api-week.expected.json', import.meta.url), 'utf8'));

describe('scan the sample week', () => {
  let summary: any;
  beforeAll(async () => {
    const r = await goroscope(['scan', SAMPLE, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    summary = JSON.parse(r.stdout);
  });

  it('--json reports every planted figure', () => {
    expect({
      lines: summary.lines,
      events: summary.events,
      goroutines: summary.goroutines,
      relayErrors: { total: summary.relayErrors.total, timeouts: summary.relayErrors.timeouts, byChannel: summary.relayErrors.byChannel },
      retries: summary.retries,
      restarts: summary.restarts,
      recovered: summary.panics.recovered,
      crashes: summary.panics.crashes,
      oversized: summary.oversized,
    }).toEqual({
      lines: expected.lines,
      events: expected.events,
      goroutines: expected.goroutines,
      relayErrors: expected.relayErrors,
      retries: expected.retries,
      restarts: expected.restarts,
      recovered: expected.panics.recovered,
      crashes: expected.panics.crashes,
      oversized: 0,
    });
  });

  it('--json groups panics into the planted signatures (6: 4 recovered, 2 crashes), sorted by count', () => {
    const sigs = summary.panics.signatures as { kind: string; count: number; message: string; firstAt: string; lastAt: string }[];
    expect(sigs.map((s) => [s.kind, s.count, s.message])).toEqual([
      ['panic', 7, 'runtime error: invalid memory address or nil pointer dereference'],
      ['panic', 3, 'runtime error: index out of range [0] with length 0'],
      ['panic', 2, 'runtime error: index out of range [0] with length 0'],
      ['crash', 1, 'runtime error: invalid memory address or nil pointer dereference'],
      ['crash', 1, 'concurrent map writes'],
      ['panic', 1, 'assignment to entry in nil map'],
    ]);
    expect(sigs.map((s) => s.count).sort((a, b) => b - a)).toEqual(Object.values(expected.panics.signatures).map(Number).sort((a, b) => b - a));
    expect(sigs.every((s) => s.firstAt <= s.lastAt)).toBe(true);
  });

  it('--json extras: span, sources, disabled channels, versions, memory peak', () => {
    expect({
      from: summary.from,
      channelsDisabled: summary.channelsDisabled.map((c: any) => c.channel),
      channelsEnabled: summary.channelsEnabled.map((c: any) => c.channel),
      versions: summary.versions,
      sources: summary.sources,
      truncated: summary.panics.truncatedCrashes,
    }).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      channelsDisabled: [7, 9],
      channelsEnabled: [9],
      versions: ['v1.9.2', 'v1.9.3'],
      sources: [{ spec: SAMPLE, kind: 'file', name: SAMPLE }],
      truncated: 0,
    });
    expect(summary.peakRssMb).toBeGreaterThan(10);
    expect(summary.peakRssMb).toBeLessThan(200);
  });

  it('--jsonl prints one event per line, as many as the summary counts', async () => {
    const r = await goroscope(['scan', SAMPLE, '--jsonl']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const total = Object.values(expected.events as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(lines.length).toBe(total);
    const byKind: Record<string, number> = {};
    for (const l of lines) {
      const e = JSON.parse(l);
      byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
      expect(e.source).toBe(SAMPLE);
    }
    expect(byKind).toEqual(Object.fromEntries(Object.entries(expected.events).filter(([, n]) => n)));
  });

  const filters: { name: string; input: string[]; want: Record<string, number> }[] = [
    { name: '--kind crash,startup', input: ['--kind', 'crash,startup'], want: { crash: 2, startup: 5 } },
    { name: '--kind repeated', input: ['--kind', 'channel_disabled', '--kind', 'channel_enabled'], want: { channel_disabled: 2, channel_enabled: 1 } },
    {
      name: '--since/--until RFC 3339 around the second crash',
      input: ['--kind', 'crash,startup', '--since', '2026-03-05T00:00:00Z', '--until', '2026-03-05T23:59:59Z'],
      want: { crash: 1, startup: 2 },
    },
    {
      name: '--since as wall-clock time in --tz Asia/Shanghai (08:00 local = 00:00 UTC)',
      input: ['--tz', 'Asia/Shanghai', '--kind', 'startup', '--since', '2026-03-05 14:40', '--until', '2026-03-05 15:10'],
      want: { startup: 1 },
    },
  ];
  for (const f of filters) {
    it(`filter: ${f.name}`, async () => {
      const r = await goroscope(['scan', SAMPLE, '--jsonl', ...f.input]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const byKind: Record<string, number> = {};
      for (const l of r.stdout.trimEnd().split('\n')) {
        const k = JSON.parse(l).kind as string;
        byKind[k] = (byKind[k] ?? 0) + 1;
      }
      expect(byKind).toEqual(f.want);
    });
  }

  it('the table: a header, one line per event, no colour when not a terminal', async () => {
    const r = await goroscope(['scan', SAMPLE, '--kind', 'crash']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(3);
    expect(lines[0]).toMatch(/^TIME +KIND +STREAM +SOURCE +DETAILS$/);
    expect(lines[1]).toBe(
      `2026-03-03T12:41:07Z crash            unknown ${SAMPLE} panic: runtime error: invalid memory address or nil pointer dereference at controller.processChannelRelayError`,
    );
    expect(lines[2]).toBe(`2026-03-05T06:40:31Z crash            unknown ${SAMPLE} fatal error: concurrent map writes at helper.(*StreamScanner).trackPing`);
  });

  it('the table is coloured with FORCE_COLOR and plain with NO_COLOR', async () => {
    const forced = await goroscope(['scan', SAMPLE, '--kind', 'crash'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\x1b\[31m/);
    const plain = await goroscope(['scan', SAMPLE, '--kind', 'crash'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\x1b\[/);
  });

  it('stdin (-) gives the same summary as the file', async () => {
    const r = await goroscope(['scan', '-', '--json'], { input: readFileSync(`${ROOT}/${SAMPLE}`) });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect([s.lines, s.events, s.goroutines, s.restarts, s.relayErrors.byChannel]).toEqual([
      summary.lines,
      summary.events,
      summary.goroutines,
      summary.restarts,
      summary.relayErrors.byChannel,
    ]);
  });

  it('`goroscope scan x | head -1` ends quietly with exit 0 (a real pipe)', () => {
    // 7,500 events of JSON (~3 MB) cannot fit in the pipe: goroscope is still writing when head exits.
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" scan ${SAMPLE} --jsonl | head -1; echo "status=\${PIPESTATUS[0]},\${PIPESTATUS[1]}"`], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const out = r.stdout.trimEnd().split('\n');
    expect(out.length).toBe(2);
    expect(JSON.parse(out[0]!).kind).toBe('startup');
    expect(out[1]).toBe('status=0,0');
    expect(r.stderr).toBe('');
  });

  it('the table through `| head -3` too', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" scan ${SAMPLE} | head -3; echo "status=\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(r.stdout).toMatch(/status=0\n$/);
    expect(r.stderr).toBe('');
  });
});
