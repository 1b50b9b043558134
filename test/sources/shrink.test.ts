// A log file cut while it is read (truncated, or rotated with copytruncate by logrotate): what was read is kept and
// the source says its lines may be incomplete (SourceInfo.incomplete, exit 75 in the commands). The file is truncated
// from the line sink on the first line, so the cut always falls inside the read.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/sources/index.js';
import { fileRangeSource } from '../../src/sources/split.js';
import type { Source } from '../../src/sources/types.js';
import type { Line } from '../../src/stream/types.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-shrink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 8 MB of plain goroutine lines (eight read chunks). */
function bigFile(path: string): number {
  const line = '[SYS] 2026/01/01 - 00:00:00 | ⚠️ Goroutine count elevated: 2417 \n';
  const data = line.repeat(Math.ceil((8 << 20) / Buffer.byteLength(line)));
  writeFileSync(path, data);
  return Buffer.byteLength(data);
}

/** Read `s`, truncating `path` to zero at the first line; the lines seen. */
async function readCut(s: Source, path: string): Promise<number> {
  let n = 0;
  await s.read((l: Line) => {
    if (n === 0) truncateSync(path, 0);
    n += l.count ?? 1;
  });
  return n;
}

const SHRANK = /^the file shrank to 0 bytes while it was read, at byte \d+ \(truncated, or rotated with copytruncate\): the lines after that are not in the result$/;

describe('a file that shrinks while it is read', () => {
  it('a whole file: the lines read so far, and why more may be missing', async () => {
    const p = join(dir, 'whole.log');
    bigFile(p);
    const s = await openSource(p);
    const n = await readCut(s, p);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(120_000);
    expect(s.info.incomplete).toMatch(SHRANK);
  });

  it('a byte range of it (the parallel scan): the same', async () => {
    const p = join(dir, 'range.log');
    const size = bigFile(p);
    const s = fileRangeSource(p, { start: 0, end: size, format: 'plain' });
    await readCut(s, p);
    expect(s.info.incomplete).toMatch(SHRANK);
  });

  it('a log directory: the file that shrank is named', async () => {
    const d = join(dir, 'logs');
    mkdirSync(d);
    const p = join(d, 'oneapi-20260101.log');
    bigFile(p);
    const s = await openSource(d);
    await readCut(s, p);
    expect(s.info.incomplete?.startsWith(`${p}: the file shrank to 0 bytes`)).toBe(true);
  });

  it('a file read whole, and one that grows meanwhile, are not marked', async () => {
    const p = join(dir, 'fine.log');
    bigFile(p);
    const s = await openSource(p);
    let n = 0;
    await s.read((l: Line) => {
      if (n === 0) writeFileSync(p, '[SYS] 2026/01/01 - 00:00:01 | more \n', { flag: 'a' });
      n += l.count ?? 1;
    });
    expect(s.info.incomplete).toBeUndefined();
  });
});
