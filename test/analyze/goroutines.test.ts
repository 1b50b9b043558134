// parseDump / groupDump / compareDumps on dumps captured from the simulator and on constructed header forms.
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { readFileSync } from 'node:fs';
import { DataError } from '../../src/errors.js';
import { compareDumps, compareDumpsMarkdown, groupDump, isStdlib, parseDump, dumpJson } from '../../src/analyze/goroutines.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/dumps/${name}`, import.meta.url), 'utf8');

describe('parseDump + groupDump on whole dumps', () => {
  const cases = [
    {
      name: 'simulator debug=2 (Go 1.19)',
      input: 'sim-debug2-after.txt',
      want: { format: 'debug=2', total: 239, groups: 11, first: { count: 226, state: 'chan receive', maxWaitMinutes: 0, top: 'main.leakyRelay', createdBy: 'main.leak', frames: [{ func: 'main.leakyRelay', file: 'goroscope.test/simulator/sim.go:38' }] } },
    },
    {
      name: 'simulator debug=1',
      input: 'sim-debug1-after.txt',
      want: { format: 'debug=1', total: 239, groups: 11, first: { count: 226, state: null, maxWaitMinutes: null, top: 'main.leakyRelay', createdBy: null, frames: [{ func: 'main.leakyRelay', file: 'goroscope.test/simulator/sim.go:38' }] } },
    },
    {
      name: 'simulator crash dump, GOTRACEBACK=all (panic: preamble)',
      input: 'sim-crash-all.txt',
      want: { format: 'debug=2', total: 238, groups: 10, first: { count: 226, state: 'chan receive', maxWaitMinutes: 0, top: 'main.leakyRelay', createdBy: 'main.leak', frames: [{ func: 'main.leakyRelay', file: 'goroscope.test/simulator/sim.go:38' }] } },
    },
    {
      name: 'Go 1.21 debug=2: created by … in goroutine K, minutes, elided frames',
      input: 'go121-debug2.txt',
      want: {
        format: 'debug=2', total: 8, groups: 5,
        first: { count: 3, state: 'chan send', maxWaitMinutes: 42, top: 'github.com/songquanpeng/one-api/relay/adaptor/openai.StreamHandler.func2', createdBy: 'github.com/songquanpeng/one-api/relay/adaptor/openai.StreamHandler', frames: [{ func: 'github.com/songquanpeng/one-api/relay/adaptor/openai.StreamHandler.func2', file: '/build/relay/adaptor/openai/main.go:61' }] },
      },
    },
    {
      name: 'Go 1.22+ crash, GOTRACEBACK=system: gp= m= mp= headers, fp/sp/pc, exit status trailer',
      input: 'go122-crash-system.txt',
      want: {
        format: 'debug=2', total: 5, groups: 4,
        first: { count: 2, state: 'chan receive', maxWaitMinutes: 3, top: 'main.worker', createdBy: 'main.main', frames: [
          { func: 'runtime.gopark', file: '/usr/local/go/src/runtime/proc.go:424' },
          { func: 'runtime.chanrecv', file: '/usr/local/go/src/runtime/chan.go:639' },
          { func: 'runtime.chanrecv2', file: '/usr/local/go/src/runtime/chan.go:494' },
          { func: 'main.worker', file: '/src/worker.go:22' },
          { func: 'main.main.gowrap1', file: '/src/main.go:27' },
        ] },
      },
    },
    {
      name: 'debug=1 with labels',
      input: 'go120-debug1-labels.txt',
      want: { format: 'debug=1', total: 7, groups: 3, first: { count: 4, state: null, maxWaitMinutes: null, top: 'github.com/songquanpeng/one-api/relay/adaptor/openai.StreamHandler.func2', createdBy: null, frames: [{ func: 'github.com/songquanpeng/one-api/relay/adaptor/openai.StreamHandler.func2', file: '/build/relay/adaptor/openai/main.go:61' }] } },
    },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    const dump = parseDump(fixture(input));
    const groups = groupDump(dump);
    expect({ format: dump.format, total: dump.total, groups: groups.length }).toEqual({ format: want.format, total: want.total, groups: want.groups });
    expect(groups.reduce((s, g) => s + g.count, 0)).toBe(want.total);
    expect(dumpJson(dump.total, groups).groups).toContainEqual(want.first);
    expect((dumpJson(dump.total, groups).groups as unknown[])[0]).toEqual(want.first);
  });
});

