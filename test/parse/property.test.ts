// Properties: no input makes the parse layer throw; per-stream grouping makes the events independent of how two
// streams' lines interleave.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { EventParser, RecordGrouper } from '../../src/parse/index.js';
import type { GEvent, Stream } from '../../src/events.js';
import type { Line } from '../../src/stream/types.js';

/** Realistic lines of every family, including the multi-line and cross-record ones. */
const POOL = [
  '[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234 ',
  '[SYS] 2025/11/03 - 16:40:35 | ⚠️ Goroutine count elevated: 2417 ',
  '[SYS] 2025/11/03 - 16:41:35 | Memory: Alloc=812MB, TotalAlloc=91234MB, Sys=1630MB, NumGC=4521 ',
  '[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel id 3, user id: 1): bad response status code 503 ',
  '[INFO] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | using channel #7 to retry (remain times 2) ',
  '[INFO] 2025/02/21 - 19:42:00 | monitor/channel.go:33 [DisableChannel] channel #5 has been disabled: Incorrect API key provided ',
  '[ERROR] 2025/02/21 - 19:50:03 | R1 | middleware/recover.go:17 [1] panic detected: boom ',
  '[ERROR] 2025/02/21 - 19:50:03 | R1 | middleware/recover.go:18 [1] stacktrace from panic: goroutine 2087 [running]:',
  'runtime/debug.Stack()',
  '\truntime/debug/stack.go:26 +0x5e',
  'panic({0x1d2dea0?, 0x3b332b0?})',
  '\truntime/panic.go:785 +0x132',
  'github.com/songquanpeng/one-api/relay/adaptor/gemini.StreamHandler(0xc000a8e100)',
  '\tgithub.com/songquanpeng/one-api/relay/adaptor/gemini/main.go:301 +0x2f4',
  ' ',
  '[ERROR] 2025/02/21 - 19:50:03 | R1 | middleware/recover.go:19 [1] request: POST /v1/chat/completions ',
  '[ERROR] 2025/02/21 - 19:50:03 | R1 | middleware/recover.go:21 [1] request body: {} ',
  '[GIN] 2025/02/21 - 19:50:03 | R1 | 500 |   12.603341ms |      172.18.0.1 |    POST /v1/chat/completions',
  '[GIN] 2025/02/21 - 19:31:04 | R2 | 200 |  2.137854913s |      172.18.0.1 |    POST /v1/chat/completions',
  '',
  '\r',
  '\x1b[31m2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:',
  'runtime error: index out of range [0] with length 0',
  'github.com/songquanpeng/one-api/controller/channel.go:212 (0x1a9c5e3)',
  '\x1b[0m',
  '[SYS] 2025/02/21 - 19:52:10 | panic detected: runtime error: index out of range [0] with length 0 ',
  'panic: runtime error: invalid memory address or nil pointer dereference',
  'goroutine 8123 [running]:',
  'fatal error: concurrent map writes',
  '2025/02/21 19:31:07 \x1b[31;1m/build/model/cache.go:40 \x1b[35;1mrecord not found',
  '\x1b[0m\x1b[31m[error] \x1b[0mfailed to initialize database',
  '[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF',
  '{"ts":"2026-08-21T10:15:31.0112+08:00","level":"error","request_id":"r1","msg":"relay error (userId #34,channel #12): timeout awaiting response headers"}',
  '{"ts":"2026-08-21T10:15:40.2+08:00","level":"error","msg":"http request","status":502,"latency_ms":9718,"method":"POST","path":"/v1"}',
  '{"ts":"2026-08-21T10:15:40.2+08:00","level":"fatal","msg":"[x]"}',
  '2025/01/05 - 10:20:30\tERROR\trelay/common.go:548\tR3 | relay error (channel #4(openai-a)): EOF ',
  '[SYS] 2024/09/10 - 11:05:00 | error reading stream: context deadline exceeded (Client.Timeout or context cancellation while reading body) ',
  '[INFO] 2025/02/21 - 19:55:41 | main.go:32 [main] One API v0.6.11-preview.1 started ',
  'setup log is already working',
  'data: {"choices":[]}',
  // pasted shapes: prefixes peeled per line, headless dumps and GORM details that depend on the open record
  '2025-06-11 09:14:02 [SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234 ',
  '2025-06-11 09:14:02 \truntime/panic.go:785 +0x132',
  'one-api  | [ERR] 2024/09/10 - 11:02:33 | R4 | relay error (channel #2): EOF ',
  'one-api  |',
  '> [GIN] 2025/02/21 - 19:50:03 | R1 | 502 |   12.603341ms |      172.18.0.1 |    POST /v1/chat/completions',
  '>',
  '    panic: assignment to entry in nil map',
  '        /build/model/cache.go:196 +0x78e',
  '\u0001\u0000\u0000\u0000\u0000\u0000\u0000J[SYS] 2025/11/03 - 16:41:05 | Goroutine count: 12 ',
  'goroutine 1 [running]:',
  'main.main()',
  '/build/main.go:90 +0x3f0',
  '[originating from goroutine 7]:',
  '[error] failed to initialize database, got error driver: bad connection',
  '[SYS] 2024/04/25 - 05:50:13 | One API  started',
];

const line = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...POOL) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) });

function run(lines: Line[]): { events: string[]; unparsed: number } {
  const events: GEvent[] = [];
  const p = new EventParser({ tz: 'Asia/Shanghai', onEvent: (e) => events.push(e) });
  const g = new RecordGrouper((r) => p.record(r));
  for (const l of lines) g.push(l);
  g.flush();
  p.flush();
  return { events: events.map((e) => JSON.stringify(e)).sort(), unparsed: p.unparsed };
}

describe('parse properties', () => {
  test.prop([
    fc.array(
      fc.record({
        text: fc.oneof(line, fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary-ascii', maxLength: 300 })),
        stream: fc.constantFrom<Stream>('stdout', 'stderr', 'unknown'),
        dockerTime: fc.oneof(fc.constant(null), fc.constant('2025-02-21T11:30:16.123456789Z'), fc.string({ maxLength: 30 })),
        source: fc.constantFrom('a', 'b'),
      }),
      { maxLength: 60 },
    ),
  ])('never throws, whatever the lines', (lines) => {
    expect(() => run(lines)).not.toThrow();
  });

  test.prop([fc.array(line, { maxLength: 40 }), fc.array(line, { maxLength: 40 }), fc.array(fc.boolean(), { maxLength: 80 })])(
    'the same events whatever the interleaving of two streams',
    (a, b, picks) => {
      const mk = (text: string, stream: Stream): Line => ({ source: 's', stream, dockerTime: null, text });
      const sequential = [...a.map((t) => mk(t, 'stdout')), ...b.map((t) => mk(t, 'stderr'))];
      const mixed: Line[] = [];
      let i = 0;
      let j = 0;
      for (const takeA of picks) {
        if (takeA && i < a.length) mixed.push(mk(a[i++]!, 'stdout'));
        else if (j < b.length) mixed.push(mk(b[j++]!, 'stderr'));
      }
      while (i < a.length) mixed.push(mk(a[i++]!, 'stdout'));
      while (j < b.length) mixed.push(mk(b[j++]!, 'stderr'));
      expect(run(mixed)).toEqual(run(sequential));
    },
  );
});
