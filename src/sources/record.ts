// `watch --record` files: one sample per line (src/report/watch.ts `WatchRecord`),
// `{"time":"2026-03-04T01:30:00.000Z","container":"one-api","goroutines":812,"memory":{"allocMb":120,…},"cpuPercent":3.1,"restarts":0,…}`
// (`goroutines` may be null when neither the health endpoint nor the logs had a count; health-style `alloc_mb` keys are read too).
// They are samples, not log text, so they become events here (goroutine `sample`, memory, and a startup when the
// restart counter goes up) instead of going through the log parser.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { GEvent } from '../events.js';
import { InputError } from '../errors.js';
import type { Source } from './types.js';

/** True when the file's first non-empty line is a JSON object with `time` and `goroutines` (a `watch --record` file). */
export async function isRecordFile(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await fh.stat();
    if (!(await fh.stat()).isFile() || size === 0) return false;
    const buf = Buffer.alloc(Math.min(size, 4096));
    await fh.read(buf, 0, buf.length, 0);
    const first = buf.toString('utf8').split('\n').find((l) => l.trim() !== '');
    if (!first || !first.trimStart().startsWith('{')) return false;
    try {
      const o = JSON.parse(first) as Record<string, unknown>;
      return typeof o.time === 'string' && 'goroutines' in o;
    } catch {
      return false;
    }
  } finally {
    await fh.close();
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Turn one recorded line into events; `prevRestarts` is the restart counter of the line before. Pure. */
export function recordLineEvents(line: string, source: string, prevRestarts: number | null): { events: GEvent[]; restarts: number | null } {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { events: [], restarts: prevRestarts };
  }
  if (o === null || typeof o !== 'object' || typeof o.time !== 'string') return { events: [], restarts: prevRestarts };
  const ms = Date.parse(o.time);
  if (!Number.isFinite(ms)) return { events: [], restarts: prevRestarts };
  const time = new Date(ms).toISOString();
  const base = { time, stream: 'unknown' as const, source: typeof o.container === 'string' && o.container ? o.container : source, raw: line.slice(0, 500) };
  const events: GEvent[] = [];
  const restarts = num(o.restarts);
  if (restarts !== null && prevRestarts !== null && restarts > prevRestarts) {
    // the counter went up between two recorded lines: a start after earlier records of this source
    events.push({ ...base, kind: 'startup', version: null, product: `restart #${restarts} (recorded)`, restart: true });
  }
  const g = num(o.goroutines);
  if (g !== null) events.push({ ...base, kind: 'goroutine', count: g, level: 'sample' });
  const m = o.memory as Record<string, unknown> | undefined;
  if (m && typeof m === 'object') {
    const alloc = num(m.alloc_mb) ?? num(m.allocMb);
    if (alloc !== null) {
      events.push({
        ...base,
        kind: 'memory',
        allocMb: alloc,
        totalAllocMb: num(m.total_alloc_mb) ?? num(m.totalAllocMb),
        sysMb: num(m.sys_mb) ?? num(m.sysMb),
        numGc: num(m.num_gc) ?? num(m.numGc),
      });
    }
  }
  return { events, restarts: restarts ?? prevRestarts };
}

/** A record file as a pipeline source: its samples are events, read by `readEvents` (the pipeline's window applies). */
export function recordSource(path: string, signal?: AbortSignal): Source {
  return {
    info: { spec: path, kind: 'record', name: path },
    read: () => Promise.resolve(),
    readEvents: (onEvent) => readRecordFile(path, {}, onEvent, signal),
  };
}

/** Read a record file; events outside [since, until] are dropped. */
export async function readRecordFile(path: string, opts: { since?: number; until?: number }, onEvent: (e: GEvent) => void, signal?: AbortSignal): Promise<number> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const done = new Promise<never>((_, reject) =>
    stream.on('error', (err) => reject(new InputError('cannot read file', path, (err as NodeJS.ErrnoException).code ?? String(err), { cause: err }))),
  );
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let prev: number | null = null;
  let lines = 0;
  const read = (async () => {
    for await (const line of rl) {
      if (signal?.aborted) break;
      lines++;
      if (line.trim() === '') continue;
      const { events, restarts } = recordLineEvents(line, path, prev);
      prev = restarts;
      for (const e of events) {
        const t = Date.parse(e.time!);
        if (opts.since !== undefined && t < opts.since) continue;
        if (opts.until !== undefined && t > opts.until) continue;
        onEvent(e);
      }
    }
    return lines;
  })();
  return Promise.race([read, done]);
}