describe('goroutine headers and frames', () => {
  const one = (header: string, body = 'main.f()\n\t/src/main.go:3 +0x1\n') => parseDump(`${header}\n${body}`).records[0]!;
  const cases = [
    { name: 'plain', input: 'goroutine 1 [running]:', want: { id: 1, state: 'running', waitMinutes: 0, lockedToThread: false } },
    { name: 'minutes', input: 'goroutine 18 [chan receive, 12 minutes]:', want: { id: 18, state: 'chan receive', waitMinutes: 12, lockedToThread: false } },
    { name: '1 minutes (Go prints the plural)', input: 'goroutine 9 [select, 1 minutes]:', want: { id: 9, state: 'select', waitMinutes: 1, lockedToThread: false } },
    { name: 'minutes and locked to thread', input: 'goroutine 7 [syscall, 3 minutes, locked to thread]:', want: { id: 7, state: 'syscall', waitMinutes: 3, lockedToThread: true } },
    { name: 'locked, no minutes', input: 'goroutine 5 [running, locked to thread]:', want: { id: 5, state: 'running', waitMinutes: 0, lockedToThread: true } },
    { name: 'Go 1.22+ gp= m=nil', input: 'goroutine 1 gp=0xc000002380 m=nil [chan receive]:', want: { id: 1, state: 'chan receive', waitMinutes: 0, lockedToThread: false } },
    { name: 'Go 1.22+ gp= m= mp=', input: 'goroutine 18 gp=0xc000102a80 m=4 mp=0xc000100008 [running]:', want: { id: 18, state: 'running', waitMinutes: 0, lockedToThread: false } },
    { name: 'state with parentheses', input: 'goroutine 3 [chan receive (nil chan), 7 minutes]:', want: { id: 3, state: 'chan receive (nil chan)', waitMinutes: 7, lockedToThread: false } },
    { name: 'CRLF line ends', input: 'goroutine 4 [IO wait]:\r', want: { id: 4, state: 'IO wait', waitMinutes: 0, lockedToThread: false } },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    const r = one(input);
    expect({ id: r.id, state: r.state, waitMinutes: r.waitMinutes, lockedToThread: r.lockedToThread }).toEqual(want);
  });

  const frames = [
    { name: 'arguments with ? and braces dropped', input: 'main.handle({0x8457b0, 0xc000010720}, 0xc000224f00?)\n\t/src/a.go:7 +0x314\n', want: { frames: [{ func: 'main.handle', file: '/src/a.go:7' }], createdBy: null, createdByGoroutine: null } },
    { name: 'method on pointer, inlined (...)', input: 'sync.(*Mutex).Lock(...)\n\t/usr/lib/go/src/sync/mutex.go:90\n', want: { frames: [{ func: 'sync.(*Mutex).Lock', file: '/usr/lib/go/src/sync/mutex.go:90' }], createdBy: null, createdByGoroutine: null } },
    { name: 'created by (Go < 1.21)', input: 'main.f()\n\t/src/a.go:1 +0x1\ncreated by main.leak\n\t/src/a.go:9 +0x5d\n', want: { frames: [{ func: 'main.f', file: '/src/a.go:1' }], createdBy: 'main.leak', createdByGoroutine: null } },
    { name: 'created by … in goroutine K (Go ≥ 1.21)', input: 'main.f()\n\t/src/a.go:1 +0x1\ncreated by net/http.(*Server).Serve in goroutine 1\n\t/x/server.go:3086 +0x5cb\n', want: { frames: [{ func: 'main.f', file: '/src/a.go:1' }], createdBy: 'net/http.(*Server).Serve', createdByGoroutine: 1 } },
    { name: 'tabs turned into spaces', input: 'main.f()\n        /src/a.go:1 +0x1\n', want: { frames: [{ func: 'main.f', file: '/src/a.go:1' }], createdBy: null, createdByGoroutine: null } },
    { name: 'stack unavailable', input: '\tgoroutine running on other thread; stack unavailable\n', want: { frames: [], createdBy: null, createdByGoroutine: null } },
  ];
  it.each(frames)('$name', ({ input, want }) => {
    const r = one('goroutine 2 [running]:', input);
    expect({ frames: r.frames, createdBy: r.createdBy, createdByGoroutine: r.createdByGoroutine }).toEqual(want);
  });
});

