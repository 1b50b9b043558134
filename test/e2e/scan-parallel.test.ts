// The parallel `scan --json` (one big plain file cut into byte ranges, docs/scan.md): its summary must be
// deep-equal to the sequential one (`--workers 1`) whatever the file's form, and the cut must land where no record
// or relay-panic group spans it. The size threshold is lowered (GOROSCOPE_PARALLEL_MIN_BYTES) so a few MB do;
// GOROSCOPE_PARALLEL_TRACE makes the CLI print where it cut.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goroscope, ROOT, startGoroscope } from '../helpers/cli.js';

// GOROSCOPE_PARALLEL_MIN_BUSY 0: the file is read in parallel however quiet its lines (the default leaves a mostly
// quiet file to one thread; tested below).
const ENV = { GOROSCOPE_PARALLEL_MIN_BYTES: String(1 << 20), GOROSCOPE_PARALLEL_TRACE: '1', GOROSCOPE_PARALLEL_MIN_BUSY: '0' };

/** The shipped sample's lines as [docker time, text]. */
const SAMPLE: [string, string][] = readFileSync(join(ROOT, 'fixtures/sample/one-api-week.log'), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]);

const APP = '2026/03/05 - 12:00:00';
const GIN = (i: number) => `[GIN] ${APP} | rid${i} | 200 |    1.5${i % 10}ms |      172.18.0.1 |    POST /v1/chat/completions`;
/** Multi-line records and relay-panic groups, each followed by one to three access lines: never 16 one-line starts in a row. */
function denseBlock(i: number): string[] {
  const rid = `2026030512000000${i}`;
  const groups = [
    [
      `[ERR] ${APP} | ${rid} | panic detected: runtime error: invalid memory address or nil pointer dereference `,
      `[ERR] ${APP} | ${rid} | stacktrace from panic: goroutine ${1000 + i} [running]:`,
      'runtime/debug.Stack()',
      '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e',
      `one-api/relay/adaptor/gemini.StreamHandler(0xc000${i % 97})`,
      '\t/build/relay/adaptor/gemini/main.go:287 +0x1a4',
      ' ',
      `[ERR] ${APP} | ${rid} | request: POST /v1/chat/completions `,
      `[ERR] ${APP} | ${rid} | request body: {"model":"gemini-1.5-pro","stream":true} `,
    ],
    ['', '', `\x1b[31m2026/03/05 12:00:00 [Recovery] ${APP} panic recovered:`, 'runtime error: index out of range [0] with length 0', `/build/controller/channel.go:${200 + (i % 50)} (0x1a9c5e3)`, '\x1b[0m'],
    [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1b3c5a4]',
      '',
      `goroutine ${5000 + i} [running]:`,
      `one-api/controller.processChannelRelayError(0x${i % 13})`,
      '\t/build/controller/relay.go:761 +0x64',
    ],
    ['\r', `2026/03/05 12:00:00 \x1b[31;1m/build/model/cache.go:40 \x1b[35;1mrecord not found`, "\x1b[0m\x1b[33m[0.812ms] \x1b[34;1m[rows:0]\x1b[0m SELECT * FROM `tokens` LIMIT 1"],
    [`[SYS] ${APP} | child goroutine panic occured: error: assignment to entry in nil map, stack: goroutine ${i} [running]:`, 'runtime/debug.Stack()', '\t/build/common/go-channel.go:12 +0x58', ' '],
  ];
  return [...groups[i % groups.length]!, ...Array.from({ length: 1 + (i % 3) }, (_, k) => GIN(i * 3 + k))];
}

type Form = 'plain' | 'docker-t' | 'json-file';
function render(lines: [string, string][], form: Form): string {
  switch (form) {
    case 'plain':
      return lines.map(([, t]) => `${t}\n`).join('');
    case 'docker-t':
      return lines.map(([ts, t]) => `${ts} ${t}\n`).join('');
    case 'json-file':
      return lines.map(([ts, t]) => `${JSON.stringify({ log: `${t}\n`, stream: 'stdout', time: ts })}\n`).join('');
  }
}

