// Real pasted text through the real binary: each excerpt in fixtures/formats/pasted/ (shapes from public issue
// reports, see fixtures/formats/README.md) gives the events a careful human counts in it, and nothing more.
// `expected.json` holds those counts, written by hand from reading the excerpts; each event is compared on the fields
// listed for it, exactly, as a multiset (the order of equal-time events is not the point here).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goroscope } from '../helpers/cli.js';

const DIR = new URL('../../fixtures/formats/pasted/', import.meta.url);
type Want = { unparsed: number; events: Record<string, unknown>[] };
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as Record<string, Want>;

describe('scan of pasted excerpts', () => {
  it.each(Object.entries(expected))('%s', async (file, want) => {
    const path = new URL(file, DIR).pathname;
    const [lines, summary] = await Promise.all([
      goroscope(['--tz', 'Asia/Shanghai', 'scan', path, '--jsonl']),
      goroscope(['--tz', 'Asia/Shanghai', 'scan', path, '--json']),
    ]);
    expect(lines.code).toBe(0);
    expect(summary.code).toBe(0);
    const got = lines.stdout.trim() === '' ? [] : lines.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // each event on the fields its kind is checked on (the first wanted event of that kind names them)
    const fieldsOf = (kind: unknown) => Object.keys(want.events.find((w) => w['kind'] === kind) ?? { kind: 1 });
    const pick = (e: Record<string, unknown>) => JSON.stringify(Object.fromEntries(fieldsOf(e['kind']).map((k) => [k, e[k] ?? null])));
    expect(got.map(pick).sort()).toEqual(want.events.map((w) => JSON.stringify(w)).sort());
    expect((JSON.parse(summary.stdout) as { unparsed: number }).unparsed).toBe(want.unparsed);
  });
});
