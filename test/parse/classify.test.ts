// classifyTimeout / classifyCause over the texts Go and the gateways print.
import { describe, expect, it } from 'vitest';
import { classifyCause, classifyTimeout, goDurationMs } from '../../src/parse/index.js';
import { causeOf, relayTextClass } from '../../src/parse/classify.js';

describe('classifyTimeout', () => {
  it.each([
    { input: 'Post "https://api.openai.com/v1/chat/completions": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', want: 'awaiting_headers' },
    { input: 'do request failed: net/http: timeout awaiting response headers', want: 'awaiting_headers' },
    { input: 'http2: timeout awaiting response headers', want: 'awaiting_headers' },
    { input: 'error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body)', want: 'reading_body' },
    { input: 'Post "https://x/v1": dial tcp 104.18.6.192:443: i/o timeout', want: 'dial' },
    { input: 'Post "https://x/v1": proxyconnect tcp: dial tcp 10.0.0.1:7890: i/o timeout', want: 'dial' },
    { input: 'dial tcp 10.0.0.1:443: connect: connection timed out', want: 'dial' },
    { input: 'Post "https://x/v1": net/http: TLS handshake timeout', want: 'tls_handshake' },
    { input: 'stream ended with error: streaming timeout', want: 'streaming' },
    { input: 'data handler timeout', want: 'streaming' },
    { input: 'TTS stream processing timeout or cancelled', want: 'streaming' },
    { input: 'upstream request timeout', want: 'upstream' },
    { input: '响应时间 12.35s 超过阈值 10.00s', want: 'slow_response' },
    { input: 'Redis ping test failed: context deadline exceeded', want: 'deadline' },
    { input: 'read tcp 10.0.0.2:5432->10.0.0.9:443: i/o timeout', want: 'other' },
    { input: 'aliAsyncTaskWait timeout', want: 'other' },
    { input: 'request timed out', want: 'other' },
    { input: 'invalid character looking for beginning of value', want: null },
    { input: 'sync frequency: 60 seconds', want: null },
  ])('$input → $want', ({ input, want }) => {
    expect(classifyTimeout(input)).toBe(want);
  });
});

describe('classifyCause', () => {
  it.each([
    { text: 'do request failed: context deadline exceeded (Client.Timeout exceeded while awaiting headers)', status: 500, want: 'timeout' },
    { text: 'Rate limit reached for gpt-4o in organization org-xxx on tokens per min (TPM)', status: null, want: 'rate_limit' },
    { text: 'bad response status code 429', status: 429, want: 'rate_limit' },
    { text: '{"error":{"type":"rate_limit_error"}}', status: null, want: 'rate_limit' },
    { text: 'You exceeded your current quota, please check your plan and billing details.', status: 429, want: 'quota' },
    { text: 'insufficient_user_quota', status: 403, want: 'quota' },
    { text: '该账户已欠费', status: null, want: 'quota' },
    { text: 'Incorrect API key provided: sk-abc***xyz.', status: null, want: 'auth' },
    { text: 'invalid_api_key', status: null, want: 'auth' },
    { text: 'bad response status code 401', status: null, want: 'auth' },
    { text: '', status: 403, want: 'auth' },
    { text: 'bad response status code 503', status: 503, want: 'upstream_5xx' },
    { text: 'bad response status code 502', status: null, want: 'upstream_5xx' },
    { text: '', status: 504, want: 'upstream_5xx' },
    { text: 'do request failed: Post "https://x": dial tcp 1.2.3.4:443: connect: connection refused', status: 500, want: 'network' },
    { text: 'dial tcp: lookup api.example.com on 127.0.0.11:53: no such host', status: null, want: 'network' },
    { text: 'Post "https://x": EOF', status: null, want: 'network' },
    { text: 'read tcp 1.2.3.4:5->6.7.8.9:443: read: connection reset by peer', status: null, want: 'network' },
    { text: "invalid character 'd' looking for beginning of value", status: null, want: 'other' },
    { text: '', status: null, want: 'other' },
    { text: 'model not found', status: 400, want: 'other' },
  ])('$text ($status) → $want', ({ text, status, want }) => {
    expect(classifyCause(text, status)).toBe(want);
  });
});

// A relay error's text is read once and remembered (a gateway in trouble repeats it): the remembered answer must be
// the one a fresh reading gives, for every status the line may carry, however often and in whatever order it is asked.
describe('relayTextClass: remembered by text, the same answer as reading anew', () => {
  const texts = [
    'do request failed: context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    'Rate limit reached for gpt-4o in organization org-xxx on tokens per min (TPM)',
    'You exceeded your current quota, please check your plan and billing details.',
    'Incorrect API key provided: sk-abc***xyz.',
    'bad response status code 429',
    'bad response status code 503',
    'upstream error (状态码: 502)',
    'Post "https://x": EOF',
    'model not found',
    'x'.repeat(700) + ' status code: 502', // too long to remember: read every time
    '',
  ];
  it.each([null, 400, 401, 429, 500, 503])('status %s', (status) => {
    for (let round = 0; round < 3; round++) {
      for (const t of round === 1 ? [...texts].reverse() : texts) {
        const c = relayTextClass(t);
        const inText = /(?:status code:? |状态码: ?)(\d{3})\b/.exec(t);
        expect(c.statusInText).toBe(inText === null ? null : Number(inText[1]));
        expect(c.timeoutClass).toBe(classifyTimeout(t));
        const s = status ?? c.statusInText;
        expect(causeOf(c, s)).toBe(classifyCause(t, s));
      }
    }
  });
  it('what it remembers: the first status in the text, the timeout class, the cause', () => {
    expect(relayTextClass('upstream error (状态码: 502)')).toEqual({ timeoutClass: null, statusInText: 502, byText: null, upstream5xx: true });
    expect(relayTextClass('net/http: timeout awaiting response headers')).toEqual({ timeoutClass: 'awaiting_headers', statusInText: null, byText: 'timeout', upstream5xx: false });
    expect(relayTextClass('Incorrect API key provided: sk-abc***xyz.')).toEqual({ timeoutClass: null, statusInText: null, byText: 'auth', upstream5xx: false });
  });
});

describe('goDurationMs', () => {
  it.each([
    { input: '850ns', want: 0.001 },
    { input: '118.604µs', want: 0.119 },
    { input: '3.402117ms', want: 3.402 },
    { input: '  2.137854913s', want: 2137.855 },
    { input: '1m12.40329107s', want: 72403.291 },
    { input: '1h2m3s', want: 3723000 },
    { input: 'soon', want: null },
    { input: '12', want: null },
  ])('$input → $want', ({ input, want }) => {
    expect(goDurationMs(input)).toBe(want);
  });
});
