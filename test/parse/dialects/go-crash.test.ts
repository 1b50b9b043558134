// Table tests of the go-crash dialect: unrecovered `panic:` and `fatal error:` dumps.
import { describe, expect, it } from 'vitest';
import { goCrash } from '../../../src/parse/dialects/go-crash.js';
import { CONTINUATION, STACK_START, START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'panic with [signal], one goroutine, created by (new-api build without -trimpath, tabs shown as spaces)',
    input: [
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0xda7802]',
      '',
      'goroutine 1425 [running]:',
      'one-api/controller.testAllChannels.func1()',
      '        /build/controller/channel-test.go:227 +0x3e2',
      'created by one-api/controller.testAllChannels in goroutine 58',
      '        /build/controller/channel-test.go:204 +0x1c5',
    ],
    want: [
      {
        kind: 'crash',
        ...base('panic: runtime error: invalid memory address or nil pointer dereference', null),
        message: 'runtime error: invalid memory address or nil pointer dereference',
        crashKind: 'panic',
        signature: expect.stringMatching(/^[0-9a-f]{8} controller\.testAllChannels\.func1$/),
        frames: ['controller.testAllChannels.func1'],
        truncated: false,
      },
    ],
  },
  {
    name: 'fatal error: concurrent map writes, the first goroutine names the bug',
    input: ['fatal error: concurrent map writes', '', 'goroutine 7 [running]:', 'main.write(...)', '\t/app/main.go:12 +0x2a', '', 'goroutine 1 [sleep]:', 'time.Sleep(0x3b9aca00)', '\truntime/time.go:195 +0x135'],
    want: [{ kind: 'crash', ...base('fatal error: concurrent map writes', null), message: 'concurrent map writes', crashKind: 'fatal_error', signature: expect.stringMatching(/^[0-9a-f]{8} main\.write$/), frames: ['main.write'], truncated: false }],
  },
  {
    name: 'cut off at the end of input, inside a frame',
    input: ['panic: boom', '', 'goroutine 1 [running]:', 'main.main()'],
    want: [{ kind: 'crash', ...base('panic: boom', null), message: 'boom', crashKind: 'panic', signature: expect.stringMatching(/^[0-9a-f]{8} boom$/), frames: [], truncated: true }],
  },
  {
    name: 'no panic: line (the paste starts at the goroutine): still a crash, message empty',
    input: ['[SYS] 2025/04/26 - 08:01:20 | sync frequency: 60 seconds ', 'goroutine 1 [running]:', 'one-api/model.InitChannelCache()', '\t/build/model/cache.go:43 +0x868', 'main.main()', '\t/build/main.go:90 +0x3f0'],
    want: [{ kind: 'crash', ...base('goroutine 1 [running]:', null), message: '', crashKind: 'panic', signature: expect.stringMatching(/^[0-9a-f]{8} model\.InitChannelCache ← main\.main$/), frames: ['model.InitChannelCache', 'main.main'], truncated: false }],
  },
  {
    name: 'headless, innermost frame runtime.throw: a fatal error; older Go fp=/sp= without pc=; no final newline',
    input: ['goroutine 11343 [running]:', 'runtime.throw(0xa25200, 0x21)', '    /usr/local/go/src/runtime/panic.go:530 +0x90 fp=0xc82937ba80 sp=0xc82937ba68', 'main.lookup(0x3)', '    /go/src/app/agent.go:120 +0x1a fp=0xc82937bb38 sp=0xc82937bae0'],
    want: [{ kind: 'crash', ...base('goroutine 11343 [running]:', null), message: '', crashKind: 'fatal_error', signature: expect.stringMatching(/^[0-9a-f]{8} main\.lookup$/), frames: ['main.lookup'], truncated: false }],
  },
  {
    name: 'file lines that lost their indentation (compose prefix stripped by a paste) still belong to their functions',
    input: ['panic: assignment to entry in nil map', '', 'goroutine 1 [running]:', 'one-api/model.InitChannelCache()', '/build/model/cache.go:43 +0x868', 'main.main()', '/build/main.go:90 +0x3f0'],
    want: [{ kind: 'crash', ...base('panic: assignment to entry in nil map', null), message: 'assignment to entry in nil map', crashKind: 'panic', signature: expect.stringMatching(/^[0-9a-f]{8} model\.InitChannelCache ← main\.main$/), frames: ['model.InitChannelCache', 'main.main'], truncated: false }],
  },
  {
    name: 'a running goroutine that printed its own stack (debug.Stack pasted alone) or a waiting one (a dump excerpt) is no crash',
    input: ['goroutine 7 [running]:', 'runtime/debug.Stack()', '\truntime/debug/stack.go:26 +0x5e', 'main.handler()', '\t/app/main.go:9 +0x1', '[SYS] 2025/04/26 - 08:01:21 | x ', 'goroutine 18 [chan receive, 3 minutes]:', 'main.leakyRelay()', '\t/app/relay.go:38 +0x1a'],
    want: [],
  },
  {
    name: 'a stack pasted without its head (debug.Stack() from a relay panic, first lines not copied) is known text: no event, not unparsed',
    input: ['runtime/debug.Stack()', '\t/usr/local/go/src/runtime/debug/stack.go:26 +0x5e', 'panic({0x1225100?, 0xc00691b878?})', '\t/usr/local/go/src/runtime/panic.go:785 +0x132', 'one-api/relay/channel/anthropic.Handler(0xc0068ac900, 0xc0047ffa70)', '\t/build/relay/channel/anthropic/main.go:609 +0x4de', 'created by net/http.(*Server).Serve in goroutine 1', '\tnet/http/server.go:3360 +0x485', 'exit status 2'],
    want: [],
    unparsed: 1,
  },
  {
    name: "a crash dump's second goroutine stays in its record",
    input: ['panic: boom', '', 'goroutine 1 [running]:', 'main.main()', '\t/app/main.go:5 +0x1d', '', 'goroutine 2 [running]:', 'main.other()', '\t/app/main.go:9 +0x1'],
    want: [{ kind: 'crash', ...base('panic: boom', null), message: 'boom', crashKind: 'panic', signature: expect.stringMatching(/^[0-9a-f]{8} main\.main$/), frames: ['main.main'], truncated: false }],
  },
];

describe('go-crash', () => {
  runTable(cases);
  it.each([
    { name: 'panic:', input: 'panic: boom', want: START },
    { name: 'fatal error:', input: 'fatal error: concurrent map writes', want: START },
    { name: 'panicked (no colon-space)', input: 'panicked while …', want: CONTINUATION },
    { name: 'a goroutine header', input: 'goroutine 1 [running]:', want: STACK_START },
    { name: 'Go 1.22 GOTRACEBACK=system header', input: 'goroutine 1 gp=0xc000002380 m=0 mp=0x7a1b80 [running]:', want: STACK_START },
    { name: 'the monitor line is not a header', input: 'goroutine count: 12', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(goCrash.start(input)).toBe(want));
});
