// `goroscope watch` against the One API simulator (issue 7): the real binary, not a terminal, a 1 s interval, the
// health URL derived from the container (host network, --port on its command line). A real leak (/sim/leak) takes
// the samples across warning and critical, a failing channel (/sim/load on a --fail-channels channel) streams its
// relay errors, /sim/crash is restarted by Docker (--restart on-failure) and counted; after SIGINT the summary and
// the --record file are checked field by field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { startSimulator } from '../helpers/sim.js';


const SAMPLE = /^(\S+Z) goroutines=(\S+) level=(\S+)( source=log)?( alloc=\S+ sys=\S+ gc=\S+)? cpu=\S+ restarts=(\S+) state=(\S+)/;
interface Sample {
  time: string;
  goroutines: number | null;
  level: string;
  restarts: number | null;
  state: string;
  /** `source=log`: the endpoint did not answer, the count is the newest monitor line followed from the logs. */
  fromLog: boolean;
  memory: boolean;
}
const samples = (text: string): Sample[] =>
  text
    .split('\n')
    .map((l) => SAMPLE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ time: m[1]!, goroutines: m[2] === '?' ? null : Number(m[2]), level: m[3]!, restarts: m[6] === '?' ? null : Number(m[6]), state: m[7]!, fromLog: m[4] !== undefined, memory: m[5] !== undefined }));

async function until(what: string, ok: () => boolean, show: () => string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output so far:\n${show()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(noSimulator)('watch against the simulator', () => {
  const sim = uniqueName('watch-sim');
  const dir = mkdtempSync(join(tmpdir(), 'gs-watch-sim-'));
  let base = '';
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    base = await startSimulator(
      sim,
      ['--monitor-interval', '200ms', '--warn-threshold', '50', '--high-threshold', '100', '--fail-channels', '2:timeout', '--retry-times', '0', '--disable-after', '0', '--leak-per-failure', '0'],
      ['--restart', 'on-failure'],
    );
  }, 30_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await removeContainers(sim);
    rmSync(dir, { recursive: true, force: true });
  });

  it('samples cross the thresholds, relay errors stream with their channel, the restart is counted, summary and record', async () => {
    const record = join(dir, 'watch.jsonl');
    const post = async (path: string) => {
      const r = await fetch(`${base}${path}`, { method: 'POST' });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
    };
    child = spawn(process.execPath, [BIN, 'watch', sim, '--interval', '1s', '--timeout', '500ms', '--record', record, '--warning', '50', '--critical', '100', '--emergency', '200'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout!.on('data', (b: Buffer) => (text += b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => (text += b.toString('utf8')));
    const closed = new Promise<number | null>((r) => child!.on('close', (code) => r(code)));
    const out = () => text;
    const last = () => samples(text).at(-1);

    await until('a first sample', () => last()?.level === 'ok', out);
    await post('/sim/leak?n=60');
    await until('the warning level', () => last()?.level === 'warning', out);
    await post('/sim/leak?n=60');
    await until('the critical level', () => last()?.level === 'critical', out);
    await post('/sim/load?requests=3&channel=2');
    const relayLines = () => text.split('\n').filter((l) => / relay_error /.test(l));
    await until('three relay error lines', () => relayLines().length === 3, out);
    await post('/sim/crash');
    await until('the restart counted, the gateway back at a low count', () => last()?.restarts === 1 && last()?.level === 'ok', out);
    child.kill('SIGINT');
    const code = await closed;
    child = null;

    const got = samples(text);
    // the endpoint answered before the crash: counts from it, with Go memory
    expect(got.slice(0, 3).map((s) => [s.fromLog, s.memory])).toEqual([[false, true], [false, true], [false, true]]);
    // every relay error line: Docker's time, the kind, the record's first line naming its channel
    for (const l of relayLines()) expect(l).toMatch(/^\S+Z relay_error \[ERR\] \S+ - \S+ \| \S+ \| relay error \(channel id 2, user id: 1\): do request failed: Post "http:\/\/channel-2\.upstream\.sim\/v1\/chat\/completions": context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\) ?$/);
    expect(text).toMatch(/\n\S+Z crash panic: runtime error: invalid memory address or nil pointer dereference\n/);
    // levels in order (samples taken while the gateway was restarting have no count)
    const levels = got.map((s) => s.level).filter((l) => l !== 'unknown').filter((l, i, a) => i === 0 || a[i - 1] !== l);
    expect(levels).toEqual(['ok', 'warning', 'critical', 'ok']);
    const restarts = got.map((s) => s.restarts).filter((r, i, a) => i === 0 || a[i - 1] !== r);
    expect(restarts).toEqual([0, 1]);
    const counts = got.map((s) => s.goroutines).filter((g): g is number => g !== null);
    const max = Math.max(...counts);
    const min = Math.min(...counts);
    expect(max).toBeGreaterThanOrEqual(120);
    expect(max).toBeLessThan(160);

    expect(code).toBe(0);
    const summary = text.slice(text.indexOf(`session summary for ${sim}`));
    expect(summary).toMatch(
      new RegExp(
        `^session summary for ${sim}\\n  duration\\s+\\S+\\n  samples\\s+${got.length}\\n  min / max / avg / current\\s+${min} / ${max} / \\d+ / ${counts.at(-1)}\\n` +
          `  growth\\s+(0|[+-][\\d.]+)/h \\((0|[+-][\\d.]+)/min\\)\\n  Docker RestartCount\\s+1\\n  relay errors\\s+#2 timeout ×3\\n$`,
      ),
    );

    const recs = readFileSync(record, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toHaveLength(got.length);
    for (const [i, r] of recs.entries()) {
      const s = got[i]!;
      expect(Object.keys(r).sort()).toEqual(['container', 'containerMemory', 'cpuPercent', 'goroutineSource', 'goroutines', 'memory', 'restarts', 'state', 'time']);
      expect({ time: r.time, container: r.container, goroutines: r.goroutines, restarts: r.restarts, state: r.state }).toEqual({
        time: s.time,
        container: sim,
        goroutines: s.goroutines,
        restarts: s.restarts,
        state: s.state,
      });
      expect(r.goroutineSource).toBe(s.goroutines === null ? null : s.fromLog ? 'log' : 'health');
      if (s.memory) expect(Object.keys(r.memory as object).sort()).toEqual(['allocMb', 'numGc', 'sysMb', 'totalAllocMb']);
      else expect(r.memory).toBeNull();
    }
    expect(recs.at(-1)).toMatchObject({ restarts: 1, state: 'running', goroutineSource: 'health' });
  }, 40_000);
});
