// Recovered panics (relay handler parts, gin [Recovery], ezlinkai SafeGoroutine) and crash dumps, with their signatures.
import { describe, expect, it } from 'vitest';
import type { CrashEvent, PanicEvent } from '../../src/events.js';
import { extractFrames, goroutineBlocks, panicSignature } from '../../src/parse/index.js';
import { base, parse } from './helpers.js';

const RID = '2025022119500312345678987654321';

/** The relay panic handler's records (era D), `debug.Stack()` of a panic in gemini.StreamHandler. */
function relayPanic(opts: { rid?: string; goroutine?: number; prefix?: string; args?: string; offset?: string } = {}): string[] {
  const rid = opts.rid ?? RID;
  const p = opts.prefix ?? 'github.com/songquanpeng/one-api/';
  const mod = opts.prefix === '/build/' ? '' : p; // without -trimpath, function names keep the module, paths are /build/...
  const fnMod = opts.prefix === '/build/' ? 'one-api/' : p;
  return [
    `[ERROR] 2025/02/21 - 19:50:03 | ${rid} | middleware/recover.go:17 [1] panic detected: runtime error: invalid memory address or nil pointer dereference `,
    `[ERROR] 2025/02/21 - 19:50:03 | ${rid} | middleware/recover.go:18 [1] stacktrace from panic: goroutine ${opts.goroutine ?? 2087} [running]:`,
    'runtime/debug.Stack()',
    '\truntime/debug/stack.go:26 +0x5e',
    `${fnMod}middleware.RelayPanicRecover.func1.1()`,
    `\t${mod || p}middleware/recover.go:18 +0xc5`,
    'panic({0x1d2dea0?, 0x3b332b0?})',
    '\truntime/panic.go:785 +0x132',
    `${fnMod}relay/adaptor/gemini.StreamHandler(${opts.args ?? '0xc000a8e100, 0xc0004f2000'})`,
    `\t${p}relay/adaptor/gemini/main.go:301 ${opts.offset ?? '+0x2f4'}`,
    `${fnMod}relay/controller.RelayTextHelper(0xc000a8e100)`,
    `\t${p}relay/controller/text.go:94 +0x6a1`,
    `${fnMod}controller.Relay(0xc000a8e100)`,
    `\t${p}controller/relay.go:48 +0x1d2`,
    'github.com/gin-gonic/gin.(*Context).Next(...)',
    '\tgithub.com/gin-gonic/gin@v1.10.0/context.go:185',
    'created by net/http.(*Server).Serve in goroutine 1',
    '\tnet/http/server.go:3360 +0x485',
    ' ',
    `[ERROR] 2025/02/21 - 19:50:03 | ${rid} | middleware/recover.go:19 [1] request: POST /v1/chat/completions `,
    `[ERROR] 2025/02/21 - 19:50:03 | ${rid} | middleware/recover.go:21 [1] request body: {"model":"gemini-1.5-pro","stream":true,`,
    '  "messages":[{"role":"user","content":"hi"}]} ',
  ];
}

const GEMINI_FRAMES = ['gemini.StreamHandler', 'controller.RelayTextHelper', 'controller.Relay', 'gin.(*Context).Next'];

