// Shared by the parse tests: run lines through RecordGrouper + EventParser the way the pipeline does.
import { expect, it } from 'vitest';
import { EventParser, RecordGrouper } from '../../src/parse/index.js';
import type { GEvent, Stream } from '../../src/events.js';
import type { Line, LogRecord } from '../../src/stream/types.js';

export const SOURCE = 't';

/** A line given as text (stream `unknown`, no docker time) or as a partial Line. */
export type LineInput = string | (Partial<Line> & { text: string });

export function toLine(l: LineInput): Line {
  if (typeof l === 'string') return { source: SOURCE, stream: 'unknown', dockerTime: null, text: l };
  return { source: SOURCE, stream: 'unknown', dockerTime: null, ...l };
}

export interface Parsed {
  events: GEvent[];
  records: LogRecord[];
  unparsed: number;
}

export function parse(lines: readonly LineInput[], tz = 'Asia/Shanghai'): Parsed {
  const events: GEvent[] = [];
  const records: LogRecord[] = [];
  const parser = new EventParser({ tz, onEvent: (e) => events.push(e) });
  const grouper = new RecordGrouper((r) => {
    records.push({ ...r, lines: [...r.lines] });
    parser.record(r);
  });
  for (const l of lines) grouper.push(toLine(l));
  grouper.flush();
  parser.flush();
  return { events, records, unparsed: parser.unparsed };
}

/** The fields every event has, for a record read from `raw` with no docker time. */
export function base(raw: string, time: string | null, extra: { stream?: Stream; requestId?: string; source?: string } = {}) {
  const b: Record<string, unknown> = { time, stream: extra.stream ?? 'unknown', source: extra.source ?? SOURCE, raw };
  if (extra.requestId !== undefined) b['requestId'] = extra.requestId;
  return b;
}

/** A table row: lines in, the exact events out (and how many records nothing was known of). */
export interface Case {
  name: string;
  input: LineInput[];
  want: Record<string, unknown>[];
  unparsed?: number;
}

/** One `it` per row: the events equal `want` exactly, in order, and `unparsed` is as stated (0 by default). */
export function runTable(cases: readonly Case[]): void {
  it.each(cases)('$name', ({ input, want, unparsed }) => {
    const got = parse(input);
    expect(got.events).toEqual(want);
    expect(got.events).toHaveLength(want.length);
    expect(got.unparsed).toBe(unparsed ?? 0);
  });
}
