// `goroscope scan CONTAINER` through the built binary against the real engine: streams kept apart, --tail,
// and --follow ended by Ctrl-C (exit 0, events printed as they come).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goroscope, BIN, ROOT } from '../helpers/cli.js';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName, waitExited } from '../helpers/engine.js';

const STARTUP = '[SYS] 2026/03/02 - 08:00:00 | One API v1.9.2 started ';
const RELAY = (ch: number) => `[ERR] 2026/03/02 - 08:00:01 | 2026030208000112345678912345678 | relay error (userId #3,channel #${ch}): bad response status code 503 `;
const GOROUTINE = '[SYS] 2026/03/02 - 08:00:30 | ⚠️ Goroutine count elevated: 2417 ';
const GIN502 = '[GIN] 2026/03/02 - 08:00:31 | 2026030208003112345678912345678 | 502 |  2.137854913s |      172.18.0.1 |    POST /v1/chat/completions';

/** A shell line that prints `text` on stdout or stderr; single quotes in text are not used. */
const say = (text: string, err = false) => `echo '${text}'${err ? ' >&2' : ''}`;

describe.skipIf(noBusybox)('scan a container (real engine)', () => {
  const done = uniqueName('scan');
  const looping = uniqueName('scan-follow');

  beforeAll(async () => {
    const script = [say(STARTUP), say(RELAY(5), true), say(GOROUTINE), 'sleep 0.05', say(GIN502), say(RELAY(7), true)].join('; ');
    await docker('run', '-d', '--name', done, '--network', 'none', BUSYBOX, 'sh', '-c', script);
    await waitExited(done);
  });
  afterAll(() => removeContainers(done, looping));

  it('--json: exact counts, the container as source', async () => {
    const r = await goroscope(['scan', done, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect({ lines: s.lines, events: Object.fromEntries(Object.entries(s.events).filter(([, n]) => n)), kind: s.sources[0].kind, name: s.sources[0].name }).toEqual({
      lines: 5,
      events: { startup: 1, relay_error: 2, goroutine: 1, http_error: 1 },
      kind: 'container',
      name: done,
    });
    expect(s.relayErrors.byChannel).toEqual([
      { channel: 5, count: 1, timeouts: 0 },
      { channel: 7, count: 1, timeouts: 0 },
    ]);
  });

  it('--jsonl keeps stdout and stderr apart and carries Docker time', async () => {
    const r = await goroscope(['scan', done, '--jsonl']);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    const streams = Object.fromEntries(['startup', 'goroutine', 'http_error', 'relay_error'].map((k) => [k, [...new Set(events.filter((e) => e.kind === k).map((e) => e.stream))]]));
    expect(streams).toEqual({ startup: ['stdout'], goroutine: ['stdout'], http_error: ['stdout'], relay_error: ['stderr'] });
    // Docker's timestamp wins over the app's naive 2026/03/02 one: the container ran today.
    expect(events.filter((e) => e.time.startsWith('2026-03-02')).length).toBe(0);
    expect(events.length).toBe(5);
  });

  it('--tail 2: only the last two lines', async () => {
    const r = await goroscope(['scan', done, '--tail', '2', '--jsonl']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const kinds = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).kind).sort();
    expect(kinds).toEqual(['http_error', 'relay_error']);
  });

  it('--follow prints events as they come; Ctrl-C ends it with exit 0', async () => {
    const loop = `i=0; while true; do i=$((i+1)); echo "[SYS] 2026/03/02 - 08:00:00 | ⚠️ Goroutine count elevated: $((2000+i)) "; sleep 0.1; done`;
    await docker('run', '-d', '--name', looping, '--network', 'none', BUSYBOX, 'sh', '-c', loop);
    const child = spawn(process.execPath, [BIN, 'scan', looping, '--follow', '--jsonl'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no events within 20 s; stdout=${out} stderr=${err}`)), 20_000);
      child.stdout.on('data', (b: Buffer) => {
        out += b;
        // A count of 2005 or more arrives while the container is running: we are following, not replaying.
        if (out.split('\n').filter(Boolean).length >= 5) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const counts = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((e) => [e.kind, e.count]);
    expect(counts.length).toBeGreaterThanOrEqual(5);
    // Consecutive counts, no gap and no duplicate.
    const first = counts[0]![1] as number;
    expect(counts).toEqual(counts.map((_, i) => ['goroutine', first + i]));
    expect(err).toBe('');
  });
});