describe('bad input is a DataError (exit 65) with one clear line', () => {
  const full = fixture('sim-debug2-after.txt');
  const lines = full.split('\n');
  const cases = [
    { name: 'empty', input: '', want: 'empty goroutine dump' },
    { name: 'only blank lines', input: '\n \n\t\n', want: 'empty goroutine dump' },
    { name: 'committed empty file', input: fixture('empty.txt'), want: 'empty goroutine dump' },
    { name: 'HTML page', input: fixture('not-dump-html.txt'), want: 'an HTML page, not a goroutine dump' },
    { name: 'One API log text', input: '[SYS] 2025/11/03 - 14:22:05 | One API v0.0.0 started \n', want: 'not a goroutine dump (first line: "[SYS] 2025/11/03 - 14:22:05 | One API v0.0.0 started")' },
    { name: 'JSON health answer', input: '{"goroutines":7,"status":"ok"}\n', want: 'not a goroutine dump (first line: "{\\"goroutines\\":7,\\"status\\":\\"ok\\"}")' },
    { name: 'cut inside a line (committed file)', input: fixture('cut-debug2.txt'), want: 'goroutine dump cut off: it ends in the middle of a line' },
    { name: 'cut after a header', input: lines.slice(0, lines.findIndex((l) => l.startsWith('goroutine 1 ')) + 1).join('\n') + '\n', want: /^goroutine dump cut off: goroutine 1 has no stack \(line \d+\)$/ },
    { name: 'cut after a function line', input: 'goroutine 1 [running]:\nmain.main()\n', want: 'goroutine dump cut off: the last frame of goroutine 1 has no file line' },
    { name: 'cut inside the last file line', input: 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go', want: 'goroutine dump cut off: it ends in the middle of a line' },
    { name: 'debug=1 cut at a record (committed file)', input: fixture('cut-debug1.txt'), want: 'goroutine dump cut off: the profile says total 239 but its records add up to 234' },
    { name: 'debug=1 with a foreign line', input: 'goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\nhello\n', want: 'not a goroutine profile: unexpected line 4 ("hello")' },
    { name: 'a file line without its function', input: 'goroutine 1 [running]:\n\t/src/main.go:3 +0x1\n\n', want: 'not a goroutine dump: a file line without its function (line 2)' },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    let err: unknown;
    try {
      parseDump(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).exitCode).toBe(65);
    expect((err as DataError).message).toMatch(typeof want === 'string' ? new RegExp(`^${want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : want);
    expect((err as DataError).hint).toBeTruthy();
  });

  fcTest.prop([fc.nat({ max: full.length })], { numRuns: 200 })('any prefix of a real dump parses or is a DataError, never a crash', (n) => {
    try {
      const d = parseDump(full.slice(0, n));
      expect(d.total).toBeLessThanOrEqual(239);
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
    }
  });
  fcTest.prop([fc.string({ maxLength: 300 })], { numRuns: 300 })('arbitrary text never crashes the parser', (s) => {
    try {
      parseDump(s);
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
    }
  });
});

describe('compareDumps', () => {
  const before2 = parseDump(fixture('sim-debug2-before.txt'));
  const after2 = parseDump(fixture('sim-debug2-after.txt'));
  const before1 = parseDump(fixture('sim-debug1-before.txt'));
  const after1 = parseDump(fixture('sim-debug1-after.txt'));
  const leak = { top: 'main.leakyRelay', before: 24, after: 226, growth: 202 };
  const cases = [
    { name: 'debug=2 → debug=2, 30 s apart', input: { a: before2, b: after2, s: 30 }, want: { first: { ...leak, perMinute: 404, createdBy: 'main.leak' }, count: 2, totals: [37, 239] } },
    { name: 'debug=1 → debug=1, time unknown', input: { a: before1, b: after1, s: null }, want: { first: { ...leak, perMinute: null, createdBy: null }, count: 1, totals: [37, 239] } },
    { name: 'debug=1 → debug=2 (formats agree on signatures)', input: { a: before1, b: after2, s: 120 }, want: { first: { ...leak, perMinute: 101, createdBy: 'main.leak' }, count: 2, totals: [37, 239] } },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    const c = compareDumps(input.a, input.b, input.s);
    expect([c.totalBefore, c.totalAfter]).toEqual(want.totals);
    expect(c.suspects.length).toBe(want.count);
    const { signature: _s, ...first } = c.suspects[0]!;
    expect(first).toEqual(want.first);
  });

  const dump = (groups: [string, number][]) =>
    groups.map(([fn, n]) => Array.from({ length: n }, (_, i) => `goroutine ${fn.length * 1000 + i} [chan receive]:\nmain.${fn}()\n\t/src/${fn}.go:1 +0x1\ncreated by main.spawn\n\t/src/main.go:9 +0x2\n`).join('\n')).join('\n');
  const ranking = [
    { name: 'ranked by growth, shrinking and unchanged groups left out', input: { a: [['a', 5], ['b', 5], ['c', 9]], b: [['a', 8], ['b', 15], ['c', 2], ['d', 1]] }, want: ['main.b +10', 'main.a +3', 'main.d +1'] },
    { name: 'total flat: growing groups still listed (churn)', input: { a: [['a', 5], ['b', 5]], b: [['a', 10], ['b', 0]] }, want: ['main.a +5'] },
    { name: 'nothing grew', input: { a: [['a', 5]], b: [['a', 5]] }, want: [] },
  ] as const;
  it.each(ranking)('$name', ({ input, want }) => {
    const c = compareDumps(parseDump(dump(input.a as unknown as [string, number][])), parseDump(dump(input.b as unknown as [string, number][])), 60);
    expect(c.suspects.map((s) => `${s.top} +${s.growth}`)).toEqual(want);
  });

  it('compareDumpsMarkdown (for bundle) gives a table, or null for a bad dump', () => {
    const md = compareDumpsMarkdown(fixture('sim-debug2-before.txt'), fixture('sim-debug2-after.txt'), 5)!;
    expect(md.markdown.split('\n').slice(0, 5)).toEqual([
      'Goroutines: 37 → 239 (+202 in 5 s).',
      '',
      '| growth | before | after | per minute | function | created by |',
      '| ---: | ---: | ---: | ---: | --- | --- |',
      '| +202 | 24 | 226 | 2424 | `main.leakyRelay` | `main.leak` |',
    ]);
    expect((md.json as { suspects: unknown[] }).suspects[0]).toEqual({ ...leak, perMinute: 2424, createdBy: 'main.leak' });
    expect(compareDumpsMarkdown(fixture('cut-debug2.txt'), fixture('sim-debug2-after.txt'))).toBeNull();
  });
});

describe('isStdlib', () => {
  const cases = [
    { name: 'runtime', input: 'runtime.gopark', want: true },
    { name: 'net/http method', input: 'net/http.(*conn).serve', want: true },
    { name: 'internal/poll', input: 'internal/poll.runtime_pollWait', want: true },
    { name: 'sync method', input: 'sync.(*WaitGroup).Wait', want: true },
    { name: 'panic frame', input: 'panic', want: true },
    { name: 'main', input: 'main.leakyRelay', want: false },
    { name: 'module without a dot (new-api builds)', input: 'one-api/controller.testAllChannels.func1', want: false },
    { name: 'github module', input: 'github.com/gin-gonic/gin.(*Context).Next', want: false },
    { name: 'golang.org/x', input: 'golang.org/x/net/http2.(*serverConn).serve', want: false },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(isStdlib(input)).toBe(want));
});

describe('pasted and older dump shapes (fixtures/dumps, constructed from the Go runtime formats)', () => {
  const groups = (name: string) => {
    const d = parseDump(fixture(name));
    return { total: d.total, groups: groupDump(d).map((g) => ({ count: g.count, top: g.top, createdBy: g.createdBy, state: g.state })) };
  };
  it.each([
    {
      name: 'GODEBUG=tracebackancestors: every goroutine after an ancestor section is read; ancestor frames are not the stack',
      input: 'ancestors-debug2.txt',
      want: {
        total: 4,
        groups: [
          { count: 2, top: 'main.leakyRelay', createdBy: 'main.handle', state: 'chan receive' },
          { count: 1, top: 'main.main', createdBy: null, state: 'chan receive' },
          { count: 1, top: 'main.monitor', createdBy: 'main.main', state: 'select' },
        ],
      },
    },
    {
      name: 'the same stack from two creators is two groups, each naming its creator',
      input: 'creators-debug2.txt',
      want: {
        total: 6,
        groups: [
          { count: 3, top: 'main.wait', createdBy: 'main.startA', state: 'chan receive' },
          { count: 2, top: 'main.wait', createdBy: 'main.startB', state: 'chan receive' },
          { count: 1, top: 'main.main', createdBy: null, state: 'chan receive' },
        ],
      },
    },
    {
      name: 'older Go crash: fp= sp= without pc=',
      input: 'go16-crash-fpsp.txt',
      want: {
        total: 2,
        groups: [
          { count: 1, top: 'main.(*Agent).lookup', createdBy: 'main.(*Agent).Run', state: 'running' },
          { count: 1, top: 'main.main', createdBy: null, state: 'chan receive' },
        ],
      },
    },
  ])('$name', ({ input, want }) => expect(groups(input)).toEqual(want));

  it('a dump indented four spaces (markdown) reads like the original', () => {
    expect(parseDump(fixture('indented-debug2.txt'))).toEqual(parseDump(fixture('go121-debug2.txt')));
  });

  it('compareDumps matches groups by stack and creator: growth of one creator is not hidden by the other', () => {
    const before = parseDump(fixture('creators-debug2.txt'));
    const after = parseDump(fixture('creators-debug2.txt') + ['goroutine 15 [chan receive]:', 'main.wait(0x1)', '\t/app/wait.go:9 +0x25', 'created by main.startB in goroutine 1', '\t/app/b.go:7 +0x3a', '', ''].join('\n'));
    expect(compareDumps(before, after).suspects.map((s) => [s.top, s.createdBy, s.before, s.after, s.growth])).toEqual([['main.wait', 'main.startB', 2, 3, 1]]);
  });
});
