// `scan FILE --follow` reads on as the file grows, like `tail -F`: through the real binary, a file that grows, is
// truncated in place (logrotate's copytruncate) and is rotated by renaming (logrotate's default); Ctrl-C ends it
// with exit 0 and, with --json, the summary of everything read. And a live pipe (`docker logs -f … | goroscope scan -
// --follow`): its lines come out as they come, not once 20 lines have gathered.
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, startGoroscope, type Running } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (n: number) => `[SYS] 2026/01/01 - 00:00:0${n - 2410} | ⚠️ Goroutine count elevated: ${n} \n`;
const counts = (r: Running) =>
  r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { count: number }).count);

/** Wait for `ok` (generously: the whole suite may be running beside it); the output so far in the error. */
async function until(what: string, r: Running, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('scan FILE --follow', { timeout: 150_000 }, () => {
  it('reads what is appended, across a truncation and a rotation, until Ctrl-C (exit 0)', async () => {
    const file = join(dir, 'oneapi.log');
    writeFileSync(file, line(2411));
    const r = startGoroscope(['scan', file, '--follow', '--jsonl']);
    await until('the first event', r, () => counts(r).length === 1);
    appendFileSync(file, line(2412));
    await until('an appended line', r, () => counts(r).length === 2);
    truncateSync(file, 0); // copytruncate: the same file, emptied, then written again
    appendFileSync(file, line(2413));
    await until('a line after the truncation', r, () => counts(r).length === 3);
    appendFileSync(file, line(2414));
    renameSync(file, `${file}.1`); // rotation by renaming: the old file's last line, then the new file
    writeFileSync(file, line(2415));
    await until('the new file after the rotation', r, () => counts(r).length === 5);
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
    expect(counts(r)).toEqual([2411, 2412, 2413, 2414, 2415]);
    expect(r.stderr).toBe('');
  });

  it('--json: the summary of what was read when Ctrl-C stops it', async () => {
    const file = join(dir, 'summary.log');
    writeFileSync(file, line(2411) + line(2412));
    const r = startGoroscope(['scan', file, '--follow', '--json']);
    await new Promise((res) => setTimeout(res, 1500));
    appendFileSync(file, line(2413));
    await new Promise((res) => setTimeout(res, 1000));
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
    const j = JSON.parse(r.stdout) as { lines: number; events: { goroutine: number }; goroutines: { samples: number; max: number; last: number } };
    expect([j.lines, j.events.goroutine, j.goroutines.samples, j.goroutines.max, j.goroutines.last]).toEqual([3, 3, 3, 2413, 2413]);
  });

  it("a log directory: the last file is followed, then the next day's file when it appears", async () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(logs, 'oneapi-20260101.log'), line(2411));
    writeFileSync(join(logs, 'oneapi-20260102.log'), line(2412));
    const r = startGoroscope(['scan', logs, '--follow', '--jsonl']);
    await until('both files', r, () => counts(r).length === 2);
    appendFileSync(join(logs, 'oneapi-20260102.log'), line(2413));
    await until('a line appended to the last file', r, () => counts(r).length === 3);
    writeFileSync(join(logs, 'oneapi-20260103.log'), line(2414));
    await until("the next day's file", r, () => counts(r).length === 4);
    appendFileSync(join(logs, 'oneapi-20260103.log'), line(2415));
    await until('a line appended to it', r, () => counts(r).length === 5);
    // a clean-up deletes the file being followed (and an old one): the next file to appear is still found
    rmSync(join(logs, 'oneapi-20260103.log'));
    rmSync(join(logs, 'oneapi-20260101.log'));
    writeFileSync(join(logs, 'oneapi-20260104.log'), line(2416));
    await until('the file after the deleted one', r, () => counts(r).length === 6);
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
    const sources = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { source: string }).source.slice(logs.length + 1));
    expect([counts(r), sources]).toEqual([
      [2411, 2412, 2413, 2414, 2415, 2416],
      ['oneapi-20260101.log', 'oneapi-20260102.log', 'oneapi-20260102.log', 'oneapi-20260103.log', 'oneapi-20260103.log', 'oneapi-20260104.log'],
    ]);
  });

  it('a live pipe: the first line is read while the pipe stays open', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', '-', '--follow', '--jsonl'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stdin.write(line(2411));
    const end = Date.now() + 30_000;
    while (!out.includes('\n') && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    const first = out;
    child.stdin.end(line(2412));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(first.trim().split('\n').map((l) => (JSON.parse(l) as { count: number }).count)).toEqual([2411]);
    expect([code, out.trim().split('\n').length]).toEqual([0, 2]);
  });
});
