// Golden tests: one fixture log per family in fixtures/formats/, its events beside it (*.events.json).
// Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/parse/golden.test.ts`, then read the diff before committing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from './helpers.js';

const DIR = fileURLToPath(new URL('../../fixtures/formats/', import.meta.url));
const logs = readdirSync(DIR).filter((f) => f.endsWith('.log')).sort();

describe('golden: fixtures/formats', () => {
  it('has one fixture per family', () => {
    expect(logs).toEqual([
      'era-a.log',
      'era-b.log',
      'era-c.log',
      'era-d.log',
      'ezlinkai-json.log',
      'ezlinkai-text.log',
      'gorm-mysql.log',
      'new-api.log',
      'one-hub.log',
      'recovery-panics-crash.log',
    ]);
  });

  it.each(logs)('%s', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const got = parse(lines.map((t) => ({ text: t, source: file })));
    const result = { unparsed: got.unparsed, records: got.records.length, events: got.events };
    const goldenPath = join(DIR, file.replace(/\.log$/, '.events.json'));
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(goldenPath, JSON.stringify(result, null, 2) + '\n');
    const want = JSON.parse(readFileSync(goldenPath, 'utf8')) as unknown;
    expect(result).toEqual(want);
  });
});
