// What a user gets wrong before anything is read, through the real binary: a config file that is missing or holds a
// value goroscope cannot use, a language it does not speak, a log file that is not there. Each ends with one clear
// line, a hint that fits the mistake, and the exit code docs/exit-codes.md gives for it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goroscope } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-usage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const SAMPLE = 'fixtures/sample/one-api-week.log';
mkdirSync(join(dir, 'logs'));
writeFileSync(join(dir, 'logs', 'one-api.log'), '[SYS] 2026/03/02 - 08:00:30 | ⚠️ High goroutine count detected: 5234 \n');

describe('bad settings and missing files: one line, a hint that fits, the documented exit code', () => {
  const cases: { name: string; input: () => { args: string[]; env?: Record<string, string> }; want: { code: number; lines: string[] } }[] = [
    {
      name: '--config naming a missing file is a missing file (66), like every other missing file',
      input: () => ({ args: ['--config', join(dir, 'nope.json'), 'scan', SAMPLE] }),
      want: { code: 66, lines: [`error: cannot read the config file (${join(dir, 'nope.json')})`, 'no such file; --config names a JSON file (docs/config.md)'] },
    },
    {
      name: '$GOROSCOPE_CONFIG naming a missing file: the same',
      input: () => ({ args: ['scan', SAMPLE], env: { GOROSCOPE_CONFIG: join(dir, 'gone.json') } }),
      want: { code: 66, lines: [`error: cannot read the config file (${join(dir, 'gone.json')})`, 'no such file; $GOROSCOPE_CONFIG names a JSON file (docs/config.md)'] },
    },
    {
      name: 'a config file that is a directory: cannot be read (66)',
      input: () => ({ args: ['--config', join(dir, 'logs'), 'scan', SAMPLE] }),
      want: { code: 66, lines: [`error: cannot read the config file (${join(dir, 'logs')})`, 'it is a directory; --config names a JSON file (docs/config.md)'] },
    },
    {
      name: 'an unknown lang in the config file is not silently ignored',
      input: () => ({ args: ['--config', file('fr.json', '{"lang": "fr"}'), 'scan', SAMPLE] }),
      want: { code: 64, lines: ['error: config lang must be "en" or "zh" ("fr")', `in ${join(dir, 'fr.json')}; remove the key to follow the locale (LANG)`] },
    },
    {
      name: 'a lang that is not a string either',
      input: () => ({ args: ['--config', file('num.json', '{"lang": 7}'), 'scan', SAMPLE] }),
      want: { code: 64, lines: ['error: config lang must be "en" or "zh" (7)', `in ${join(dir, 'num.json')}; remove the key to follow the locale (LANG)`] },
    },
    {
      name: 'an unknown --lang',
      input: () => ({ args: ['--lang', 'fr', 'scan', SAMPLE] }),
      want: { code: 64, lines: ['error: --lang takes en or zh (fr)', 'without --lang the language follows the locale (LANG)'] },
    },
    {
      name: 'a missing log file whose directory is missing too: no word about container names',
      input: () => ({ args: ['scan', join(dir, 'nope', 'one-api.log')] }),
      want: { code: 66, lines: [`error: no such file (${join(dir, 'nope', 'one-api.log')})`, `the directory ${join(dir, 'nope')} does not exist either`] },
    },
    {
      name: 'a misspelled log file: the close names in its directory',
      input: () => ({ args: ['scan', join(dir, 'logs', 'one-apu.log')] }),
      want: { code: 66, lines: [`error: no such file (${join(dir, 'logs', 'one-apu.log')})`, `did you mean ${join(dir, 'logs', 'one-api.log')}?`] },
    },
    {
      name: 'a missing file with nothing close: where to look',
      input: () => ({ args: ['scan', join(dir, 'logs', 'zzzzzzzz.log')] }),
      want: { code: 66, lines: [`error: no such file (${join(dir, 'logs', 'zzzzzzzz.log')})`, `nothing close in ${join(dir, 'logs')}; check the path`] },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { args, env } = c.input();
      const r = await goroscope(args, { env });
      expect({ code: r.code, stdout: r.stdout, lines: r.stderr.trimEnd().split('\n') }).toEqual({ code: c.want.code, stdout: '', lines: c.want.lines });
    });
  }
});
