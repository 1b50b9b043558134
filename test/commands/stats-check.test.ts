// `stats` and `check` run in-process on the in-memory engine (test/helpers/fake-docker.ts): the rows, verdicts and
// exit codes they compute from what Docker says, without a Docker engine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run as stats, sampleRows } from '../../src/commands/stats.js';
import { run as check } from '../../src/commands/check.js';
import { FakeDocker, nanoTime, runningStats } from '../helpers/fake-docker.js';
import { testContext } from '../helpers/context.js';
import { GoroscopeError } from '../../src/errors.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
let fake: FakeDocker;
let undo: () => void;
beforeEach(() => {
  fake = new FakeDocker();
  undo = fake.install();
  process.exitCode = undefined;
});
afterEach(() => {
  undo();
  process.exitCode = undefined;
});

describe('stats on the in-memory engine', () => {
  it('one row per container: docker stats numbers for a running one, zeros for a stopped one', async () => {
    fake.add({ name: 'busy', restartCount: 4, stats: runningStats({ cpuPercent: 99.5, memoryBytes: 600 * 1024, limitBytes: 256 << 20, pids: 3 }) });
    fake.add({ name: 'idle', running: false, exitCode: 137, oomKilled: true });
    const rows = await sampleRows(fake, ['busy', 'idle']);
    expect(rows.map((r) => [r.name, r.state, r.restartCount, r.cpuPercent, r.memory.usageBytes, r.memory.percent, r.pids, r.oomKilled, r.exitCode])).toEqual([
      ['busy', 'running', 4, 99.5, 600 * 1024, 0.23, 3, false, 0],
      ['idle', 'exited', 0, 0, 0, 0, 0, true, 137],
    ]);
    // A stopped container is not sampled: its numbers are known to be zero.
    expect(fake.calls.filter((c) => c.startsWith('stats'))).toHaveLength(1);
  });

  it('--no-stream --json prints one document; a missing container is exit 67', async () => {
    fake.add({ name: 'busy', stats: runningStats({ cpuPercent: 12.25, memoryBytes: 1 << 20, limitBytes: 1 << 30 }) });
    const t = testContext({ now: NOW });
    await stats(['busy'], { stream: false, json: true }, t.ctx);
    const doc = JSON.parse(t.stdout()) as { time: string; containers: { name: string; cpuPercent: number; net: unknown }[] };
    expect([doc.time, doc.containers.map((c) => [c.name, c.cpuPercent, c.net])]).toEqual([new Date(NOW).toISOString(), [['busy', 12.25, { rxBytes: 1000, txBytes: 2000 }]]]);
    const err = (await stats(['nope'], { stream: false }, testContext().ctx).catch((e: unknown) => e)) as GoroscopeError;
    expect([err.exitCode, err.headline()]).toEqual([67, 'error: no such container (nope)']);
  });
});

describe('check on the in-memory engine', () => {
  const cases: { name: string; setup: (f: FakeDocker) => void; args: string[]; want: { exit: number; levels: [string, string][]; reasons: string[][] } }[] = [
    {
      name: 'a running container whose logs say 2417 goroutines: warning (1)',
      setup: (f) => f.add({ name: 'gw', logs: [{ time: nanoTime(NOW - 60_000), text: '[SYS] 2026/01/01 - 00:59:00 | ⚠️ Goroutine count elevated: 2417' }], stats: runningStats({ cpuPercent: 5, memoryBytes: 1 << 20, limitBytes: 1 << 30 }) }),
      args: ['gw'],
      want: { exit: 1, levels: [['gw', 'warning']], reasons: [['goroutines_warning', 'goroutines_from_log']] },
    },
    {
      name: 'a stopped container: critical (2)',
      setup: (f) => f.add({ name: 'dead', running: false, exitCode: 3 }),
      args: ['dead'],
      want: { exit: 2, levels: [['dead', 'critical']], reasons: [['not_running']] },
    },
    {
      name: 'a missing one beside a stopped one: the worst wins, the missing one is unknown',
      setup: (f) => f.add({ name: 'dead', running: false }),
      args: ['dead', 'ghost'],
      want: { exit: 2, levels: [['dead', 'critical'], ['ghost', 'unknown']], reasons: [['not_running'], ['no_container']] },
    },
    {
      name: 'Docker down: unknown (3), and the JSON still says why',
      setup: (f) => {
        f.down = true;
      },
      args: ['gw'],
      want: { exit: 3, levels: [['gw', 'unknown']], reasons: [['no_container']] },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      c.setup(fake);
      const t = testContext({ now: NOW });
      await check(c.args, { json: true }, t.ctx);
      const doc = JSON.parse(t.stdout()) as { level: string; containers: { name: string; level: string; reasonCodes: string[] }[] };
      expect({
        exit: process.exitCode,
        levels: doc.containers.map((x) => [x.name, x.level]),
        reasons: doc.containers.map((x) => x.reasonCodes),
      }).toEqual(c.want);
    });
  }
});
