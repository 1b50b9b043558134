// Table tests of the std-log dialect: Go's standard logger lines that no other dialect claims.
import { describe, expect, it } from 'vitest';
import { stdlog } from '../../../src/parse/dialects/stdlog.js';
import { CONTINUATION, STDLOG_START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'noise lines are unparsed records; a std-log line is a known format',
    // the last line continues the std-log record before it, as any non-start line does
    input: ['setup log is already working', 'data: {"choices":[{"delta":{"content":"hi"}}]}', 'streaming timeout seconds: 300', '2025/02/21 19:30:16 setup log is already working', 'data: [DONE]'],
    want: [],
    unparsed: 3,
  },
  {
    name: 'net/http Accept error naming a timeout is a timeout event',
    input: ['2025/02/21 19:31:07 http: Accept error: accept tcp [::]:3000: i/o timeout; retrying in 1s'],
    want: [{ kind: 'timeout', ...base('2025/02/21 19:31:07 http: Accept error: accept tcp [::]:3000: i/o timeout; retrying in 1s', '2025-02-21T11:31:07.000Z'), timeoutClass: 'other', message: 'http: Accept error: accept tcp [::]:3000: i/o timeout; retrying in 1s' }],
  },
];

describe('stdlog', () => {
  runTable(cases);
  it.each([
    { name: 'std-log line', input: '2025/02/21 19:31:07 http: Accept error', want: STDLOG_START },
    { name: 'zap time is not std-log', input: '2025/01/05 - 10:20:30\tINFO\tx.go:1\tmsg', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(stdlog.start(input)).toBe(want));
});
