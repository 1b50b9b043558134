// Table tests of the one-hub zap dialect.
import { describe, expect, it } from 'vitest';
import { onehubZap } from '../../../src/parse/dialects/onehub-zap.js';
import { CONTINUATION, START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'one-hub zap: relay error with channel name, retry at ERROR, GIN request 502, startup',
    input: [
      '2025/01/05 - 10:20:30\tERROR\trelay/common.go:548\t2025010510203012345678 | relay error (channel #4(openai-a)): connection refused ',
      '',
      '2025/01/05 - 10:20:30\tERROR\trelay/main.go:83\t2025010510203012345678 | using channel #7(openai-b) to retry (remain times 2) ',
      '',
      '2025/01/05 - 10:20:31\tINFO\tmiddleware/logger.go:71\tGIN request\t{"status": 502, "request_id": "2025010510203012345678", "method": "POST", "path": "/v1/chat/completions", "query": "", "ip": "172.18.0.1", "latency": "1.2345s", "channel_id": 4}',
      '2025/01/05 - 10:20:32\tINFO\tmiddleware/logger.go:71\tGIN request\t{"status": 200, "request_id": "2025010510203212345678", "method": "GET", "path": "/api/status", "query": "", "latency": "1ms"}',
      '2025/01/05 - 10:00:00\tINFO\tcommon/logger/logger.go:60\t[SYS] | One Hub v0.12.1 started',
    ],
    want: [
      {
        kind: 'relay_error',
        ...base('2025/01/05 - 10:20:30\tERROR\trelay/common.go:548\t2025010510203012345678 | relay error (channel #4(openai-a)): connection refused', '2025-01-05T02:20:30.000Z', { requestId: '2025010510203012345678' }),
        channel: 4,
        channelName: 'openai-a',
        userId: null,
        statusCode: null,
        cause: 'network',
        timeoutClass: null,
        message: 'connection refused',
      },
      { kind: 'retry', ...base('2025/01/05 - 10:20:30\tERROR\trelay/main.go:83\t2025010510203012345678 | using channel #7(openai-b) to retry (remain times 2)', '2025-01-05T02:20:30.000Z', { requestId: '2025010510203012345678' }), fromChannel: null, toChannel: 7, remaining: 2 },
      {
        kind: 'http_error',
        ...base('2025/01/05 - 10:20:31\tINFO\tmiddleware/logger.go:71\tGIN request\t{"status": 502, "request_id": "2025010510203012345678", "method": "POST", "path": "/v1/chat/completions", "query": "", "ip": "172.18.0.1", "latency": "1.2345s", "channel_id": 4}', '2025-01-05T02:20:31.000Z', { requestId: '2025010510203012345678' }),
        status: 502,
        method: 'POST',
        path: '/v1/chat/completions',
        latencyMs: 1234.5,
      },
      { kind: 'startup', ...base('2025/01/05 - 10:00:00\tINFO\tcommon/logger/logger.go:60\t[SYS] | One Hub v0.12.1 started', '2025-01-05T02:00:00.000Z'), version: 'v0.12.1', product: 'One Hub', restart: true },
    ],
  },
];

describe('onehub-zap', () => {
  runTable(cases);
  it.each([
    { name: 'zap line', input: '2025/01/05 - 10:20:30\tINFO\tmiddleware/logger.go:71\tGIN request', want: START },
    { name: 'std-log line', input: '2025/01/05 10:20:30 hello', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(onehubZap.start(input)).toBe(want));
});