describe('relay panic handler', () => {
  it('four records sharing a request id make one panic event', () => {
    const got = parse([...relayPanic(), `[GIN] 2025/02/21 - 19:50:03 | ${RID} | 500 |   12.603341ms |      172.18.0.1 |    POST /v1/chat/completions`]);
    expect(got.unparsed).toBe(0);
    expect(got.events).toHaveLength(2);
    const p = got.events[0] as PanicEvent;
    expect(p).toEqual({
      kind: 'panic',
      ...base(`[ERROR] 2025/02/21 - 19:50:03 | ${RID} | middleware/recover.go:17 [1] panic detected: runtime error: invalid memory address or nil pointer dereference`, '2025-02-21T11:50:03.000Z', { requestId: RID }),
      message: 'runtime error: invalid memory address or nil pointer dereference',
      signature: expect.stringMatching(/^[0-9a-f]{8} gemini\.StreamHandler ← controller\.RelayTextHelper$/),
      frames: GEMINI_FRAMES,
      recoveredBy: 'relay',
      request: 'POST /v1/chat/completions',
    });
    expect(got.events[1]!.kind).toBe('http_error');
  });

  it('another request interleaved on the same stream does not split it', () => {
    const lines = relayPanic();
    const other = '[INFO] 2025/02/21 - 19:50:03 | 2025022119500399999999999999999 | controller/relay.go:76 [Relay] using channel #7 to retry (remain times 2) ';
    const got = parse([...lines.slice(0, 1), other, ...lines.slice(1, 19), other, ...lines.slice(19)]);
    expect(got.events.map((e) => e.kind)).toEqual(['retry', 'retry', 'panic']);
    expect((got.events[2] as PanicEvent).frames).toEqual(GEMINI_FRAMES);
    expect((got.events[2] as PanicEvent).request).toBe('POST /v1/chat/completions');
  });

  it('same bug → same signature across goroutine ids, arguments, offsets, /build/ vs module paths', () => {
    const a = parse(relayPanic()).events[0] as PanicEvent;
    const b = parse(relayPanic({ rid: 'x2', goroutine: 91234, args: '0xc00ffee000, 0xc0000badd0', offset: '+0x3a1' })).events[0] as PanicEvent;
    const c = parse(relayPanic({ rid: 'x3', prefix: '/build/' })).events[0] as PanicEvent;
    expect(b.signature).toBe(a.signature);
    expect(c.signature).toBe(a.signature);
    expect(c.frames).toEqual(GEMINI_FRAMES);
  });

  it('era C ([ERR]) parts and a JSON-era stack inside one msg give the same frames', () => {
    const eraC = relayPanic().map((l) => l.replace(/^\[ERROR\] (.{21}) \| (\S+) \| middleware\/recover\.go:\d+ \[1\] /, '[ERR] $1 | $2 | '));
    const c = parse(eraC).events[0] as PanicEvent;
    expect(c.frames).toEqual(GEMINI_FRAMES);
    const stack = relayPanic().slice(1, 19).join('\n').replace(/^.*?stacktrace from panic: /, 'stacktrace from panic: ');
    const json = [
      JSON.stringify({ ts: '2026-08-21T10:15:30+08:00', level: 'error', request_id: 'j1', msg: 'panic detected: boom', service: 'one-api' }),
      JSON.stringify({ ts: '2026-08-21T10:15:30+08:00', level: 'error', request_id: 'j1', msg: stack, service: 'one-api' }),
      JSON.stringify({ ts: '2026-08-21T10:15:30+08:00', level: 'error', request_id: 'j1', msg: 'request: POST /v1/chat/completions', service: 'one-api' }),
      JSON.stringify({ ts: '2026-08-21T10:15:30+08:00', level: 'error', request_id: 'j1', msg: 'request body: {}', service: 'one-api' }),
    ];
    const j = parse(json);
    expect(j.events).toHaveLength(1);
    expect(j.events[0]).toMatchObject({ kind: 'panic', message: 'boom', frames: GEMINI_FRAMES, request: 'POST /v1/chat/completions', requestId: 'j1', time: '2026-08-21T02:15:30.000Z' });
    expect((j.events[0] as PanicEvent).signature).toBe(c.signature);
  });

  it('a bare [SYS] panic detected (v0.5.10) is one panic, recoveredBy unknown, signed by its message', () => {
    const got = parse(['[SYS] 2023/12/17 - 22:57:22 | panic detected: runtime error: index out of range [0] with length 0 ']);
    expect(got.events).toEqual([
      {
        kind: 'panic',
        ...base('[SYS] 2023/12/17 - 22:57:22 | panic detected: runtime error: index out of range [0] with length 0', '2023-12-17T14:57:22.000Z'),
        message: 'runtime error: index out of range [0] with length 0',
        signature: expect.stringMatching(/^[0-9a-f]{8} runtime error: index out of range \[N\] with length N$/),
        frames: [],
        recoveredBy: 'unknown',
      },
    ]);
  });
});

