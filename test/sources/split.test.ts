import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RangeCutter } from '../../src/sources/split.js';
import type { FileRange } from '../../src/sources/files.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-split-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `n` access lines of exactly 125 bytes each (`docker logs -t` form): every line start is a safe cut. */
function uniformFile(name: string, n: number): { path: string; size: number } {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const head = `2026-03-05T04:00:00.000000000Z [GIN] 2026/03/05 - 12:00:00 | rid${String(i).padStart(8, '0')} | 200 |    1.5ms |  1.2.3.4 |    GET /`;
    lines.push(head.padEnd(124, 'x') + '\n');
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join(''));
  return { path, size: n * 125 };
}

async function allRanges(path: string, size: number, threads: number, minBytes: number): Promise<FileRange[]> {
  const cutter = await RangeCutter.open(path, size, threads, minBytes);
  expect(cutter).not.toBeNull();
  const out: FileRange[] = [];
  for (let r = await cutter!.next(); r !== null; r = await cutter!.next()) out.push(r);
  await cutter!.close();
  return out;
}

describe('RangeCutter: guided range sizes', () => {
  it('2 threads: the first range is half the file, then each is half of what is left per thread, down to the smallest', async () => {
    const { path, size } = uniformFile('uniform.log', 32_000); // 4,000,000 bytes
    const ranges = await allRanges(path, size, 2, 100_000);
    const sizes = ranges.map((r) => r.end - r.start);
    // cuts land on the first safe line start at or after the wanted offset, here the next multiple of 125 bytes
    const want: number[] = [];
    let prev = 0;
    let first = true;
    for (;;) {
      const left = size - prev;
      const w = Math.max(100_000, Math.ceil(first ? left / 2 : left / 4));
      first = false;
      const from = prev + w;
      if (from >= size - Math.floor(w / 4)) {
        want.push(size - prev);
        break;
      }
      const cut = Math.ceil(from / 125) * 125;
      want.push(cut - prev);
      prev = cut;
    }
    expect(sizes).toEqual(want);
    expect(sizes[0]).toBe(2_000_000);
    expect(sizes[1]).toBe(500_000);
    expect(sizes.slice(-2, -1)[0]).toBe(100_000); // the smallest range before the rest
    expect(ranges[0]!.start).toBe(0);
    expect(ranges[ranges.length - 1]!.end).toBe(size);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
  });

  it('a small file gives each thread one range: 3 threads, 3 ranges of a third', async () => {
    const { path, size } = uniformFile('small.log', 2_400); // 300,000 bytes, under the smallest range
    const sizes = (await allRanges(path, size, 3, 16 << 20)).map((r) => r.end - r.start);
    expect(sizes).toEqual([100_000, 100_000, 100_000]);
  });
});
