// Table tests of the go-crash dialect: unrecovered `panic:` and `fatal error:` dumps.
import { describe, expect, it } from 'vitest';
import { goCrash } from '../../../src/parse/dialects/go-crash.js';
import { CONTINUATION, START } from '../../../src/parse/dialect.js';
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
];

describe('go-crash', () => {
  runTable(cases);
  it.each([
    { name: 'panic:', input: 'panic: boom', want: START },
    { name: 'fatal error:', input: 'fatal error: concurrent map writes', want: START },
    { name: 'panicked (no colon-space)', input: 'panicked while …', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(goCrash.start(input)).toBe(want));
});