const RECOVERY = [
  '',
  '',
  '\x1b[31m2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:',
  'runtime error: index out of range [0] with length 0',
  'runtime/panic.go:115 (0x43a1b4)',
  'github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)',
  'github.com/gin-gonic/gin@v1.10.0/context.go:185 (0x9b31ca)',
  'github.com/songquanpeng/one-api/middleware/auth.go:86 (0x1b0e2a5)',
  '\x1b[0m',
];

describe('gin [Recovery]', () => {
  it('a dump with file:line frames is one panic recovered by gin', () => {
    const got = parse(RECOVERY.map((text) => ({ text, stream: 'stderr' as const })));
    expect(got.events).toEqual([
      {
        kind: 'panic',
        ...base('2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:', '2025-02-21T11:52:10.000Z', { stream: 'stderr' }),
        message: 'runtime error: index out of range [0] with length 0',
        signature: expect.stringMatching(/^[0-9a-f]{8} controller\/channel\.go:212 ← gin\/context\.go:185$/),
        frames: ['controller/channel.go:212', 'gin/context.go:185', 'middleware/auth.go:86'],
        recoveredBy: 'gin',
      },
    ]);
  });

  it('Windows paths and /build/ paths of the same frames give the same signature', () => {
    const win = RECOVERY.map((l) =>
      l.replace('runtime/panic.go', 'C:/hostedtoolcache/windows/go/1.22.1/x64/src/runtime/panic.go').replace('github.com/songquanpeng/one-api/', 'D:/a/one-api/one-api/').replace('github.com/songquanpeng/one-api/', 'D:/a/one-api/one-api/'),
    );
    const a = parse(RECOVERY).events[0] as PanicEvent;
    const b = parse(win).events[0] as PanicEvent;
    expect(b.frames).toEqual(a.frames);
    expect(b.signature).toBe(a.signature);
  });

  it("new-api's [SYS] panic detected right after gin's dump is the same panic", () => {
    const got = parse([
      ...RECOVERY.map((text) => ({ text, stream: 'stderr' as const })),
      { text: '[SYS] 2025/02/21 - 19:52:10 | panic detected: runtime error: index out of range [0] with length 0 ', stream: 'stderr' as const },
    ]);
    expect(got.events.map((e) => [e.kind, (e as PanicEvent).recoveredBy])).toEqual([['panic', 'gin']]);
  });
});

describe('ezlinkai SafeGoroutine', () => {
  it('child goroutine panic occured: one panic with the stack that follows', () => {
    const got = parse([
      '[SYS] 2025/11/03 - 16:45:00 | child goroutine panic occured: error: assignment to entry in nil map, stack: goroutine 731 [running]:',
      'runtime/debug.Stack()',
      '\t/usr/local/go/src/runtime/debug/stack.go:24 +0x5e',
      'one-api/common.SafeGoroutine.func1.1()',
      '\t/build/common/go-channel.go:12 +0x4b',
      'panic({0x1b2c3a0?, 0x2a8f1e0?})',
      '\t/usr/local/go/src/runtime/panic.go:770 +0x132',
      'one-api/monitor.UpdateChannelStats(...)',
      '\t/build/monitor/metric.go:88',
      'one-api/monitor.aggregate()',
      '\t/build/monitor/metric.go:120 +0x1a5',
      'one-api/common.SafeGoroutine.func1()',
      '\t/build/common/go-channel.go:17 +0x4c',
      'created by one-api/common.SafeGoroutine in goroutine 1',
      '\t/build/common/go-channel.go:9 +0x56',
      ' ',
    ]);
    expect(got.events).toEqual([
      {
        kind: 'panic',
        ...base('[SYS] 2025/11/03 - 16:45:00 | child goroutine panic occured: error: assignment to entry in nil map, stack: goroutine 731 [running]:', '2025-11-03T08:45:00.000Z'),
        message: 'assignment to entry in nil map',
        signature: expect.stringMatching(/^[0-9a-f]{8} monitor\.UpdateChannelStats ← monitor\.aggregate$/),
        frames: ['monitor.UpdateChannelStats', 'monitor.aggregate', 'common.SafeGoroutine.func1'],
        recoveredBy: 'goroutine',
      },
    ]);
  });
});

