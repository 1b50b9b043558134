// `goroscope goroutines` as a user runs it (the built binary): golden text, JSON shape, bundles, stdin, exit codes.
// Run `npx tsc -p tsconfig.build.json` first so dist/ is current.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, copyFile, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goroscope, ROOT } from '../helpers/cli.js';

const D = 'fixtures/dumps';
const golden = (name: string) => readFile(join(ROOT, 'fixtures/golden/goroutines', name), 'utf8');

describe('goroutines CLI', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gs-goroutines-cli-'));
    await mkdir(join(dir, 'bundle', 'pprof'), { recursive: true });
    await copyFile(join(ROOT, D, 'sim-debug2-before.txt'), join(dir, 'bundle', 'pprof', 'goroutine-1.txt'));
    await copyFile(join(ROOT, D, 'sim-debug2-after.txt'), join(dir, 'bundle', 'pprof', 'goroutine-2.txt'));
    await writeFile(join(dir, 'bundle', 'manifest.json'), JSON.stringify({ items: { pprof: { status: 'ok', intervalMs: 5000 } } }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const goldens = [
    { name: 'compare, 30 s apart', input: ['goroutines', `${D}/sim-debug2-before.txt`, '--compare', `${D}/sim-debug2-after.txt`, '--interval', '30s'], want: 'compare-sim.txt' },
    { name: 'one Go 1.21 dump', input: ['goroutines', `${D}/go121-debug2.txt`], want: 'go121.txt' },
    { name: 'debug=1 vs debug=2, Chinese, --top 3', input: ['goroutines', `${D}/sim-debug1-before.txt`, '--compare', `${D}/sim-debug2-after.txt`, '--lang', 'zh', '--top', '3'], want: 'compare-zh.txt' },
  ];
  it.each(goldens)('golden: $name', async ({ input, want }) => {
    const r = await goroscope(input);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toBe(await golden(want));
  });

  it('--json: the docs/goroutines.md shape, exactly', async () => {
    const r = await goroscope(['goroutines', `${D}/sim-debug2-before.txt`, '--compare', `${D}/sim-debug2-after.txt`, '--interval', '1m', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { total: number; groups: Record<string, unknown>[]; suspects: Record<string, unknown>[] };
    expect(Object.keys(j)).toEqual(['total', 'groups', 'suspects']);
    expect(j.total).toBe(239);
    expect(j.groups.length).toBe(11);
    expect(Object.keys(j.groups[0]!)).toEqual(['count', 'state', 'maxWaitMinutes', 'top', 'createdBy', 'frames']);
    expect(j.suspects).toEqual([
      { top: 'main.leakyRelay', before: 24, after: 226, growth: 202, perMinute: 202, createdBy: 'main.leak' },
      { top: 'net/http.(*connReader).backgroundRead', before: 0, after: 1, growth: 1, perMinute: 1, createdBy: 'net/http.(*connReader).startBackgroundRead' },
    ]);
  });

  const sources = [
    { name: 'bundle directory: its two dumps, 5 s apart', input: () => ['goroutines', join(dir, 'bundle'), '--json'], want: { total: 239, first: { top: 'main.leakyRelay', before: 24, after: 226, growth: 202, perMinute: 2424, createdBy: 'main.leak' } } },
    { name: 'stdin: one dump', input: () => ['goroutines', '-', '--json'], want: { total: 37, first: undefined } },
  ];
  it.each(sources)('$name', async ({ input, want }) => {
    const r = await goroscope(input(), { input: await readFile(join(ROOT, D, 'sim-debug2-before.txt')) });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { total: number; suspects?: unknown[] };
    expect({ total: j.total, first: j.suspects?.[0] }).toEqual(want);
  });

  const errors = [
    { name: 'empty dump', input: ['goroutines', `${D}/empty.txt`], want: { code: 65, first: `error: empty goroutine dump (${D}/empty.txt)` } },
    { name: 'cut-off debug=2', input: ['goroutines', `${D}/cut-debug2.txt`], want: { code: 65, first: `error: goroutine dump cut off: it ends in the middle of a line (${D}/cut-debug2.txt)` } },
    { name: 'cut-off debug=1 as --compare', input: ['goroutines', `${D}/sim-debug1-before.txt`, '--compare', `${D}/cut-debug1.txt`], want: { code: 65, first: `error: goroutine dump cut off: the profile says total 239 but its records add up to 234 (${D}/cut-debug1.txt)` } },
    { name: 'HTML page', input: ['goroutines', `${D}/not-dump-html.txt`], want: { code: 65, first: `error: an HTML page, not a goroutine dump (${D}/not-dump-html.txt)` } },
    { name: 'a README is not a dump', input: ['goroutines', `${D}/README.md`], want: { code: 65, first: `error: not a goroutine dump (first line: "# Goroutine dumps for \`goroscope goroutines\` tests") (${D}/README.md)` } },
    { name: 'missing file', input: ['goroutines', `${D}/nope.txt`], want: { code: 66, first: `error: no such file or directory (${D}/nope.txt)` } },
    { name: '--interval with a file and no --compare', input: ['goroutines', `${D}/go121-debug2.txt`, '--interval', '5s'], want: { code: 64, first: 'error: --interval needs a URL SOURCE (two samples that far apart) or --compare (how far apart the dumps were) (5s)' } },
    { name: 'bad --interval', input: ['goroutines', 'http://127.0.0.1:1', '--interval', 'soon'], want: { code: 64, first: 'error: --interval takes a duration (soon)' } },
    { name: 'bad --top', input: ['goroutines', `${D}/go121-debug2.txt`, '--top', '0'], want: { code: 64, first: 'error: --top takes a whole number ≥ 1 (0)' } },
    { name: 'refused URL', input: ['goroutines', 'http://127.0.0.1:1'], want: { code: 69, first: 'error: connection refused (http://127.0.0.1:1/debug/pprof/goroutine?debug=2)' } },
  ];
  it.each(errors)('$name', async ({ input, want }) => {
    const r = await goroscope(input);
    expect({ code: r.code, first: r.stderr.split('\n')[0], stdout: r.stdout }).toEqual({ ...want, stdout: '' });
    expect(r.stderr.split('\n').filter(Boolean).length).toBe(2); // the error line and a hint
  });
});
