// Output backpressure through a real pipe: a slow reader must hold goroscope back, not fill its memory.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-scan-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!existsSync('/usr/bin/time'))('scan output to a slow reader', () => {
  it('400,000 events (~170 MB of JSON lines) into `sleep 4; wc -l`: all arrive, peak RSS stays under 200 MB', () => {
    const file = join(dir, 'dense.log');
    const N = 400_000;
    writeFileSync(file, '[SYS] 2026/03/02 - 08:00:30 | ⚠️ High goroutine count detected: 5234 \n'.repeat(N));
    const r = spawnSync(
      'bash',
      ['-c', `/usr/bin/time -f 'maxrss=%M' "${process.execPath}" "${BIN}" scan "${file}" --jsonl 2>"${dir}/time.txt" | (sleep 4; wc -l); cat "${dir}/time.txt"`],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 },
    );
    const [count, rss] = r.stdout.trim().split('\n');
    expect(Number(count)).toBe(N);
    const kb = Number(/maxrss=(\d+)/.exec(rss ?? '')?.[1]);
    // Queueing the output in memory would need the whole ~170 MB of JSON (×2 as JS strings) on top of the ~90 MB baseline.
    expect(kb / 1024).toBeLessThan(200);
  });
});
