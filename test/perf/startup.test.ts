// What a start of the CLI loads. Every module loaded costs CPU before the first byte is read (date-fns' index alone
// was ~860 modules, 0.15–0.2 s), and `--help` must stay under 300 ms, so the set is asserted, not timed: `--help`
// loads commander and the command declarations only; `scan` loads no date-fns, dockerode, tar or nodemailer unless
// the input needs them (a wall-clock `--since` loads date-fns' parse on first use).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

const HOOKS = fileURLToPath(new URL('./register-load-hooks.mjs', import.meta.url));
const SAMPLE = 'fixtures/sample/one-api-week.log';

/** Run the CLI with the hooks; the npm packages it loaded, the dist/ modules it loaded, stdout and the exit code. */
function load(args: string[]): { packages: string[]; dist: string[]; stdout: string; code: number | null } {
  const r = spawnSync(process.execPath, ['--import', HOOKS, BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC' },
    maxBuffer: 16 << 20,
  });
  const urls = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED file:'))
    .map((l) => l.slice('LOADED '.length));
  const packages = new Set<string>();
  const dist = new Set<string>();
  for (const u of urls) {
    const nm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (nm) packages.add(nm[1]!);
    else if (u.includes('/dist/')) dist.add(u.slice(u.lastIndexOf('/dist/') + 6));
  }
  return { packages: [...packages].sort(), dist: [...dist].sort(), stdout: r.stdout, code: r.status };
}

const HEAVY = ['date-fns', 'dockerode', 'docker-modem', 'tar', 'nodemailer'];

describe('what a start of the CLI loads', () => {
  it('--help: commander and the command declarations, no command body', () => {
    const r = load(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('scan');
    expect(r.packages).toEqual(['commander']);
    expect(r.dist.filter((d) => d.startsWith('commands/') || d.startsWith('parse/') || d === 'pipeline.js')).toEqual([]);
  });

  const cases: { name: string; input: string[]; want: { startups: number; packages: string[] } }[] = [
    { name: 'scan FILE --json', input: ['scan', SAMPLE, '--json'], want: { startups: 5, packages: ['chalk', 'commander'] } },
    {
      name: 'scan FILE --json --since RFC 3339 (read without date-fns)',
      input: ['scan', SAMPLE, '--json', '--since', '2026-03-05T00:00:00Z'],
      want: { startups: 2, packages: ['chalk', 'commander'] },
    },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    const r = load(input);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events.startup).toBe(want.startups);
    expect(r.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(r.packages).toEqual(want.packages);
  });

  // date-fns is require()d on first use, which these ESM hooks do not see: the result shows it worked.
  it('scan FILE --json --since wall-clock time in --tz: date-fns parse loaded on first use', () => {
    const r = load(['scan', SAMPLE, '--json', '--tz', 'Asia/Shanghai', '--since', '2026-03-05 14:40', '--until', '2026-03-05 15:10']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events.startup).toBe(1);
  });
});