/** The sample split in two halves with `dense` lines between; returns the lines and where the dense part ends (line index). */
function withDenseMiddle(blocks: number): { lines: [string, string][]; denseEnd: number } {
  const half = Math.floor(SAMPLE.length / 2);
  const ts = SAMPLE[half - 1]![0];
  const dense: [string, string][] = [];
  for (let i = 0; i < blocks; i++) for (const t of denseBlock(i)) dense.push([ts, t]);
  return { lines: [...SAMPLE.slice(0, half), ...dense, ...SAMPLE.slice(half)], denseEnd: half + dense.length };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goroscope-parallel-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(file: string, workers: string | null, args: string[] = [], env: Record<string, string> = {}): Promise<{ summary: Record<string, unknown>; trace: string }> {
  const r = await goroscope(['scan', file, '--json', ...args, ...(workers ? ['--workers', workers] : [])], { env: { ...ENV, ...env } });
  expect(r.stderr.replace(/^parallel: .*\n/, '')).toBe('');
  expect(r.code).toBe(0);
  const summary = JSON.parse(r.stdout) as Record<string, unknown>;
  delete summary.peakRssMb;
  return { summary, trace: r.stderr };
}

/** Byte offset of the start of line `n` of rendered text. */
const offsetOfLine = (text: string, n: number) => Buffer.byteLength(text.split('\n').slice(0, n).join('\n')) + (n > 0 ? 1 : 0);

describe('scan --json in parallel equals --workers 1', () => {
  const cases: {
    name: string;
    form: Form;
    lines: () => [string, string][];
    workers: string | null;
    args?: string[];
    env?: Record<string, string>;
    /** At most `ranges` (exactly, without `minRanges`): a dense part of the file leaves fewer cuts. */
    want: { ranges: number; minRanges?: number; cutAfterLine?: number };
  }[] = [];
  for (const form of ['plain', 'docker-t', 'json-file'] as const) {
    cases.push({ name: `sample twice, ${form}`, form, lines: () => [...SAMPLE, ...SAMPLE], workers: null, want: { ranges: 2 } });
    const d = withDenseMiddle(1200);
    cases.push({ name: `dense panics/crashes/GORM in the middle, ${form}`, form, lines: () => d.lines, workers: null, want: { ranges: 2, cutAfterLine: d.denseEnd } });
  }
  cases.push({ name: 'sample twice, --kind startup,panic,goroutine, docker-t', form: 'docker-t', lines: () => [...SAMPLE, ...SAMPLE], workers: null, args: ['--kind', 'startup,panic,goroutine'], want: { ranges: 2 } });
  cases.push({ name: 'sample three times, --workers 3, docker-t', form: 'docker-t', lines: () => [...SAMPLE, ...SAMPLE, ...SAMPLE], workers: '3', want: { ranges: 3 } });
  // Many ranges (one per thread, up to the hidden maximum of 64), merged in file order; a dense part of the file leaves
  // fewer cuts (a share that would end inside it is left out).
  for (const form of ['plain', 'docker-t', 'json-file'] as const) {
    const d = withDenseMiddle(1200);
    cases.push({ name: `dense middle, --workers 8, ${form}`, form, lines: () => d.lines, workers: '8', want: { ranges: 8, minRanges: 3 } });
  }
  cases.push({ name: 'sample three times, --workers 12, docker-t', form: 'docker-t', lines: () => [...SAMPLE, ...SAMPLE, ...SAMPLE], workers: '12', want: { ranges: 12, minRanges: 10 } });
  for (const c of cases) {
    it(c.name, async () => {
      const text = render(c.lines(), c.form);
      const file = join(dir, `${c.name.replace(/[^a-z0-9]+/gi, '-')}.log`);
      writeFileSync(file, text);
      const [par, seq] = await Promise.all([scan(file, c.workers, c.args, c.env), scan(file, '1', c.args)]);
      expect(seq.trace).toBe('');
      const m = /^parallel: (\d+) threads, (.*)\n$/.exec(par.trace);
      expect(m, par.trace).not.toBeNull();
      const ranges = m![2]!.split(' ').map((r) => r.split('-').map(Number) as [number, number]);
      // one thread per range, at most --workers (2 by default)
      expect(Number(m![1])).toBe(ranges.length);
      expect(ranges.length).toBeLessThanOrEqual(c.workers === null ? 2 : Number(c.workers));
      if (c.want.minRanges === undefined) expect(ranges.length).toBe(c.want.ranges);
      else expect(ranges.length >= c.want.minRanges && ranges.length <= c.want.ranges, `${ranges.length} ranges`).toBe(true);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]); // no gap, no overlap
      expect(ranges[0]![0]).toBe(0);
      expect(ranges[ranges.length - 1]![1]).toBe(Buffer.byteLength(text));
      const buf = Buffer.from(text);
      for (const [start] of ranges.slice(1)) expect(buf[start - 1]).toBe(10); // every cut at a line start
      if (c.want.cutAfterLine !== undefined) expect(ranges[1]![0]).toBeGreaterThan(offsetOfLine(text, c.want.cutAfterLine));
      expect(par.summary).toEqual(seq.summary);
      expect((par.summary.lines as number) > 0 && (par.summary.records as number) > 0).toBe(true);
    });
  }

  it('relay panics whose parts are up to 60 records apart are never cut in two (16 ranges): same panics as --workers 1', async () => {
    const lines: [string, string][] = [];
    const ts = '2026-03-05T04:00:00.000000000Z';
    for (let i = 0; lines.length < 60_000; i++) {
      const rid = `20260305120000${String(i).padStart(8, '0')}`;
      const gins = (n: number) => Array.from({ length: n }, (_, k) => [ts, GIN(i * 100 + k)] as [string, string]);
      lines.push(
        [ts, `[ERR] ${APP} | ${rid} | panic detected: runtime error: index out of range [${i % 7}] with length 0 `],
        ...gins(20 + (i % 40)),
        [ts, `[ERR] ${APP} | ${rid} | stacktrace from panic: goroutine ${1000 + i} [running]:`],
        [ts, 'runtime/debug.Stack()'],
        [ts, '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e'],
        ...gins(10 + (i % 20)),
        [ts, `[ERR] ${APP} | ${rid} | request body: {"model":"gpt-4o"} `],
        ...gins(3 + (i % 90)),
      );
    }
    const file = join(dir, 'spread-panics.log');
    writeFileSync(file, render(lines, 'docker-t'));
    const [par, seq] = await Promise.all([scan(file, '16'), scan(file, '1')]);
    const ranges = /^parallel: \d+ threads, (.*)\n$/.exec(par.trace)![1]!.split(' ');
    expect(ranges.length).toBeGreaterThan(10);
    expect((seq.summary.events as Record<string, number>).panic).toBe(lines.filter(([, t]) => t.includes('panic detected')).length);
    expect(par.summary).toEqual(seq.summary);
  });

  it('a startup banner right at the cut is a restart (the first range saw the source): restarts 1 either way', async () => {
    // A wide part no cut can fall in (GORM traces: multi-line records), then 16 access lines and the banner: wherever
    // in that part the work is shared out, the first safe cut after it is the banner's line.
    const gin = (i: number) => `[GIN] ${APP} | rid${i} | 200 |    1.5ms |      172.18.0.1 |    POST /v1/chat/completions\n`;
    const line = (i: number) => (i % 2 === 0 ? gin(i) : `[SYS] ${APP} | Goroutine count: ${900 + (i % 50)} \n`);
    const gorm = ['\r\n', '2026/03/05 12:00:00 /build/model/cache.go:40 record not found\n', '[0.812ms] [rows:0] SELECT * FROM `tokens` LIMIT 1\n'];
    const before = [
      ...Array.from({ length: 6000 }, (_, i) => line(i)),
      ...Array.from({ length: 6000 }, () => gorm).flat(),
      ...Array.from({ length: 16 }, (_, i) => gin(6000 + i)),
    ].join('');
    const text = before + `[SYS] ${APP} | One API v1.9.2 started \n` + Array.from({ length: 6000 }, (_, i) => line(i)).join('');
    const at = Buffer.byteLength(before);
    const size = Buffer.byteLength(text);
    const file = join(dir, 'restart-at-cut.log');
    writeFileSync(file, text);
    const [par, seq] = await Promise.all([scan(file, null), scan(file, '1')]);
    expect(par.trace).toBe(`parallel: 2 threads, 0-${at} ${at}-${size}\n`);
    expect([seq.summary.restarts, (seq.summary.events as Record<string, number>).startup]).toEqual([1, 1]);
    expect(par.summary).toEqual(seq.summary);
  });

  it('no safe cut (the whole file is multi-line records and panic groups): read sequentially, same summary', async () => {
    const lines: [string, string][] = [];
    for (let i = 0; lines.length < 40_000; i++) for (const t of denseBlock(i)) lines.push(['2026-03-05T04:00:00.000000000Z', t]);
    const file = join(dir, 'dense-only.log');
    writeFileSync(file, render(lines, 'docker-t'));
    const [par, seq] = await Promise.all([scan(file, null), scan(file, '1')]);
    expect(par.trace).toBe('parallel: no cut\n');
    expect(par.summary).toEqual(seq.summary);
  });

  it('below the threshold, gzipped or several sources: no parallel scan', async () => {
    const small = join(dir, 'small.log');
    writeFileSync(small, render(SAMPLE.slice(0, 100), 'docker-t'));
    const r = await goroscope(['scan', small, '--json'], { env: ENV });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const r2 = await goroscope(['scan', small, small, '--json'], { env: { ...ENV, GOROSCOPE_PARALLEL_MIN_BYTES: '1' } });
    expect([r2.code, r2.stderr]).toEqual([0, '']);
    const gz = join(dir, 'sample.log.gz');
    writeFileSync(gz, gzipSync(render(SAMPLE, 'docker-t')));
    const r3 = await goroscope(['scan', gz, '--json'], { env: { ...ENV, GOROSCOPE_PARALLEL_MIN_BYTES: '1' } });
    expect([r3.code, r3.stderr, JSON.parse(r3.stdout).lines]).toEqual([0, '', SAMPLE.length]);
  });

  it('Ctrl-C: the summary of what was read from the start of the file, every line of it counted once (exit 130)', async () => {
    // 48 MB, one line in ten a relay error: a contiguous prefix of n lines holds exactly floor(n / 10) of them.
    const file = join(dir, 'interrupted.log');
    const line = (i: number) =>
      i % 10 === 9
        ? `2026-03-05T04:00:00.000000000Z [ERR] ${APP} | rid${i} | relay error (channel #3, status code 502): bad gateway \n`
        : `2026-03-05T04:00:00.000000000Z ${GIN(i)}\n`;
    const block = Array.from({ length: 10_000 }, (_, i) => line(i)).join('');
    writeFileSync(file, block.repeat(Math.ceil((48 << 20) / block.length)));
    const total = 10_000 * Math.ceil((48 << 20) / block.length);
    const run = startGoroscope(['scan', file, '--json'], ENV);
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGINT');
    const exit = await run.exited;
    const { stdout, stderr } = run;
    const s = JSON.parse(stdout) as { lines: number; records: number; relayErrors: { total: number } };
    if (exit === 0) {
      // a fast machine: it was done before the Ctrl-C
      expect(s.lines).toBe(total);
    } else {
      expect(exit).toBe(130);
      expect(s.lines).toBeLessThan(total);
    }
    expect([s.records, s.relayErrors.total]).toEqual([s.lines, Math.floor(s.lines / 10)]);
    expect(stderr.replace(/^parallel: .*\n/, '')).toBe('');
  }, 60_000);

  it('mostly quiet lines stay on one thread; one line in five an event is read on both', async () => {
    const ts = '2026-03-05T04:00:00.000000000Z';
    const quiet = Array.from({ length: 60_000 }, (_, i) => `${ts} ${GIN(i)}\n`).join('');
    const busy = Array.from({ length: 60_000 }, (_, i) =>
      i % 5 === 4 ? `${ts} [ERR] ${APP} | rid${i} | relay error (channel #${i % 7}, status code 502): bad gateway \n` : `${ts} ${GIN(i)}\n`,
    ).join('');
    const env = { GOROSCOPE_PARALLEL_MIN_BUSY: '0.05' };
    for (const [name, text, trace] of [['quiet', quiet, 'parallel: no, 0.0 % of the lines may make an event\n'], ['busy', busy, 'parallel: 2 threads, 0-']] as const) {
      const file = join(dir, `decide-${name}.log`);
      writeFileSync(file, text);
      const [par, seq] = await Promise.all([scan(file, null, [], env), scan(file, '1')]);
      expect(par.trace.startsWith(trace), par.trace).toBe(true);
      expect(par.summary).toEqual(seq.summary);
    }
  });

  it('--workers must be a number from 1 to 64', async () => {
    const r = await goroscope(['scan', 'fixtures/sample/one-api-week.log', '--json', '--workers', '0']);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([64, 'error: --workers takes a number from 1 to 64 (0)']);
  });
});
