// Time order inside one container (issue 11): stdout and stderr are separate lanes of the time-ordered merge, so
// `scan --jsonl` and the table print a container's events in Docker-time order even when the two streams
// interleave and a record stays open on one of them (a relay error on stderr whose record only closes when the next
// stderr line comes; a crash dump followed by the restarted process's banner on stdout). The same holds for the
// container read back from its bundle.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goroscope } from '../helpers/cli.js';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName } from '../helpers/engine.js';
import { poll } from '../helpers/sim.js';

// 12 rounds of: a relay error (stderr), the retry it caused (stdout), a monitor sample (stdout). The first run ends
// with a Go crash on stderr (exit 2); Docker restarts it once and the second run prints its banner, a sample, exits 0.
const ROUNDS = 12;
const SCRIPT = `
ts() { date '+%Y/%m/%d - %H:%M:%S'; }
if [ -f /tmp/ran ]; then
  echo "[SYS] $(ts) | One API v1.9.3 started "
  echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: 2100 "
  exit 0
fi
touch /tmp/ran
echo "[SYS] $(ts) | One API v1.9.2 started "
i=0
while [ $i -lt ${ROUNDS} ]; do
  i=$((i+1))
  echo "[ERR] $(ts) | 20260302080001123456789123456$((10+i)) | relay error (channel id 3, user id: 1): bad response status code 503 " >&2
  sleep 0.02
  echo "[INFO] $(ts) | 20260302080001123456789123456$((10+i)) | using channel #7 to retry (remain times 2) "
  echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: $((2000+i)) "
  sleep 0.02
done
printf 'panic: runtime error: invalid memory address or nil pointer dereference\\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\\n\\ngoroutine 1 [running]:\\nmain.main()\\n\\t/build/main.go:10 +0x1d\\n' >&2
exit 2
`;

interface Ev {
  kind: string;
  time: string;
  stream: string;
}

function jsonl(text: string): Ev[] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Ev);
}

/** Pairs of neighbours whose times go backwards, as `kind@time > kind@time`. */
function backwards(events: Ev[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.time < events[i - 1]!.time) out.push(`${events[i - 1]!.kind}@${events[i - 1]!.time} > ${events[i]!.kind}@${events[i]!.time}`);
  }
  return out;
}

describe.skipIf(noBusybox)('time order inside one container', () => {
  const name = uniqueName('order');
  const tmp = mkdtempSync(join(tmpdir(), 'gs-order-'));

  beforeAll(async () => {
    await docker('run', '-d', '--name', name, '--network', 'none', '--restart', 'on-failure:1', BUSYBOX, 'sh', '-c', SCRIPT);
    await poll(
      `${name} restarted once and exited`,
      async () => ((await docker('inspect', '--format', '{{.RestartCount}} {{.State.Status}}', name)).trim() === '1 exited' ? true : undefined),
      30_000,
    );
  });
  afterAll(async () => {
    await removeContainers(name);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('scan --jsonl: every event, in Docker-time order; the table lists the same events in the same order', async () => {
    const [j, t] = await Promise.all([goroscope(['scan', name, '--jsonl']), goroscope(['scan', name])]);
    for (const r of [j, t]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const events = jsonl(j.stdout);
    const count = (k: string) => events.filter((e) => e.kind === k).length;
    expect([count('startup'), count('relay_error'), count('retry'), count('goroutine'), count('crash')]).toEqual([2, ROUNDS, ROUNDS, ROUNDS + 1, 1]);
    expect(backwards(events)).toEqual([]);
    // The crash of the first run comes before the banner of the second.
    const kinds = events.map((e) => e.kind);
    expect(kinds.indexOf('crash')).toBeLessThan(kinds.lastIndexOf('startup'));
    const rows = t.stdout.trimEnd().split('\n').slice(1);
    expect(rows.map((r) => r.split(/\s+/)[1])).toEqual(kinds);
  });

  it('the bundle read back gives the same events in the same order', async () => {
    const b = await goroscope(['bundle', name, '--format', 'dir', '--out', tmp, '--no-redact']);
    expect(b.code).toBe(0);
    const root = /^bundle: (.*) \(/m.exec(b.stdout)?.[1];
    expect(root).toBeDefined();
    const [fromBundle, fromContainer] = await Promise.all([goroscope(['scan', root!, '--jsonl']), goroscope(['scan', name, '--jsonl'])]);
    expect(fromBundle.code).toBe(0);
    const be = jsonl(fromBundle.stdout);
    expect(backwards(be)).toEqual([]);
    expect(be.map((e) => [e.kind, e.time, e.stream])).toEqual(jsonl(fromContainer.stdout).map((e) => [e.kind, e.time, e.stream]));
  });
});
