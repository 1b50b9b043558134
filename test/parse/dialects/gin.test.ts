// Table tests of the gin dialect: custom and default access lines (only 5xx is an event).
import { describe, expect, it } from 'vitest';
import { gin, ginDebug } from '../../../src/parse/dialects/gin.js';
import { CONTINUATION, START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'gin default formatter, coloured (TTY), status 500',
    input: ['[GIN] 2023/08/04 - 19:38:05 |\x1b[97;41m 500 \x1b[0m| 28.509584165s |      10.0.2.100 |\x1b[97;46m POST    \x1b[0m "/v1/chat/completions"'],
    want: [
      {
        kind: 'http_error',
        ...base('[GIN] 2023/08/04 - 19:38:05 | 500 | 28.509584165s |      10.0.2.100 | POST     "/v1/chat/completions"', '2023-08-04T11:38:05.000Z'),
        status: 500,
        method: 'POST',
        path: '/v1/chat/completions',
        latencyMs: 28509.584,
      },
    ],
  },
  {
    name: 'gin default formatter, 200 and 307: no event',
    input: [
      '[GIN] 2023/08/04 - 19:37:18 | 200 |    8.213967ms |      10.0.2.100 | PUT      "/api/channel/"',
      '[GIN] 2023/08/14 - 07:10:33 | 307 | 11.209367ms | 10.93.35.1 | GET "/api/channel/test/4"',
    ],
    want: [],
  },
  {
    name: 'custom [GIN] 5xx with a client-supplied request id containing spaces; 4xx and 200 make no event',
    input: [
      '[GIN] 2026/03/01 - 10:00:00 | my client 42 | 502 |  9.718004112s |     203.0.113.7 |    POST /v1/chat/completions',
      '[GIN] 2026/03/01 - 10:00:01 | r2 | 499 |  9.718004112s |     203.0.113.7 |    POST /v1/chat/completions',
      '[GIN] 2026/03/01 - 10:00:02 | r3 | 200 |     118.604µs |       127.0.0.1 |     GET /api/status',
    ],
    want: [
      {
        kind: 'http_error',
        ...base('[GIN] 2026/03/01 - 10:00:00 | my client 42 | 502 |  9.718004112s |     203.0.113.7 |    POST /v1/chat/completions', '2026-03-01T02:00:00.000Z', { requestId: 'my client 42' }),
        status: 502,
        method: 'POST',
        path: '/v1/chat/completions',
        latencyMs: 9718.004,
      },
    ],
  },
  {
    name: '[GIN-debug] lines are known and make no event',
    input: ['[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.', '[GIN-debug] POST   /v1/chat/completions      --> github.com/songquanpeng/one-api/controller.Relay (5 handlers)'],
    want: [],
  },
];

describe('gin', () => {
  runTable(cases);
  it.each([
    { name: 'custom access line', dialect: gin, input: '[GIN] 2025/02/21 - 19:31:04 | 2025022119310248291533751023948 | 200 |  2.137854913s |      172.18.0.1 |    POST /v1/chat/completions', want: START },
    { name: '[GIN] without a date', dialect: gin, input: '[GIN] hello', want: CONTINUATION },
    { name: '[GIN-debug]', dialect: ginDebug, input: '[GIN-debug] Listening and serving HTTP on :3000', want: START },
  ])('start: $name', ({ dialect, input, want }) => expect(dialect.start(input)).toBe(want));
});
