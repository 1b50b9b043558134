// What check, watch and alert know about a container (src/sources/facts.ts), collected from an in-memory engine
// (test/helpers/fake-docker.ts) and a real health server on loopback: which Docker calls are made, and every fact.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectFacts, NO_URL, type FactsContext } from '../../src/sources/facts.js';
import { FakeDocker, nanoTime, runningStats, type FakeContainerSpec } from '../helpers/fake-docker.js';
import { httpRecorder, type HttpRecorder } from '../helpers/servers.js';
import { UnavailableError } from '../../src/errors.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const ago = (s: number) => nanoTime(NOW - s * 1000);

function context(): FactsContext {
  return { env: {}, config: {}, now: () => NOW, signal: new AbortController().signal, tz: 'UTC', globals: {} };
}

let health: HttpRecorder;
let undo: (() => void) | null = null;
beforeAll(async () => {
  health = await httpRecorder(() => ({ status: 200, body: JSON.stringify({ status: 'ok', goroutines: 1234, memory: { alloc_mb: 12, total_alloc_mb: 345, sys_mb: 67, num_gc: 8 } }) }));
});
afterAll(() => health.close());
afterEach(() => {
  undo?.();
  undo = null;
});

describe('collectFacts on an in-memory engine', () => {
  const monitorLines = [
    { time: ago(900), text: '[SYS] 2026/01/01 - 00:45:00 | ⚠️ Goroutine count elevated: 2100' }, // outside the 10-minute window
    { time: ago(120), text: '[SYS] 2026/01/01 - 00:58:00 | ⚠️ Goroutine count elevated: 2417' },
    { time: ago(60), stream: 'stderr' as const, text: '[SYS] 2026/01/01 - 00:59:00 | ⚠️ High goroutine count detected: 5234' },
  ];
  const cases: {
    name: string;
    container: FakeContainerSpec;
    opts: { healthUrl?: boolean; stats: boolean; logFallback: boolean };
    want: { goroutines: number | null; source: string | null; cpu: number | null; state: string | null; restarts: number; calls: string[]; statsError?: string | null; healthError?: string | null };
  }[] = [
    {
      name: 'running, health endpoint answers: its count; one stats sample; the logs are not read',
      container: { name: 'gw', stats: runningStats({ cpuPercent: 50, memoryBytes: 64 << 20, limitBytes: 256 << 20 }), logs: monitorLines },
      opts: { healthUrl: true, stats: true, logFallback: true },
      want: { goroutines: 1234, source: 'health', cpu: 50, state: 'running', restarts: 0, calls: ['inspect gw', 'stats <id>'] },
    },
    {
      name: 'running, no endpoint: the newest monitor line of the last 10 minutes (stderr, later) wins',
      container: { name: 'logonly', restartCount: 2, logs: monitorLines },
      opts: { stats: false, logFallback: true },
      want: { goroutines: 5234, source: 'log', cpu: null, state: 'running', restarts: 2, calls: ['inspect logonly', 'logs <id>'], healthError: NO_URL },
    },
    {
      name: 'stopped: no stats, no probe, no log read; the state says exited',
      container: { name: 'down', running: false, exitCode: 3, logs: monitorLines },
      opts: { healthUrl: true, stats: true, logFallback: true },
      want: { goroutines: null, source: null, cpu: null, state: 'exited', restarts: 0, calls: ['inspect down'], healthError: 'not asked (container not running)' },
    },
    {
      name: 'a failing stats call is a fact, not an error',
      container: { name: 'nostats', statsError: new UnavailableError('the Docker daemon did not answer stats within 5 s', 'fake://docker') },
      opts: { healthUrl: true, stats: true, logFallback: false },
      want: { goroutines: 1234, source: 'health', cpu: null, state: 'running', restarts: 0, calls: ['inspect nostats', 'stats <id>'], statsError: 'the Docker daemon did not answer stats within 5 s' },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const fake = new FakeDocker();
      const { Id } = fake.add(c.container);
      const got = await collectFacts(
        c.container.name,
        { docker: fake, timeoutMs: 2000, stats: c.opts.stats, logFallback: c.opts.logFallback, ...(c.opts.healthUrl ? { healthUrl: `${health.url}/api/monitor/health` } : {}) },
        context(),
      );
      expect({
        goroutines: got.facts.goroutines,
        source: got.facts.goroutineSource,
        cpu: got.stats?.cpuPercent ?? null,
        state: got.state?.status ?? null,
        restarts: got.facts.restartCount,
        calls: fake.calls.map((x) => x.replace(Id, '<id>')),
        ...(c.want.statsError !== undefined ? { statsError: got.statsError } : {}),
        ...(c.want.healthError !== undefined ? { healthError: got.facts.healthError } : {}),
      }).toEqual(c.want);
      expect(got.id).toBe(Id);
    });
  }

  it('no such container: the lookup error, no further calls', async () => {
    const fake = new FakeDocker();
    fake.add({ name: 'one-api' });
    const got = await collectFacts('one-ap', { docker: fake, timeoutMs: 1000, stats: true, logFallback: true }, context());
    expect([got.state, got.facts.lookupError, fake.calls]).toEqual([null, 'no such container (one-ap)', ['inspect one-ap', 'listContainers']]);
  });

  it('Docker down: the lookup error, and the configured endpoint is still asked', async () => {
    const fake = new FakeDocker();
    fake.down = true;
    const before = health.posts.length;
    const got = await collectFacts('gw', { docker: fake, timeoutMs: 1000, stats: true, logFallback: true, healthUrl: `${health.url}/api/monitor/health` }, context());
    expect([got.facts.lookupError, got.health?.goroutines, health.posts.length - before]).toEqual(['cannot reach the Docker daemon (fake://docker)', 1234, 1]);
  });

  it('without a runtime given, the one dockerFor() makes is used (what check and alert rely on)', async () => {
    const fake = new FakeDocker();
    fake.add({ name: 'gw', running: false });
    undo = fake.install();
    const got = await collectFacts('gw', { timeoutMs: 1000, stats: true, logFallback: true }, context());
    expect([got.state?.status, fake.calls]).toEqual(['exited', ['inspect gw']]);
  });

  it('alert events since the last run come from the same single log read', async () => {
    const fake = new FakeDocker();
    const { Id } = fake.add({
      name: 'gw',
      logs: [
        { time: ago(400), text: '[SYS] 2026/01/01 - 00:53:20 | ⚠️ Goroutine count elevated: 2417' },
        { time: ago(300), stream: 'stderr', text: 'panic: runtime error: invalid memory address or nil pointer dereference' },
        { time: ago(300), stream: 'stderr', text: '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]' },
        { time: ago(30), text: '[SYS] 2026/01/01 - 00:59:30 | ⚠️ Goroutine count elevated: 2500' },
      ],
    });
    const got = await collectFacts('gw', { docker: fake, timeoutMs: 1000, stats: false, logFallback: true, alertEventsSince: NOW - 350_000 }, context());
    expect(got.facts.goroutines).toBe(2500);
    expect(got.alertEvents?.map((e) => e.kind)).toEqual(['crash']);
    expect([got.logsReadAt, fake.calls.filter((x) => x === `logs ${Id}`).length]).toEqual([NOW, 1]);
  });
});
