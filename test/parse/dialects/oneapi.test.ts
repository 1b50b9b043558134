// Table tests of the oneapi dialect: One API app lines of every era (A–D), new-api's and ezlinkai's text lines,
// and the message forms they carry (message.ts). Input lines → the exact events. Times: naive app times in Asia/Shanghai.
import { describe, expect, it } from 'vitest';
import { oneapi } from '../../../src/parse/dialects/oneapi.js';
import { CONTINUATION, START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const RID = '2025022119390112345678955512345';

const cases: Case[] = [
  {
    name: 'a build without a version: `One API  started` (one-hub #170 shape) is a startup with version null',
    input: ['[SYS] 2024/04/25 - 05:50:13 | One API  started'],
    want: [{ kind: 'startup', ...base('[SYS] 2024/04/25 - 05:50:13 | One API  started', '2024-04-24T21:50:13.000Z'), version: null, product: 'One API', restart: false }],
  },
  {
    name: 'startup banner',
    input: ['[SYS] 2023/04/24 - 01:57:22 | One API v0.1.1 started'],
    want: [{ kind: 'startup', ...base('[SYS] 2023/04/24 - 01:57:22 | One API v0.1.1 started', '2023-04-23T17:57:22.000Z'), version: 'v0.1.1', product: 'One API', restart: false }],
  },
  {
    name: 'relay error (channel #N) on [SYS], trailing space',
    input: ["[SYS] 2023/08/04 - 19:38:05 | relay error (channel #11): invalid character 'd' looking for beginning of value "],
    want: [
      {
        kind: 'relay_error',
        ...base("[SYS] 2023/08/04 - 19:38:05 | relay error (channel #11): invalid character 'd' looking for beginning of value", '2023-08-04T11:38:05.000Z'),
        channel: 11,
        userId: null,
        statusCode: null,
        cause: 'other',
        timeoutClass: null,
        message: "invalid character 'd' looking for beginning of value",
      },
    ],
  },
  {
    name: '[FATAL] with the slice brackets',
    input: ['[FATAL] 2024/02/17 - 04:24:49 | [failed to get gpt-3.5-turbo token encoder: permission denied]'],
    want: [{ kind: 'fatal', ...base('[FATAL] 2024/02/17 - 04:24:49 | [failed to get gpt-3.5-turbo token encoder: permission denied]', '2024-02-16T20:24:49.000Z'), message: 'failed to get gpt-3.5-turbo token encoder: permission denied' }],
  },
  {
    name: 'era B relay error: request id segment and the (request id: …) suffix',
    input: ["[ERR] 2023/11/07 - 01:25:06 | 20231107012506800687616B4podcA5 | relay error (channel #8): invalid character 'd' after top-level value (request id: 20231107012506800687616B4podcA5) "],
    want: [
      {
        kind: 'relay_error',
        ...base("[ERR] 2023/11/07 - 01:25:06 | 20231107012506800687616B4podcA5 | relay error (channel #8): invalid character 'd' after top-level value (request id: 20231107012506800687616B4podcA5)", '2023-11-06T17:25:06.000Z', { requestId: '20231107012506800687616B4podcA5' }),
        channel: 8,
        userId: null,
        statusCode: null,
        cause: 'other',
        timeoutClass: null,
        message: "invalid character 'd' after top-level value",
      },
    ],
  },
  {
    name: 'era B %!s(<nil>) is no request id',
    input: ['[INFO] 2023/12/18 - 00:00:00 | %!s(<nil>) | using channel #3 to retry (remain times 1) '],
    want: [{ kind: 'retry', ...base('[INFO] 2023/12/18 - 00:00:00 | %!s(<nil>) | using channel #3 to retry (remain times 1)', '2023-12-17T16:00:00.000Z'), fromChannel: null, toChannel: 3, remaining: 1 }],
  },
  {
    name: 'an empty request id (`|  |`) is no id',
    input: ['[ERR] 2024/09/10 - 11:02:35 |  | relay error (channel id 4, user id: 2): EOF '],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2024/09/10 - 11:02:35 |  | relay error (channel id 4, user id: 2): EOF', '2024-09-10T03:02:35.000Z'),
        channel: 4,
        userId: 2,
        statusCode: null,
        cause: 'network',
        timeoutClass: null,
        message: 'EOF',
      },
    ],
  },
  {
    name: 'consume log, sync lines, channel test: no event',
    input: [
      '[INFO] 2023/12/18 - 00:00:00 | 20231217235957458521930gmsdF0zk | record consume log: userId=1, channelId=8, promptTokens=11, completionTokens=0, modelName=gemini-pro, tokenName=秘钥, quota=1, content=模型倍率 0.01，分组倍率 1.00',
      '[SYS] 2024/09/10 - 11:05:00 | syncing channels from database ',
      '[SYS] 2024/09/10 - 11:05:20 | testing channel #5, response: ',
      '{"id":"chatcmpl-1","object":"chat.completion","choices":[]} ',
    ],
    want: [],
  },
  {
    name: 'era C relay error with status in the text',
    input: ['[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel id 3, user id: 1): bad response status code 503 '],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel id 3, user id: 1): bad response status code 503', '2024-09-10T03:02:33.000Z', { requestId: '2024091011023348291533751023948' }),
        channel: 3,
        userId: 1,
        statusCode: 503,
        cause: 'upstream_5xx',
        timeoutClass: null,
        message: 'bad response status code 503',
      },
    ],
  },
  {
    name: 'era C channel disabled on [SYS]',
    input: ['[SYS] 2024/09/10 - 11:03:00 | channel #5 has been disabled: You exceeded your current quota, please check your plan and billing details. '],
    want: [{ kind: 'channel_disabled', ...base('[SYS] 2024/09/10 - 11:03:00 | channel #5 has been disabled: You exceeded your current quota, please check your plan and billing details.', '2024-09-10T03:03:00.000Z'), channel: 5, reason: 'You exceeded your current quota, please check your plan and billing details.' }],
  },
  {
    name: 'DoRequest failed is the relay error that follows, not a separate timeout',
    input: [
      '[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | DoRequest failed: do request failed: Post "https://api.openai.com/v1/chat/completions": dial tcp 104.18.6.192:443: i/o timeout ',
      '[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel id 3, user id: 1): do request failed: Post "https://api.openai.com/v1/chat/completions": dial tcp 104.18.6.192:443: i/o timeout ',
    ],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel id 3, user id: 1): do request failed: Post "https://api.openai.com/v1/chat/completions": dial tcp 104.18.6.192:443: i/o timeout', '2024-09-10T03:02:33.000Z', { requestId: '2024091011023348291533751023948' }),
        channel: 3,
        userId: 1,
        statusCode: null,
        cause: 'timeout',
        timeoutClass: 'dial',
        message: 'do request failed: Post "https://api.openai.com/v1/chat/completions": dial tcp 104.18.6.192:443: i/o timeout',
      },
    ],
  },
  {
    name: 'stream read timeout on [SYS] is a timeout event',
    input: ['[SYS] 2024/09/10 - 11:05:00 | error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body) '],
    want: [{ kind: 'timeout', ...base('[SYS] 2024/09/10 - 11:05:00 | error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body)', '2024-09-10T03:05:00.000Z'), timeoutClass: 'reading_body', message: 'error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body)' }],
  },
  {
    name: '[FATAL] Redis timeout is fatal, not timeout',
    input: ['[FATAL] 2024/09/10 - 11:00:05 | [Redis ping test failed: context deadline exceeded] '],
    want: [{ kind: 'fatal', ...base('[FATAL] 2024/09/10 - 11:00:05 | [Redis ping test failed: context deadline exceeded]', '2024-09-10T03:00:05.000Z'), message: 'Redis ping test failed: context deadline exceeded' }],
  },
  {
    name: 'startup with file:line [func]',
    input: ['[INFO] 2025/02/21 - 19:30:16 | main.go:32 [main] One API v0.6.11-preview.1 started '],
    want: [{ kind: 'startup', ...base('[INFO] 2025/02/21 - 19:30:16 | main.go:32 [main] One API v0.6.11-preview.1 started', '2025-02-21T11:30:16.000Z'), version: 'v0.6.11-preview.1', product: 'One API', restart: false }],
  },
  {
    name: 'relay error (channel id, user id), rate limit',
    input: [`[ERROR] 2025/02/21 - 19:40:01 | ${RID} | controller/relay.go:125 [processChannelRelayError] relay error (channel id 3, user id: 1): Rate limit reached for gpt-4o in organization org-xxx on tokens per min (TPM): Limit 30000, Used 29875, Requested 1242. `],
    want: [
      {
        kind: 'relay_error',
        ...base(`[ERROR] 2025/02/21 - 19:40:01 | ${RID} | controller/relay.go:125 [processChannelRelayError] relay error (channel id 3, user id: 1): Rate limit reached for gpt-4o in organization org-xxx on tokens per min (TPM): Limit 30000, Used 29875, Requested 1242.`, '2025-02-21T11:40:01.000Z', { requestId: RID }),
        channel: 3,
        userId: 1,
        statusCode: null,
        cause: 'rate_limit',
        timeoutClass: null,
        message: 'Rate limit reached for gpt-4o in organization org-xxx on tokens per min (TPM): Limit 30000, Used 29875, Requested 1242.',
      },
    ],
  },
  {
    name: 'relay error timeout awaiting headers; ErrorWrapper and "won\'t retry" lines make no event',
    input: [
      '[ERROR] 2025/02/21 - 19:40:01 | relay/adaptor/openai/util.go:12 [ErrorWrapper] [do_request_failed]do request failed: Post "https://api.openai.com/v1/chat/completions": context deadline exceeded (Client.Timeout exceeded while awaiting headers) ',
      `[ERROR] 2025/02/21 - 19:40:01 | ${RID} | controller/relay.go:125 [processChannelRelayError] relay error (channel id 3, user id: 1): do request failed: Post "https://api.openai.com/v1/chat/completions": context deadline exceeded (Client.Timeout exceeded while awaiting headers) `,
      '[ERROR] 2025/02/21 - 19:41:10 | 2025022119411012345678912345678 | controller/relay.go:67 [Relay] relay error happen, status code is 400, won\'t retry in this case ',
    ],
    want: [
      {
        kind: 'relay_error',
        ...base(`[ERROR] 2025/02/21 - 19:40:01 | ${RID} | controller/relay.go:125 [processChannelRelayError] relay error (channel id 3, user id: 1): do request failed: Post "https://api.openai.com/v1/chat/completions": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, '2025-02-21T11:40:01.000Z', { requestId: RID }),
        channel: 3,
        userId: 1,
        statusCode: null,
        cause: 'timeout',
        timeoutClass: 'awaiting_headers',
        message: 'do request failed: Post "https://api.openai.com/v1/chat/completions": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      },
    ],
  },
  {
    name: 'empty relay error message (non-JSON 504 body)',
    input: [`[ERROR] 2025/02/21 - 19:40:09 | ${RID} | controller/relay.go:125 [processChannelRelayError] relay error (channel id 3, user id: 1): `],
    want: [
      {
        kind: 'relay_error',
        ...base(`[ERROR] 2025/02/21 - 19:40:09 | ${RID} | controller/relay.go:125 [processChannelRelayError] relay error (channel id 3, user id: 1):`, '2025-02-21T11:40:09.000Z', { requestId: RID }),
        channel: 3,
        userId: 1,
        statusCode: null,
        cause: 'other',
        timeoutClass: null,
        message: '',
      },
    ],
  },
  {
    name: 'channel disabled (slow response), low success rate, enabled',
    input: [
      '[INFO] 2025/02/21 - 20:00:12 | monitor/channel.go:33 [DisableChannel] channel #9 has been disabled: 响应时间 12.35s 超过阈值 10.00s ',
      '[INFO] 2025/02/21 - 20:05:00 | monitor/channel.go:49 [MetricDisableChannel] channel #4 has been disabled due to low success rate: 12.50 ',
      '[INFO] 2025/02/21 - 20:10:00 | monitor/channel.go:66 [EnableChannel] channel #9 has been enabled ',
    ],
    want: [
      { kind: 'channel_disabled', ...base('[INFO] 2025/02/21 - 20:00:12 | monitor/channel.go:33 [DisableChannel] channel #9 has been disabled: 响应时间 12.35s 超过阈值 10.00s', '2025-02-21T12:00:12.000Z'), channel: 9, reason: '响应时间 12.35s 超过阈值 10.00s' },
      { kind: 'channel_disabled', ...base('[INFO] 2025/02/21 - 20:05:00 | monitor/channel.go:49 [MetricDisableChannel] channel #4 has been disabled due to low success rate: 12.50', '2025-02-21T12:05:00.000Z'), channel: 4, reason: 'low success rate: 12.50' },
      { kind: 'channel_enabled', ...base('[INFO] 2025/02/21 - 20:10:00 | monitor/channel.go:66 [EnableChannel] channel #9 has been enabled', '2025-02-21T12:10:00.000Z'), channel: 9, reason: null },
    ],
  },
  {
    name: 'retry line with file:line [func]',
    input: [`[INFO] 2025/02/21 - 19:40:01 | ${RID} | controller/relay.go:76 [Relay] using channel #7 to retry (remain times 2) `],
    want: [{ kind: 'retry', ...base(`[INFO] 2025/02/21 - 19:40:01 | ${RID} | controller/relay.go:76 [Relay] using channel #7 to retry (remain times 2)`, '2025-02-21T11:40:01.000Z', { requestId: RID }), fromChannel: null, toChannel: 7, remaining: 2 }],
  },
  {
    name: 'stream read timeout with file:line is a timeout; /build/ path prefix',
    input: ['[ERROR] 2025/02/21 - 19:47:00 | /build/relay/adaptor/openai/main.go:84 [StreamHandler] error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body) '],
    want: [{ kind: 'timeout', ...base('[ERROR] 2025/02/21 - 19:47:00 | /build/relay/adaptor/openai/main.go:84 [StreamHandler] error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body)', '2025-02-21T11:47:00.000Z'), timeoutClass: 'reading_body', message: 'error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body)' }],
  },
  {
    name: 'new-api: status code in the head, SYSTEM is no id',
    input: ['[ERR] 2025/03/26 - 16:10:00 | SYSTEM | relay error (channel #3, status code: 429): You exceeded your current quota '],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2025/03/26 - 16:10:00 | SYSTEM | relay error (channel #3, status code: 429): You exceeded your current quota', '2025-03-26T08:10:00.000Z'),
        channel: 3,
        userId: null,
        statusCode: 429,
        cause: 'quota',
        timeoutClass: null,
        message: 'You exceeded your current quota',
      },
    ],
  },
  {
    name: 'new-api: MJ form and the | file:line | segment',
    input: ['[ERR] 2025/03/26 - 16:10:01 | 20250326161001123456789 | controller/relay.go:374 | relay error (channel #6, status code 401): Incorrect API key provided '],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2025/03/26 - 16:10:01 | 20250326161001123456789 | controller/relay.go:374 | relay error (channel #6, status code 401): Incorrect API key provided', '2025-03-26T08:10:01.000Z', { requestId: '20250326161001123456789' }),
        channel: 6,
        userId: null,
        statusCode: 401,
        cause: 'auth',
        timeoutClass: null,
        message: 'Incorrect API key provided',
      },
    ],
  },
  {
    name: 'newer new-api: channel error (channel #N, status code: N) is a relay error; 通道「…」（#N）已被禁用 notices',
    input: [
      '[ERR] 2025/06/01 - 10:00:00 | 20250601100000123456789 | channel error (channel #12, status code: 503): upstream overloaded ',
      '[SYS] 2025/06/01 - 10:00:01 | 通道「openai-a」（#12）已被禁用，原因：status code 401 ',
      '[SYS] 2025/06/01 - 10:30:00 | 通道「openai-a」（#12）已被启用 ',
    ],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2025/06/01 - 10:00:00 | 20250601100000123456789 | channel error (channel #12, status code: 503): upstream overloaded', '2025-06-01T02:00:00.000Z', { requestId: '20250601100000123456789' }),
        channel: 12,
        userId: null,
        statusCode: 503,
        cause: 'upstream_5xx',
        timeoutClass: null,
        message: 'upstream overloaded',
      },
      { kind: 'channel_disabled', ...base('[SYS] 2025/06/01 - 10:00:01 | 通道「openai-a」（#12）已被禁用，原因：status code 401', '2025-06-01T02:00:01.000Z'), channel: 12, reason: 'status code 401' },
      { kind: 'channel_enabled', ...base('[SYS] 2025/06/01 - 10:30:00 | 通道「openai-a」（#12）已被启用', '2025-06-01T02:30:00.000Z'), channel: 12, reason: null },
    ],
  },
  {
    name: 'new-api startup banner',
    input: ['[SYS] 2025/03/26 - 16:03:00 | New API v0.6.0.3 started '],
    want: [{ kind: 'startup', ...base('[SYS] 2025/03/26 - 16:03:00 | New API v0.6.0.3 started', '2025-03-26T08:03:00.000Z'), version: 'v0.6.0.3', product: 'New API', restart: false }],
  },
  {
    name: 'goroutine monitor levels and memory (text era)',
    input: [
      '[SYS] 2025/11/03 - 14:22:05 | monitoring endpoints enabled at /api/monitor/health ',
      '[SYS] 2025/11/03 - 16:40:35 | ⚠️ Goroutine count elevated: 2417 ',
      '[SYS] 2025/11/03 - 16:41:35 | Goroutine count: 312 ',
      '[SYS] 2025/11/03 - 16:41:35 | Memory: Alloc=812MB, TotalAlloc=91234MB, Sys=1630MB, NumGC=4521 ',
      '[GIN] 2025/11/03 - 16:42:00 | 2025110316420012345678912345678 | 200 |     201.33µs |        10.0.0.5 |     GET /api/monitor/health',
      // SysError writes to stderr; that stream's open record is emitted at the end
      { text: '[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234 ', stream: 'stderr' },
    ],
    want: [
      { kind: 'goroutine', ...base('[SYS] 2025/11/03 - 16:40:35 | ⚠️ Goroutine count elevated: 2417', '2025-11-03T08:40:35.000Z'), count: 2417, level: 'elevated' },
      { kind: 'goroutine', ...base('[SYS] 2025/11/03 - 16:41:35 | Goroutine count: 312', '2025-11-03T08:41:35.000Z'), count: 312, level: 'debug' },
      { kind: 'memory', ...base('[SYS] 2025/11/03 - 16:41:35 | Memory: Alloc=812MB, TotalAlloc=91234MB, Sys=1630MB, NumGC=4521', '2025-11-03T08:41:35.000Z'), allocMb: 812, totalAllocMb: 91234, sysMb: 1630, numGc: 4521 },
      { kind: 'goroutine', ...base('[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234', '2025-11-03T08:41:05.000Z', { stream: 'stderr' }), count: 5234, level: 'high' },
    ],
  },
  {
    name: 'relay error (userId #N,channel #N), Retry 渠道切换, Using channel #N',
    input: [
      '[ERR] 2025/11/03 - 16:50:00 | 2025110316500012345678912345678 | relay error (userId #34,channel #12): bad response status code 502 ',
      '[INFO] 2025/11/03 - 16:50:00 | 2025110316500012345678912345678 | Retry: 模型=gpt-4o, 原因=bad response status code 502, 尝试=1/3, 用户ID=34, 请求ID=2025110316500012345678912345678, 渠道切换: #12(openai-a) -> #15(openai-b) ',
      '[INFO] 2025/11/03 - 16:50:01 | 2025110316500112345678912345678 | Using channel #9 to retry (remain times 1) ',
    ],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2025/11/03 - 16:50:00 | 2025110316500012345678912345678 | relay error (userId #34,channel #12): bad response status code 502', '2025-11-03T08:50:00.000Z', { requestId: '2025110316500012345678912345678' }),
        channel: 12,
        userId: 34,
        statusCode: 502,
        cause: 'upstream_5xx',
        timeoutClass: null,
        message: 'bad response status code 502',
      },
      { kind: 'retry', ...base('[INFO] 2025/11/03 - 16:50:00 | 2025110316500012345678912345678 | Retry: 模型=gpt-4o, 原因=bad response status code 502, 尝试=1/3, 用户ID=34, 请求ID=2025110316500012345678912345678, 渠道切换: #12(openai-a) -> #15(openai-b)', '2025-11-03T08:50:00.000Z', { requestId: '2025110316500012345678912345678' }), fromChannel: 12, toChannel: 15, remaining: null },
      { kind: 'retry', ...base('[INFO] 2025/11/03 - 16:50:01 | 2025110316500112345678912345678 | Using channel #9 to retry (remain times 1)', '2025-11-03T08:50:01.000Z', { requestId: '2025110316500112345678912345678' }), fromChannel: null, toChannel: 9, remaining: 1 },
    ],
  },
  {
    name: 'streaming timeout; a goroutine dump header is not a goroutine sample',
    input: [
      '[ERR] 2025/12/20 - 10:00:00 | 2025122010000012345678912345678 | stream ended with error: streaming timeout ',
      '[SYS] 2025/12/20 - 10:00:01 | stacktrace from panic: goroutine 2087 [running]: ',
    ],
    want: [
      { kind: 'timeout', ...base('[ERR] 2025/12/20 - 10:00:00 | 2025122010000012345678912345678 | stream ended with error: streaming timeout', '2025-12-20T02:00:00.000Z', { requestId: '2025122010000012345678912345678' }), timeoutClass: 'streaming', message: 'stream ended with error: streaming timeout' },
      { kind: 'panic', ...base('[SYS] 2025/12/20 - 10:00:01 | stacktrace from panic: goroutine 2087 [running]:', '2025-12-20T02:00:01.000Z'), message: '', signature: expect.stringMatching(/^[0-9a-f]{8} \(no stack\)$/), frames: [], recoveredBy: 'relay' },
    ],
  },
  {
    name: 'timeout text is looked for on WARN/ERR/SYS lines, not on INFO/DEBUG (and JSON info/debug) lines',
    input: [
      '[INFO] 2025/02/21 - 19:31:02 | r1 | relay/controller/helper.go:86 [preConsumeQuota] request timeout set to 300s ',
      '[DEBUG] 2025/02/21 - 19:31:02 | r1 | streaming timeout seconds: 300 ',
      '{"ts":"2026-08-21T10:15:30+08:00","level":"info","msg":"relay timeout is 300s","service":"one-api"}',
      '[WARN] 2025/02/21 - 19:31:03 | r1 | relay/adaptor/openai/main.go:84 [StreamHandler] read: i/o timeout ',
    ],
    want: [{ kind: 'timeout', ...base('[WARN] 2025/02/21 - 19:31:03 | r1 | relay/adaptor/openai/main.go:84 [StreamHandler] read: i/o timeout', '2025-02-21T11:31:03.000Z', { requestId: 'r1' }), timeoutClass: 'other', message: 'read: i/o timeout' }],
  },
  {
    name: "Docker's time wins over the app time",
    input: [{ text: '[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234 ', dockerTime: '2025-11-03T08:41:05.123456789Z' }],
    want: [{ kind: 'goroutine', ...base('[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234', '2025-11-03T08:41:05.123Z'), count: 5234, level: 'high' }],
  },
  {
    name: 'CRLF, NUL bytes and ANSI around an event',
    input: ['[SYS] 2025/01/21 - 12:41:15 | One API v0.6.7 started \r', '\x1b[31m[SYS] 2025/01/21 - 12:41:16 | Goroutine count: 12\x00 \x1b[0m', '\x00\x00[SYS] 2025/01/21 - 12:41:17 | Goroutine count: 13 '],
    want: [
      { kind: 'startup', ...base('[SYS] 2025/01/21 - 12:41:15 | One API v0.6.7 started', '2025-01-21T04:41:15.000Z'), version: 'v0.6.7', product: 'One API', restart: false },
      { kind: 'goroutine', ...base('[SYS] 2025/01/21 - 12:41:16 | Goroutine count: 12', '2025-01-21T04:41:16.000Z'), count: 12, level: 'debug' },
      { kind: 'goroutine', ...base('[SYS] 2025/01/21 - 12:41:17 | Goroutine count: 13', '2025-01-21T04:41:17.000Z'), count: 13, level: 'debug' },
    ],
  },
  {
    name: 'a relay error whose upstream text spans lines keeps them in the message',
    input: ["[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel #2): upstream said:", "line two of the body "],
    want: [
      {
        kind: 'relay_error',
        ...base('[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel #2): upstream said:', '2024-09-10T03:02:33.000Z', { requestId: '2024091011023348291533751023948' }),
        channel: 2,
        userId: null,
        statusCode: null,
        cause: 'other',
        timeoutClass: null,
        message: 'upstream said:\nline two of the body',
      },
    ],
  },
  {
    name: 'raw is capped at 500 characters',
    input: ['[SYS] 2025/01/21 - 12:41:16 | Goroutine count: 12 ' + 'x'.repeat(1000)],
    want: [{ kind: 'goroutine', ...base(('[SYS] 2025/01/21 - 12:41:16 | Goroutine count: 12 ' + 'x'.repeat(1000)).slice(0, 500), '2025-01-21T04:41:16.000Z'), count: 12, level: 'debug' }],
  },
];

describe('oneapi', () => {
  runTable(cases);
  it.each([
    { name: '[SYS]', input: '[SYS] 2024/02/17 - 04:24:47 | One API v0.0.0 started ', want: START },
    { name: '[INFO]', input: '[INFO] 2025/02/21 - 19:30:16 | main.go:32 [main] One API v0.6.11-preview.1 started ', want: START },
    { name: '[ERROR]', input: '[ERROR] 2025/02/21 - 19:31:07 | model/token.go:68 [ValidateUserToken] x', want: START },
    { name: '[FATAL]', input: '[FATAL] 2024/02/17 - 04:24:49 | [x]', want: START },
    { name: 'lower case is GORM, not One API', input: '[error] failed to initialize database', want: CONTINUATION },
    { name: 'no date', input: '[INFO] hello', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(oneapi.start(input)).toBe(want));
});
