// Record grouping: which lines open a record, where blank lines go, per-stream grouping, caps.
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_LINES, RecordGrouper } from '../../src/parse/index.js';
import type { LogRecord } from '../../src/stream/types.js';
import { toLine, type LineInput } from './helpers.js';

function group(input: LineInput[]): Pick<LogRecord, 'stream' | 'lines' | 'atEnd'>[] {
  const out: Pick<LogRecord, 'stream' | 'lines' | 'atEnd'>[] = [];
  const g = new RecordGrouper((r) => out.push(r.atEnd ? { stream: r.stream, lines: r.lines, atEnd: true } : { stream: r.stream, lines: r.lines }));
  for (const l of input) g.push(toLine(l));
  g.flush();
  return out;
}

const u = 'unknown' as const;

const cases: { name: string; input: LineInput[]; want: Pick<LogRecord, 'stream' | 'lines' | 'atEnd'>[] }[] = [
  {
    name: 'every One API prefix opens a record; the last one is emitted at end',
    input: ['[SYS] 2024/02/17 - 04:24:47 | a ', '[INFO] 2025/02/21 - 19:30:16 | b ', '[WARN] 2025/02/21 - 19:30:16 | c ', '[ERR] 2025/02/21 - 19:30:16 | d ', '[ERROR] 2025/02/21 - 19:30:16 | e ', '[DEBUG] 2025/02/21 - 19:30:16 | f ', '[FATAL] 2025/02/21 - 19:30:16 | [g] '],
    want: [
      { stream: u, lines: ['[SYS] 2024/02/17 - 04:24:47 | a '] },
      { stream: u, lines: ['[INFO] 2025/02/21 - 19:30:16 | b '] },
      { stream: u, lines: ['[WARN] 2025/02/21 - 19:30:16 | c '] },
      { stream: u, lines: ['[ERR] 2025/02/21 - 19:30:16 | d '] },
      { stream: u, lines: ['[ERROR] 2025/02/21 - 19:30:16 | e '] },
      { stream: u, lines: ['[DEBUG] 2025/02/21 - 19:30:16 | f '] },
      { stream: u, lines: ['[FATAL] 2025/02/21 - 19:30:16 | [g] '], atEnd: true },
    ],
  },
  {
    name: '[GIN], [GIN-debug], [mysql], JSON, zap, std-log, panic:, fatal error: open records; [error], [0.8ms], [signal, goroutine N do not',
    input: [
      '[GIN] 2025/02/21 - 19:31:04 | r | 200 |  2.1s |  1.2.3.4 |    POST /v1/chat/completions',
      '[GIN-debug] [WARNING] Running in "debug" mode.',
      '[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF',
      '{"ts":"2026-08-21T10:15:30+08:00","level":"info","msg":"x"}',
      '2025/01/05 - 10:20:30\tINFO\tmiddleware/logger.go:71\tGIN request',
      '2023/04/24 01:30:38 /build/model/main.go:49',
      '[error] failed to initialize database',
      'panic: boom',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0xda7802]',
      'goroutine 1 [running]:',
      'fatal error: concurrent map writes',
      '[0.812ms] [rows:0] SELECT 1',
      '[INFO] no date here',
    ],
    want: [
      { stream: u, lines: ['[GIN] 2025/02/21 - 19:31:04 | r | 200 |  2.1s |  1.2.3.4 |    POST /v1/chat/completions'] },
      { stream: u, lines: ['[GIN-debug] [WARNING] Running in "debug" mode.'] },
      { stream: u, lines: ['[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF'] },
      { stream: u, lines: ['{"ts":"2026-08-21T10:15:30+08:00","level":"info","msg":"x"}'] },
      { stream: u, lines: ['2025/01/05 - 10:20:30\tINFO\tmiddleware/logger.go:71\tGIN request'] },
      { stream: u, lines: ['2023/04/24 01:30:38 /build/model/main.go:49', '[error] failed to initialize database'] },
      { stream: u, lines: ['panic: boom', '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0xda7802]', 'goroutine 1 [running]:'] },
      { stream: u, lines: ['fatal error: concurrent map writes', '[0.812ms] [rows:0] SELECT 1', '[INFO] no date here'], atEnd: true },
    ],
  },
  {
    name: "blank and \\r lines go to the FOLLOWING GORM / [Recovery] record (ANSI before the date)",
    input: ['[SYS] 2025/02/21 - 19:31:06 | x ', '\r', '2025/02/21 19:31:07 \x1b[31;1mmodel/cache.go:40 \x1b[35;1mrecord not found', '\x1b[0m\x1b[33m[0.812ms]', '', '', '\x1b[31m2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:', 'boom', '\x1b[0m'],
    want: [
      { stream: u, lines: ['[SYS] 2025/02/21 - 19:31:06 | x '] },
      { stream: u, lines: ['\r', '2025/02/21 19:31:07 \x1b[31;1mmodel/cache.go:40 \x1b[35;1mrecord not found', '\x1b[0m\x1b[33m[0.812ms]'] },
      { stream: u, lines: ['', '', '\x1b[31m2025/02/21 19:52:10 [Recovery] 2025/02/21 - 19:52:10 panic recovered:', 'boom', '\x1b[0m'], atEnd: true },
    ],
  },
  {
    name: 'blank lines before any other record continue the previous one; inside a crash dump they stay in place',
    input: ['[ERR] 2025/02/21 - 19:50:03 | r | stacktrace from panic: goroutine 1 [running]:', 'main.f()', '\tmain.go:1 +0x1', ' ', '[ERR] 2025/02/21 - 19:50:03 | r | request: GET / ', 'panic: x', '', 'goroutine 1 [running]:'],
    want: [
      { stream: u, lines: ['[ERR] 2025/02/21 - 19:50:03 | r | stacktrace from panic: goroutine 1 [running]:', 'main.f()', '\tmain.go:1 +0x1', ' '] },
      { stream: u, lines: ['[ERR] 2025/02/21 - 19:50:03 | r | request: GET / '] },
      { stream: u, lines: ['panic: x', '', 'goroutine 1 [running]:'], atEnd: true },
    ],
  },
  {
    name: 'lines that continue nothing stand alone, each one record',
    input: ['setup log is already working', '', 'data: {"a":1}', '[SYS] 2025/02/21 - 19:31:06 | x '],
    want: [
      { stream: u, lines: ['setup log is already working'] },
      { stream: u, lines: ['data: {"a":1}'] },
      { stream: u, lines: ['[SYS] 2025/02/21 - 19:31:06 | x '], atEnd: true },
    ],
  },
  {
    name: 'streams group apart: stdout lines between a stderr record and its continuation',
    input: [
      { text: 'panic: boom', stream: 'stderr' },
      { text: '[GIN] 2025/02/21 - 19:31:04 | r | 200 |  2.1s |  1.2.3.4 |    GET /', stream: 'stdout' },
      { text: 'goroutine 1 [running]:', stream: 'stderr' },
      { text: '[INFO] 2025/02/21 - 19:31:05 | r | y ', stream: 'stdout' },
      { text: '[SYS] 2025/02/21 - 19:31:06 | z ', stream: 'stderr' },
    ],
    want: [
      { stream: 'stdout', lines: ['[GIN] 2025/02/21 - 19:31:04 | r | 200 |  2.1s |  1.2.3.4 |    GET /'] },
      { stream: 'stderr', lines: ['panic: boom', 'goroutine 1 [running]:'] },
      { stream: 'stdout', lines: ['[INFO] 2025/02/21 - 19:31:05 | r | y '], atEnd: true },
      { stream: 'stderr', lines: ['[SYS] 2025/02/21 - 19:31:06 | z '], atEnd: true },
    ],
  },
];

