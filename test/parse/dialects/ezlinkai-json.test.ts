// Table tests of the ezlinkai JSON dialect (ye4293/one-api from 2026-05).
import { describe } from 'vitest';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'JSON era: goroutine, relay error, retry with \\u003e, access 502 (404 ignored), fatal, channel disabled',
    input: [
      '{"ts":"2026-08-21T10:15:30.482915337+08:00","level":"error","msg":"⚠️ High goroutine count detected: 5234","service":"one-api","instance":"3f2a9c1d7b4e"}',
      '{"ts":"2026-08-21T10:15:30.5+08:00","level":"info","request_id":"r1","msg":"Relay START: path=/v1/chat/completions, relayMode=1, channelId=12, userId=34","service":"one-api","instance":"3f2a9c1d7b4e"}',
      '{"ts":"2026-08-21T10:15:31.0112+08:00","level":"error","request_id":"r1","msg":"relay error (userId #34,channel #12): do request failed: Post \\"https://api.example.com/v1/chat/completions\\": net/http: timeout awaiting response headers","service":"one-api","instance":"3f2a9c1d7b4e"}',
      '{"ts":"2026-08-21T10:15:31.0118+08:00","level":"info","request_id":"r1","msg":"Retry: 模型=gpt-4o, 原因=do request failed: ..., 尝试=1/3, 用户ID=34, 请求ID=r1, 渠道切换: #12(openai-a) -\\u003e #15(openai-b)","service":"one-api","instance":"3f2a9c1d7b4e"}',
      '{"ts":"2026-08-21T10:15:40.2+08:00","level":"error","request_id":"r1","msg":"http request","status":502,"latency_ms":9718,"client_ip":"203.0.113.7","method":"POST","path":"/v1/chat/completions","service":"one-api","instance":"3f2a9c1d7b4e"}',
      '{"ts":"2026-08-21T10:15:41+08:00","level":"warn","request_id":"r2","msg":"http request","status":404,"latency_ms":1,"client_ip":"203.0.113.7","method":"GET","path":"/nope","service":"one-api","instance":"3f2a9c1d7b4e"}',
      '{"ts":"2026-08-21T10:20:00.5+08:00","level":"info","msg":"channel #12 has been disabled: Incorrect API key provided","service":"one-api","instance":"3f2a9c1d7b4e"}',
      '{"ts":"2026-08-21T10:21:00+08:00","level":"fatal","msg":"[failed to initialize database: dial tcp: connection refused]","service":"one-api","instance":"3f2a9c1d7b4e"}',
    ],
    want: [
      { kind: 'goroutine', ...base('{"ts":"2026-08-21T10:15:30.482915337+08:00","level":"error","msg":"⚠️ High goroutine count detected: 5234","service":"one-api","instance":"3f2a9c1d7b4e"}', '2026-08-21T02:15:30.482Z'), count: 5234, level: 'high' },
      {
        kind: 'relay_error',
        ...base('{"ts":"2026-08-21T10:15:31.0112+08:00","level":"error","request_id":"r1","msg":"relay error (userId #34,channel #12): do request failed: Post \\"https://api.example.com/v1/chat/completions\\": net/http: timeout awaiting response headers","service":"one-api","instance":"3f2a9c1d7b4e"}', '2026-08-21T02:15:31.011Z', { requestId: 'r1' }),
        channel: 12,
        userId: 34,
        statusCode: null,
        cause: 'timeout',
        timeoutClass: 'awaiting_headers',
        message: 'do request failed: Post "https://api.example.com/v1/chat/completions": net/http: timeout awaiting response headers',
      },
      { kind: 'retry', ...base('{"ts":"2026-08-21T10:15:31.0118+08:00","level":"info","request_id":"r1","msg":"Retry: 模型=gpt-4o, 原因=do request failed: ..., 尝试=1/3, 用户ID=34, 请求ID=r1, 渠道切换: #12(openai-a) -\\u003e #15(openai-b)","service":"one-api","instance":"3f2a9c1d7b4e"}', '2026-08-21T02:15:31.011Z', { requestId: 'r1' }), fromChannel: 12, toChannel: 15, remaining: null },
      { kind: 'http_error', ...base('{"ts":"2026-08-21T10:15:40.2+08:00","level":"error","request_id":"r1","msg":"http request","status":502,"latency_ms":9718,"client_ip":"203.0.113.7","method":"POST","path":"/v1/chat/completions","service":"one-api","instance":"3f2a9c1d7b4e"}', '2026-08-21T02:15:40.200Z', { requestId: 'r1' }), status: 502, method: 'POST', path: '/v1/chat/completions', latencyMs: 9718 },
      { kind: 'channel_disabled', ...base('{"ts":"2026-08-21T10:20:00.5+08:00","level":"info","msg":"channel #12 has been disabled: Incorrect API key provided","service":"one-api","instance":"3f2a9c1d7b4e"}', '2026-08-21T02:20:00.500Z'), channel: 12, reason: 'Incorrect API key provided' },
      { kind: 'fatal', ...base('{"ts":"2026-08-21T10:21:00+08:00","level":"fatal","msg":"[failed to initialize database: dial tcp: connection refused]","service":"one-api","instance":"3f2a9c1d7b4e"}', '2026-08-21T02:21:00.000Z'), message: 'failed to initialize database: dial tcp: connection refused' },
    ],
  },
  {
    name: 'a {"ts": line that is not JSON is unparsed',
    input: ['{"ts":"2026-08-21T10:15:30+08:00","level":"error","msg":"⚠️ High goroutine count detected: 52'],
    want: [],
    unparsed: 1,
  },
];

describe('ezlinkai-json', () => runTable(cases));
