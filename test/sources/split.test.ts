import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { planRanges } from '../../src/sources/split.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gs-split-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TS = '2026-03-05T04:00:00.000000000Z';
const APP = '2026/03/05 - 12:00:00';
/** An access line of exactly 125 bytes (`docker logs -t` form): quiet, and every line start is a safe cut. */
const gin = (i: number) => `${TS} [GIN] ${APP} | rid${String(i).padStart(8, '0')} | 200 |    1.5ms |  1.2.3.4 |    GET /`.padEnd(124, 'x') + '\n';
/** A relay error line of exactly 125 bytes: it makes an event. */
const relay = (i: number) => `${TS} [ERR] ${APP} | rid${String(i).padStart(8, '0')} | relay error (channel #3, status code 502): bad`.padEnd(124, ' ') + '\n';

function write(name: string, lines: string[]): { path: string; size: number } {
  const path = join(dir, name);
  const text = lines.join('');
  writeFileSync(path, text);
  return { path, size: Buffer.byteLength(text) };
}

describe('planRanges: one range per thread, of about equal work', () => {
  it('a uniform file is cut where its bytes are shared out: halves on 2 threads, thirds on 3 (at the next line start)', async () => {
    const { path, size } = write('uniform.log', Array.from({ length: 32_000 }, (_, i) => gin(i))); // 4,000,000 bytes
    const two = await planRanges(path, size, 2);
    expect(two!.ranges.map((r) => [r.start, r.end])).toEqual([
      [0, 2_000_000],
      [2_000_000, 4_000_000],
    ]);
    expect(two!.busy).toBe(0);
    expect(two!.ranges.every((r) => r.format === 'docker-t')).toBe(true);
    const three = await planRanges(path, size, 3);
    const cut = (k: number) => Math.ceil(Math.floor((k * size) / 3) / 125) * 125;
    expect(three!.ranges.map((r) => [r.start, r.end])).toEqual([
      [0, cut(1)],
      [cut(1), cut(2)],
      [cut(2), size],
    ]);
    expect((await planRanges(path, size, 1))!.ranges).toEqual([{ start: 0, end: size, format: 'docker-t' }]);
  });

  it('a file whose second half is busy is cut where the work halves, not the bytes', async () => {
    // first half: quiet lines (work 1 each); second half: every other line a relay error (work 1 + 8): the work
    // halves 70 % into the file
    const n = 40_000;
    const lines = Array.from({ length: n }, (_, i) => (i < n / 2 || i % 2 === 0 ? gin(i) : relay(i)));
    const { path, size } = write('skewed.log', lines);
    const plan = await planRanges(path, size, 2);
    expect(plan!.ranges).toHaveLength(2);
    const c = plan!.ranges[0]!.end;
    expect(c % 125).toBe(0);
    expect(Math.abs(c / size - 0.7)).toBeLessThan(0.03);
    // the work of the two ranges, counted line by line, within 10 % of each other
    const work = (from: number, to: number) => lines.slice(from / 125, to / 125).reduce((w, l) => w + (l.includes('relay error') ? 9 : 1), 0);
    const [a, b] = [work(0, c), work(c, size)];
    expect(Math.abs(a - b) / (a + b)).toBeLessThan(0.1);
    // the share of sampled lines that may make an event: a quarter of the file's lines
    expect(Math.abs(plan!.busy! - 0.25)).toBeLessThan(0.03);
  });

  it('a gzipped file cannot be cut: null', async () => {
    const path = join(dir, 'x.log.gz');
    const gz = gzipSync(Array.from({ length: 1000 }, (_, i) => gin(i)).join(''));
    writeFileSync(path, gz);
    expect(await planRanges(path, gz.length, 2)).toBeNull();
  });
});
