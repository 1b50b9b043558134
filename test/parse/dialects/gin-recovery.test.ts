// Table tests of the gin-recovery dialect: gin's global `[Recovery]` dump (always coloured, frames as file:line (0xPC)).
import { describe, expect, it } from 'vitest';
import { ginRecovery } from '../../../src/parse/dialects/gin-recovery.js';
import { CONTINUATION, STDLOG_START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'Linux image: two blank lines, ESC[31m, panic value, frames, ESC[0m',
    input: [
      '',
      '',
      '\x1b[31m2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:',
      'runtime error: index out of range [0] with length 0',
      'runtime/panic.go:115 (0x43a1b4)',
      'github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)',
      'github.com/gin-gonic/gin@v1.10.0/context.go:185 (0x9b31ca)',
      '\x1b[0m',
    ],
    want: [
      {
        kind: 'panic',
        ...base('2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:', '2025-02-21T11:52:10.000Z'),
        message: 'runtime error: index out of range [0] with length 0',
        signature: expect.stringMatching(/^[0-9a-f]{8} controller\/channel\.go:212 ← gin\/context\.go:185$/),
        frames: ['controller/channel.go:212', 'gin/context.go:185'],
        recoveredBy: 'gin',
      },
    ],
  },
  {
    name: 'new-api echo: the [SYS] panic detected of the same value right after is not a second panic',
    input: [
      '2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:',
      'boom',
      'main.go:5 (0x1)',
      '[SYS] 2025/02/21 - 19:52:10 | panic detected: boom ',
    ],
    want: [{ kind: 'panic', ...base('2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:', '2025-02-21T11:52:10.000Z'), message: 'boom', signature: expect.stringMatching(/^[0-9a-f]{8} main\.go:5$/), frames: ['main.go:5'], recoveredBy: 'gin' }],
  },
];

describe('gin-recovery', () => {
  runTable(cases);
  it.each([
    { name: 'the [Recovery] head', input: '2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:', want: STDLOG_START },
    { name: 'another std-log line', input: '2025/02/21 19:52:10 http: Accept error', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(ginRecovery.start(input)).toBe(want));
});