describe('RecordGrouper', () => {
  it.each(cases)('$name', ({ input, want }) => {
    expect(group(input)).toEqual(want);
  });

  it(`caps a record at ${MAX_RECORD_LINES} lines and counts the rest`, () => {
    const records: LogRecord[] = [];
    const g = new RecordGrouper((r) => records.push(r));
    g.push(toLine('fatal error: concurrent map writes'));
    for (let i = 0; i < 3000; i++) g.push(toLine(`\tmain.go:${i} +0x1`));
    g.push(toLine('[SYS] 2025/02/21 - 19:31:06 | next '));
    g.flush();
    expect(records.map((r) => r.lines.length)).toEqual([MAX_RECORD_LINES, 1]);
    expect(g.droppedLines).toBe(3001 - MAX_RECORD_LINES);
  });

  it('keeps the docker time of the line that opens the record, not of the blank before it', () => {
    const records: LogRecord[] = [];
    const g = new RecordGrouper((r) => records.push(r));
    g.push(toLine({ text: '\r', dockerTime: '2025-02-21T11:31:06.999Z' }));
    g.push(toLine({ text: '2025/02/21 19:31:07 model/cache.go:40 record not found', dockerTime: '2025-02-21T11:31:07.001Z' }));
    g.flush();
    expect(records.map((r) => [r.dockerTime, r.lines.length, r.seq])).toEqual([['2025-02-21T11:31:07.001Z', 2, 0]]);
  });

  it('drain() emits open records without atEnd; the grouper goes on', () => {
    const records: LogRecord[] = [];
    const g = new RecordGrouper((r) => records.push(r));
    g.push(toLine('[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234 '));
    g.drain();
    expect(records).toHaveLength(1);
    expect(records[0]!.atEnd).toBeUndefined();
    g.push(toLine('[SYS] 2025/11/03 - 16:41:35 | ⚠️ High goroutine count detected: 5301 '));
    g.flush();
    expect(records.map((r) => [r.seq, r.atEnd])).toEqual([[0, undefined], [1, true]]);
  });
});