const CRASH = [
  'panic: runtime error: invalid memory address or nil pointer dereference',
  '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1b3c5a4]',
  '',
  'goroutine 8123 [running]:',
  'github.com/songquanpeng/one-api/controller.processChannelRelayError({0x2a1c3e0, 0xc000a1e2d0}, 0x1, 0x3, {0xc0003b2a80, 0x6}, {{{0x0, 0x0}, {0x0, 0x0}, {0x0, 0x0}, {0x0, 0x0}}, 0x1f4})',
  '\tgithub.com/songquanpeng/one-api/controller/relay.go:127 +0x64',
  'created by github.com/songquanpeng/one-api/controller.Relay in goroutine 8090',
  '\tgithub.com/songquanpeng/one-api/controller/relay.go:63 +0x4a5',
];

describe('crash dumps', () => {
  // The banner is the first record of stdout here: a start by the parser's rule (earlier records of its own stream).
  it('panic: … then the restart banner: one crash, one startup', () => {
    const got = parse([...CRASH.map((text) => ({ text, stream: 'stderr' as const })), { text: '[INFO] 2025/02/21 - 19:55:41 | main.go:32 [main] One API v0.6.11-preview.1 started ', stream: 'stdout' as const }]);
    expect(got.events).toEqual([
      {
        kind: 'crash',
        ...base('panic: runtime error: invalid memory address or nil pointer dereference', null, { stream: 'stderr' }),
        message: 'runtime error: invalid memory address or nil pointer dereference',
        crashKind: 'panic',
        signature: expect.stringMatching(/^[0-9a-f]{8} controller\.processChannelRelayError$/),
        frames: ['controller.processChannelRelayError'],
        truncated: false,
      },
      { kind: 'startup', ...base('[INFO] 2025/02/21 - 19:55:41 | main.go:32 [main] One API v0.6.11-preview.1 started', '2025-02-21T11:55:41.000Z', { stream: 'stdout' }), version: 'v0.6.11-preview.1', product: 'One API', restart: false },
    ]);
  });

  it('in one merged stream the dump ends at the banner', () => {
    const got = parse([...CRASH, '[INFO] 2025/02/21 - 19:55:41 | main.go:32 [main] One API v0.6.11-preview.1 started ']);
    expect(got.events.map((e) => e.kind)).toEqual(['crash', 'startup']);
    expect((got.events[0] as CrashEvent).truncated).toBe(false);
  });

  it('a dump cut off at end of input is truncated', () => {
    for (const cut of [1, 4, 5]) {
      const got = parse(CRASH.slice(0, cut));
      expect(got.events).toHaveLength(1);
      expect(got.events[0]).toMatchObject({ kind: 'crash', crashKind: 'panic', truncated: true });
    }
    expect(parse(CRASH).events[0]).toMatchObject({ truncated: false });
  });

  it('fatal error: concurrent map writes: runtime frames skipped, first goroutine only', () => {
    const got = parse([
      'fatal error: concurrent map writes',
      '',
      'goroutine 412 [running]:',
      'runtime.throw({0x1c2e6f3?, 0x0?})',
      '\t/usr/local/go/src/runtime/panic.go:1023 +0x5c',
      'runtime.mapassign_faststr(0x1a3c2e0?, 0xc0004a2c30?, {0xc000e2a0f0, 0x10})',
      '\t/usr/local/go/src/runtime/map_faststr.go:203 +0x3a5',
      'one-api/model.CacheUpdateUserQuota(...)',
      '\t/build/model/cache.go:141 +0x1c5',
      'one-api/relay/controller.postConsumeQuota({0x2a1c3e0, 0xc000a1e2d0})',
      '\t/build/relay/controller/helper.go:122 +0x2b1',
      '',
      'goroutine 1 [IO wait, 12 minutes]:',
      'internal/poll.runtime_pollWait(0x7f9c2c1b8e58, 0x72)',
      '\t/usr/local/go/src/runtime/netpoll.go:345 +0x85',
    ]);
    expect(got.events).toHaveLength(1);
    expect(got.events[0]).toMatchObject({
      kind: 'crash',
      message: 'concurrent map writes',
      crashKind: 'fatal_error',
      frames: ['model.CacheUpdateUserQuota', 'controller.postConsumeQuota'],
      truncated: false,
    });
  });
});

