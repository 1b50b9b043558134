// Docker stays behind its interface (src/docker/runtime.ts): no file outside src/docker imports dockerode or
// docker-modem or speaks to a modem; inside src/docker, engine.ts makes the calls and body.ts (the one reader of
// streamed bodies) dials the modem for TLS and ssh endpoints. A new Docker need changes src/docker, never a command.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = join(ROOT, 'src');
const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, f));

/** `import type Docker from 'dockerode';`, `await import('dockerode')`, `from 'docker-modem'` */
const IMPORTS_CLIENT = /(?:from\s+|import\s*\(\s*)['"](?:dockerode|docker-modem)['"]/;
/** `this.modem.dial(`, `docker.modem` (a comment mentioning the modem does not count: only code is looked at) */
const USES_MODEM = /\.modem\b|\bmodem\.dial\(/;
/** Drop comments so that prose about dockerode is not mistaken for its use. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const users = (re: RegExp) => files.filter((f) => re.test(code(readFileSync(f, 'utf8')))).map((f) => relative(ROOT, f)).sort();

describe('Docker behind one interface', () => {
  it('finds the source files (the test looks where the code is)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith('src/docker/engine.ts'))).toBe(true);
  });
  const cases: { name: string; re: RegExp; want: string[] }[] = [
    { name: 'only src/docker imports dockerode or docker-modem', re: IMPORTS_CLIENT, want: ['src/docker/client.ts', 'src/docker/engine.ts'] },
    { name: 'only engine.ts and body.ts speak to the modem', re: USES_MODEM, want: ['src/docker/body.ts', 'src/docker/engine.ts'] },
  ];
  for (const c of cases) it(c.name, () => expect(users(c.re)).toEqual(c.want));
});