describe('signatures', () => {
  it('GOTRACEBACK=system frames (fp= sp= pc=) give the same frames as plain ones', () => {
    const plain = ['goroutine 1 [running]:', 'main.a(0x1)', '\t/build/main.go:10 +0x1d', 'main.b()', '\t/build/main.go:20 +0x2f'];
    const system = ['goroutine 1 gp=0xc000002380 m=0 mp=0x7a1b80 [running]:', 'main.a(0x1)', '\t/build/main.go:10 +0x1d fp=0xc000057f90 sp=0xc000057f70 pc=0x43a1b4', 'main.b()', '\t/build/main.go:20 +0x2f fp=0xc000057fd0 sp=0xc000057f90 pc=0x43a2c5'];
    expect(extractFrames(plain)).toEqual(['main.a', 'main.b']);
    expect(extractFrames(system)).toEqual(['main.a', 'main.b']);
    expect(goroutineBlocks(system).map((b) => [b.id, b.state, b.frames.length])).toEqual([[1, 'running', 2]]);
  });


  it('different stacks never share a signature', () => {
    const sigs = new Set([
      panicSignature(['gemini.StreamHandler', 'controller.Relay']),
      panicSignature(['gemini.StreamHandler', 'controller.RelayImage']),
      panicSignature(['openai.StreamHandler', 'controller.Relay']),
      panicSignature(['gemini.StreamHandler']),
      panicSignature([], 'boom'),
      panicSignature([], 'bang'),
    ]);
    expect(sigs.size).toBe(6);
  });

  it('extractFrames keeps closures, strips arguments, offsets and paths, skips the handler above panic()', () => {
    const frames = extractFrames([
      'goroutine 7 [running]:',
      'main.handler.func1.2()',
      '\t/build/main.go:10 +0x1',
      'panic({0x1, 0x2})',
      '\truntime/panic.go:785 +0x132',
      'github.com/x/y/pkg.(*Conn).Read(0xc0, {0xc1, 0x2, 0x3})',
      '\t/go/pkg/mod/github.com/x/y@v1.2.3/pkg/conn.go:55 +0x2f',
      'main.worker.func1.2(...)',
      '\t/build/main.go:40',
      '...additional frames elided...',
    ]);
    expect(frames).toEqual(['pkg.(*Conn).Read', 'main.worker.func1.2']);
  });
});

describe('Go stack parser: ancestor sections (GODEBUG=tracebackancestors)', () => {
  it('frames after `[originating from goroutine N]:` are the creator\'s, not the goroutine\'s; the next goroutine is read', () => {
    const text = ['goroutine 18 [running]:', 'main.leakyRelay()', '\t/app/relay.go:38 +0x1a', 'created by main.handle in goroutine 7', '\t/app/relay.go:20 +0x5c', '[originating from goroutine 7]:', 'main.handle(...)', '\t/app/relay.go:20 +0x5c', 'created by net/http.(*Server).Serve in goroutine 1', '\t/usr/local/go/src/net/http/server.go:3285 +0x4b4', '', 'goroutine 19 [select]:', 'main.monitor()', '\t/app/monitor.go:12 +0x88'];
    const blocks = goroutineBlocks(text);
    expect(blocks.map((b) => ({ id: b.id, frames: b.frames.map((f) => f.func), createdBy: b.createdBy, createdByGoroutine: b.createdByGoroutine, ancestors: b.ancestors }))).toEqual([
      { id: 18, frames: ['main.leakyRelay'], createdBy: 'main.handle', createdByGoroutine: 7, ancestors: [{ id: 7, frames: [{ func: 'main.handle', file: '/app/relay.go:20' }], createdBy: 'net/http.(*Server).Serve' }] },
      { id: 19, frames: ['main.monitor'], createdBy: null, createdByGoroutine: null, ancestors: [] },
    ]);
    expect(extractFrames(text)).toEqual(['main.leakyRelay']);
  });
});
