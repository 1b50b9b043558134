// Past one machine, on the real engine through the built binary (build first: npx tsc -p tsconfig.build.json):
// a single-node swarm with a two-replica service (one replica leaks, the other fails and is restarted once), a
// compose-labelled group of containers, and three Docker hosts: the engine's socket, the same engine through a
// proxy socket served by this test, and a socket that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { BUSYBOX, docker, dockerRaw, noBusybox, removeContainers, uniqueName } from '../helpers/engine.js';
import { BIN, goroscope } from '../helpers/cli.js';
import { poll } from '../helpers/sim.js';
import { dockerProxy } from '../helpers/docker-proxy.js';

interface Breakdown {
  events: number;
  goroutines: { samples: number; first: number | null; last: number | null; max: number | null };
  relayErrors: number;
  restarts: number;
  tasks?: string[];
  nodes?: string[];
  host?: string;
}
interface SummaryJson {
  lines: number;
  restarts: number;
  events: Record<string, number>;
  sources: { spec: string; kind: string; name: string; host?: string }[];
  bySource: Record<string, Breakdown>;
  byNode: Record<string, Breakdown>;
  byHost: Record<string, Breakdown>;
  hostsDown: { host: string; error: string; exitCode: number }[];
}
interface FleetManifest {
  kind: string;
  spec: string;
  complete: boolean;
  containers: { name: string; dir: string; host?: string; complete: boolean; failed: string[] }[];
  hostsDown: unknown[];
}
interface ContainerManifest {
  complete: boolean;
  container: { name: string };
  files: { path: string; bytes: number; sha256: string }[];
}
interface EventJson {
  kind: string;
  time: string | null;
  source: string;
  task?: string;
  node?: string;
  host?: string;
  count?: number;
}

const ts = `ts() { date '+%Y/%m/%d - %H:%M:%S'; }`;
const REQ = '2026030208000212345678912345678';

// Slot 1 leaks (2100 → 3100) and keeps running; slot 2 logs a relay error and fails, Swarm restarts it once (a 2nd task).
const SERVICE_SCRIPT = `${ts}
echo "[SYS] $(ts) | One API v0.6.7 started "
if [ "$SLOT" = 1 ]; then
  for n in 2100 2600 3100; do echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: $n "; done
  exec sleep 600
fi
echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: 2050 "
echo "[ERR] $(ts) | ${REQ} | relay error (channel id 3, user id: 1): bad response status code 503 " >&2
exit 1
`;

// Two replicas that stay up: One API lines on both streams, then sleep (PID 1, so `docker exec … > /proc/1/fd/1`
// writes into the task's log). For bundle service:NAME and scan service:NAME --follow.
const STEADY_SCRIPT = `${ts}
echo "[SYS] $(ts) | One API v0.6.7 started "
echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: 20$SLOT$SLOT "
echo "[ERR] $(ts) | ${REQ} | relay error (channel id $SLOT, user id: 1): bad response status code 502 " >&2
exec sleep 600
`;

// Two replicas of 3000 lines each: on such a service `docker service logs` stops sending before the end and never
// closes the stream (moby/moby#38640, docker/cli#4678). Measured here (Docker 20.10.24): 5886 of 6000 lines, then
// nothing for 20 s.
const BIG_LINES = 3000;
const BIG_SCRIPT = `i=0; while [ $i -lt ${BIG_LINES} ]; do i=$((i+1)); echo "[SYS] 2026/01/01 - 00:00:00 | ⚠️ Goroutine count elevated: $i "; done; exec sleep 600`;

describe.skipIf(noBusybox)('service:NAME on a single-node swarm', () => {
  const svc = uniqueName('fleet-svc');
  const steady = uniqueName('fleet-steady');
  const big = uniqueName('fleet-big');
  /** The lines each running task of `big` has, as `docker logs` of its container says (the single-task truth). */
  let bigTruth: number[] = [];
  let joined = false;
  /** slot → the running task's id (its container is `${steady}.${slot}.${id}`). */
  const steadyTasks = new Map<number, string>();

  beforeAll(async () => {
    const state = (await docker('info', '--format', '{{.Swarm.LocalNodeState}}')).trim();
    if (state !== 'active') {
      await docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
      joined = true;
    }
    await docker(
      'service', 'create', '--detach', '--no-resolve-image', '--name', svc, '--replicas', '2',
      '--restart-condition', 'on-failure', '--restart-max-attempts', '1', '--restart-delay', '0s',
      '--env', 'SLOT={{.Task.Slot}}', BUSYBOX, 'sh', '-c', SERVICE_SCRIPT,
    );
    await docker(
      'service', 'create', '--detach', '--no-resolve-image', '--name', steady, '--replicas', '2', '--restart-condition', 'none',
      '--env', 'SLOT={{.Task.Slot}}', BUSYBOX, 'sh', '-c', STEADY_SCRIPT,
    );
    await docker('service', 'create', '--detach', '--no-resolve-image', '--name', big, '--replicas', '2', '--restart-condition', 'none', BUSYBOX, 'sh', '-c', BIG_SCRIPT);
    // Settled: three tasks (slot 1 running with its lines out, slot 2 failed twice) and nothing left to start.
    await poll(
      'the service tasks to settle',
      async () => {
        const rows = (await docker('service', 'ps', '--format', '{{.Name}} {{.CurrentState}}', svc)).trim().split('\n');
        const one = rows.filter((r) => r.includes(`${svc}.1 `));
        const two = rows.filter((r) => r.includes(`${svc}.2 `));
        if (!(rows.length === 3 && one.length === 1 && /Running/.test(one[0]!) && two.every((r) => /Failed/.test(r)))) return undefined;
        return (await docker('service', 'logs', svc)).includes('3100') ? true : undefined;
      },
      60_000,
    );
    await poll(
      'both steady replicas running with their lines out',
      async () => {
        const rows = (await docker('service', 'ps', '--no-trunc', '--format', '{{.Name}} {{.ID}} {{.CurrentState}}', steady)).trim().split('\n');
        if (!(rows.length === 2 && rows.every((r) => /Running/.test(r)))) return undefined;
        const logs = await docker('service', 'logs', steady);
        if (logs.split('Goroutine count elevated').length !== 3) return undefined;
        for (const r of rows) {
          const [name, id] = r.split(' ') as [string, string];
          steadyTasks.set(Number(name.slice(steady.length + 1)), id);
        }
        return true;
      },
      60_000,
    );
    await poll(
      'both big replicas running with all their lines out',
      async () => {
        const ids = (await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${big}`)).trim().split('\n').filter(Boolean);
        if (ids.length !== 2) return undefined;
        const counts = await Promise.all(ids.map(async (id) => (await docker('logs', id)).split('\n').filter(Boolean).length));
        if (!counts.every((n) => n === BIG_LINES)) return undefined;
        bigTruth = counts;
        return true;
      },
      90_000,
    );
  }, 180_000);

  afterAll(async () => {
    await docker('service', 'rm', svc).catch(() => undefined);
    await docker('service', 'rm', steady).catch(() => undefined);
    await docker('service', 'rm', big).catch(() => undefined);
    if (joined) await docker('swarm', 'leave', '--force').catch(() => undefined);
  }, 60_000);

  it('scan --json: per-replica and per-node breakdowns (slot 1 leaks, slot 2 restarts)', async () => {
    const r = await goroscope(['scan', `service:${svc}`, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as SummaryJson;
    const node = Object.keys(s.byNode);
    expect(node).toEqual([hostname()]);
    expect({ lines: s.lines, restarts: s.restarts, sources: s.sources.map((x) => [x.kind, x.name]), bySource: Object.keys(s.bySource) }).toEqual({
      lines: 4 + 2 * 3,
      restarts: 1,
      sources: [['service', svc]],
      bySource: [`${svc}.1`, `${svc}.2`],
    });
    const one = s.bySource[`${svc}.1`]!;
    const two = s.bySource[`${svc}.2`]!;
    expect([one.events, one.goroutines, one.relayErrors, one.restarts, one.tasks?.length, one.nodes]).toEqual([
      4,
      { samples: 3, first: 2100, last: 3100, max: 3100 },
      0,
      0,
      1,
      node,
    ]);
    expect([two.events, two.goroutines.samples, two.relayErrors, two.restarts, two.tasks?.length, two.nodes]).toEqual([6, 2, 2, 1, 2, node]);
    expect([s.byNode[node[0]!]!.events, s.byNode[node[0]!]!.restarts]).toEqual([10, 1]);
  });

  it('scan --jsonl: every event carries its own task and node', async () => {
    const r = await goroscope(['scan', `service:${svc}`, '--jsonl', '--kind', 'startup,relay_error']);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as EventJson);
    const tasks = (await docker('service', 'ps', '--no-trunc', '--format', '{{.Name}} {{.ID}}', svc)).trim().split('\n');
    const slot2 = tasks.filter((t) => t.trim().startsWith(`${svc}.2`) || t.includes(`\\_ ${svc}.2`)).map((t) => t.trim().split(' ').pop()!);
    expect(events.map((e) => [e.source, e.kind, e.node]).sort()).toEqual(
      [
        [`${svc}.1`, 'startup'],
        [`${svc}.2`, 'relay_error'],
        [`${svc}.2`, 'relay_error'],
        [`${svc}.2`, 'startup'],
        [`${svc}.2`, 'startup'],
      ].map(([s, k]) => [s, k, hostname()]),
    );
    // Slot 2's two runs are two tasks: each run's startup and relay error carry that run's task id.
    const two = events.filter((e) => e.source === `${svc}.2`);
    // The daemon sends a task's stdout and stderr apart; the replicas' lanes put them back in time order.
    const times = events.map((e) => e.time!);
    expect(times).toEqual([...times].sort());
    const byTask = new Map<string, string[]>();
    for (const e of two) byTask.set(e.task!, [...(byTask.get(e.task!) ?? []), e.kind].sort());
    expect([...byTask.keys()].sort()).toEqual([...slot2].sort());
    expect([...byTask.values()]).toEqual([
      ['relay_error', 'startup'],
      ['relay_error', 'startup'],
    ]);
    expect(events.filter((e) => e.source === `${svc}.1`).map((e) => e.kind)).toEqual(['startup']);
  });

  it('check service:NAME: the running task, its count from its logs', async () => {
    const r = await goroscope(['check', `service:${svc}`, '--json']);
    const j = JSON.parse(r.stdout) as { level: string; containers: { name: string; state: string; goroutines: number; goroutineSource: string }[] };
    const task = (await docker('service', 'ps', '--no-trunc', '--filter', 'desired-state=running', '--format', '{{.ID}}', svc)).trim();
    expect(j.containers.map((c) => [c.name, c.state, c.goroutines, c.goroutineSource])).toEqual([[`${svc}.1.${task}`, 'running', 3100, 'log']]);
    expect([j.level, r.code]).toEqual(['warning', 1]);
  });

  it('bundle service:NAME --format dir: one fleet bundle, a directory per task container, logs as docker logs -t per stream, checksums', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gs-fleet-svcbundle-'));
    try {
      const r = await goroscope(['bundle', `service:${steady}`, '--format', 'dir', '--no-redact', '--out', out]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      const path = /^bundle: (\S+) \(2 containers\)\n$/.exec(r.stdout)?.[1];
      expect(path, r.stdout).toBeDefined();
      expect(readdirSync(out)).toEqual([basename(path!)]);
      const m = JSON.parse(readFileSync(join(path!, 'manifest.json'), 'utf8')) as FleetManifest;
      const names = [1, 2].map((slot) => `${steady}.${slot}.${steadyTasks.get(slot)!}`);
      expect({ kind: m.kind, spec: m.spec, complete: m.complete, hostsDown: m.hostsDown, names: m.containers.map((c) => c.name).sort() }).toEqual({
        kind: 'goroscope-fleet-bundle',
        spec: `service:${steady}`,
        complete: true,
        hostsDown: [],
        names,
      });
      expect(readdirSync(path!).sort()).toEqual([...m.containers.map((c) => c.dir), 'manifest.json'].sort());
      for (const c of m.containers) {
        const root = join(path!, c.dir);
        const cm = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as ContainerManifest;
        expect([c.complete, c.failed, cm.complete, cm.container.name]).toEqual([true, [], true, c.name]);
        for (const f of cm.files) {
          const b = readFileSync(join(root, f.path));
          expect({ path: f.path, bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') }).toEqual(f);
        }
        const want = await dockerRaw('logs', '-t', c.name);
        const got = { stdout: readFileSync(join(root, 'logs/stdout.log')), stderr: readFileSync(join(root, 'logs/stderr.log')) };
        expect([got.stdout.toString('latin1'), got.stderr.toString('latin1')]).toEqual([want.stdout.toString('latin1'), want.stderr.toString('latin1')]);
        expect([got.stdout.toString().split('\n').length - 1, got.stderr.toString().split('\n').length - 1]).toEqual([2, 1]);
      }
      // scan reads the fleet bundle directory as its two containers
      const s = JSON.parse((await goroscope(['scan', path!, '--json'])).stdout) as SummaryJson;
      expect([s.sources.map((x) => x.kind), s.lines, s.events.relay_error]).toEqual([['bundle', 'bundle'], 6, 2]);
      // the .tar.gz form reads the same, unpacked into a temporary directory that is gone afterwards
      const t = await goroscope(['bundle', `service:${steady}`, '--no-redact', '--out', out]);
      const archive = /^bundle: (\S+\.tar\.gz) \(2 containers, [^)]+\)\n$/.exec(t.stdout)?.[1];
      expect([t.code, archive !== undefined], t.stdout + t.stderr).toEqual([0, true]);
      const tmp = join(out, 'tmp');
      mkdirSync(tmp);
      const z = await goroscope(['scan', archive!, '--json'], { env: { TMPDIR: tmp } });
      expect([z.code, z.stderr]).toEqual([0, '']);
      const sz = JSON.parse(z.stdout) as SummaryJson;
      const brief = (x: SummaryJson) => ({ kinds: x.sources.map((y) => y.kind), names: Object.keys(x.bySource).sort(), lines: x.lines, events: x.events });
      expect(brief(sz)).toEqual(brief(s));
      expect(Object.keys(sz.bySource).sort()).toEqual(names);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('scan service:NAME --follow --jsonl: a line printed later by one replica arrives tagged with its task and node; SIGINT is exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'scan', `service:${steady}`, '--follow', '--jsonl'], {
      env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const events = () => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as EventJson);
    try {
      await poll('the history of both replicas', async () => (events().filter((e) => e.kind === 'goroutine').length === 2 ? true : undefined), 20_000);
      const task = steadyTasks.get(2)!;
      await docker('exec', `${steady}.2.${task}`, 'sh', '-c', `echo "[SYS] $(date '+%Y/%m/%d - %H:%M:%S') | ⚠️ Goroutine count elevated: 4321 " > /proc/1/fd/1`);
      const late = await poll('the new line', async () => events().find((e) => e.kind === 'goroutine' && e.count === 4321), 20_000);
      expect([late.source, late.task, late.node]).toEqual([`${steady}.2`, task, hostname()]);
      expect(events().map((e) => [e.kind, e.source, e.task]).sort()).toEqual(
        [
          ['goroutine', `${steady}.1`, steadyTasks.get(1)],
          ['goroutine', `${steady}.2`, task],
          ['goroutine', `${steady}.2`, task],
          ['relay_error', `${steady}.1`, steadyTasks.get(1)],
          ['relay_error', `${steady}.2`, task],
          ['startup', `${steady}.1`, steadyTasks.get(1)],
          ['startup', `${steady}.2`, task],
        ].sort(),
      );
      child.kill('SIGINT');
      expect([await exited, stderr]).toEqual([0, '']);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('a service whose log endpoint hangs: every line of both tasks is read from their containers (2× the single-task truth)', async () => {
    // What `docker service logs` does on it, bounded (an observation, printed; the assertion is on goroscope).
    const cli = await new Promise<{ lines: number; timedOut: boolean }>((resolve) => {
      const child = spawn('docker', ['service', 'logs', '--raw', big], { stdio: ['ignore', 'pipe', 'ignore'] });
      let lines = 0;
      child.stdout.on('data', (b: Buffer) => (lines += b.toString().split('\n').length - 1));
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('close', (_code, signal) => {
        clearTimeout(t);
        resolve({ lines, timedOut: signal === 'SIGKILL' });
      });
    });
    console.log(`docker service logs ${big}: ${cli.lines} of ${2 * BIG_LINES} lines, ${cli.timedOut ? 'still open after 10 s (killed)' : 'ended'}`);

    const started = Date.now();
    const r = await goroscope(['scan', `service:${big}`, '--json'], { timeoutMs: 120_000 });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const s = JSON.parse(r.stdout) as SummaryJson & { sources: { incomplete?: string }[] };
    expect(bigTruth).toEqual([BIG_LINES, BIG_LINES]);
    expect({ lines: s.lines, goroutines: s.events.goroutine, incomplete: s.sources[0]!.incomplete }).toEqual({ lines: 2 * BIG_LINES, goroutines: 2 * BIG_LINES, incomplete: undefined });
    expect(Object.fromEntries(Object.entries(s.bySource).map(([k, b]) => [k, [b.events, b.goroutines.first, b.goroutines.last]]))).toEqual({
      [`${big}.1`]: [BIG_LINES, 1, BIG_LINES],
      [`${big}.2`]: [BIG_LINES, 1, BIG_LINES],
    });
    console.log(`goroscope scan service:${big}: ${s.lines} lines in ${Date.now() - started} ms`);
  }, 150_000);

  it('a --host that is not the tasks\' node: the service log endpoint, whose stall the watchdog ends (1 s), the source marked incomplete, exit 75', async () => {
    // The engine behind a proxy that calls itself another node (its /info's Swarm NodeID) and stops sending the
    // service log body after FRAMES whole frames while keeping it open: the hang, made certain.
    const FRAMES = 1000;
    const proxy = await dockerProxy({
      rewrite: { path: /^\/info$/, edit: (info) => void ((info.Swarm as { NodeID: string }).NodeID = 'elsewhere') },
      stall: { path: /^\/services\/[^/]+\/logs$/, frames: FRAMES },
    });
    try {
      const r = await goroscope(['scan', `service:${big}`, '--json', '-H', proxy.host], { env: { GOROSCOPE_LOG_STALL: '1s' }, timeoutMs: 120_000 });
      const why = `the Docker service log stream stopped sending for 1 s and was ended: lines of ${big}.1, ${big}.2 may be missing`;
      const s = JSON.parse(r.stdout) as SummaryJson & { sources: { incomplete?: string }[] };
      expect([r.code, r.stderr, s.sources[0]!.incomplete, proxy.held()]).toEqual([75, `warning: ${big}: ${why}\n`, why, 1]);
      // Every frame the endpoint sent is read (one line each), nothing more.
      expect([s.lines, s.events.goroutine]).toEqual([FRAMES, FRAMES]);
    } finally {
      await proxy.close();
    }
  }, 150_000);

  it('an unknown service is exit 67 with one line', async () => {
    const r = await goroscope(['scan', `service:${svc}-nope`, '--json']);
    expect(r.code).toBe(67);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`error: no such service (${svc}-nope)`);
  });
});

// Two services of one compose project whose lines alternate in time: api and db take turns through marker files
// in a shared directory (api logs, then db, then api …), however slowly the machine starts them.
const wait = (f: string) => `while [ ! -e /turns/${f} ]; do sleep 0.05; done`;
const API_SCRIPT = `${ts}
echo "[SYS] $(ts) | One API v0.6.7 started "
i=0; for n in 2100 2200 2300 2400; do i=$((i+1)); echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: $n "; : > /turns/api$i; ${wait('db$i')}; sleep 0.2; done
`;
const DB_SCRIPT = `${ts}
i=0; for n in 2101 2201 2301 2401; do i=$((i+1)); ${wait('api$i')}; sleep 0.2; echo "[SYS] $(ts) | ⚠️ Goroutine count elevated: $n "; : > /turns/db$i; done
`;

describe.skipIf(noBusybox)('compose:PROJECT and several --host values', () => {
  const project = uniqueName('fleetp');
  const api = `${project}-api-1`;
  const db = `${project}-db-1`;
  const other = uniqueName('fleet-other');
  const proxyPath = join(tmpdir(), `gs-fleet-proxy-${process.pid}.sock`);
  const missing = join(tmpdir(), `gs-fleet-missing-${process.pid}.sock`);
  let proxy: Server;

  let turns = '';
  beforeAll(async () => {
    const label = (svc: string) => ['--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=${svc}`];
    turns = mkdtempSync(join(tmpdir(), 'gs-fleet-turns-'));
    const shared = ['-v', `${turns}:/turns`];
    await docker('run', '-d', '--network', 'none', '--name', other, '--label', 'com.docker.compose.project=elsewhere', BUSYBOX, 'true');
    await docker('run', '-d', '--network', 'none', '--name', api, ...label('api'), ...shared, BUSYBOX, 'sh', '-c', API_SCRIPT);
    await docker('run', '-d', '--network', 'none', '--name', db, ...label('db'), ...shared, BUSYBOX, 'sh', '-c', DB_SCRIPT);
    await poll(
      'the project containers to exit',
      async () => ((await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${project}`)).trim() === '' ? true : undefined),
      30_000,
    );
    // A second "engine": the same daemon behind another socket path.
    rmSync(proxyPath, { force: true });
    proxy = createServer((c) => {
      const u = createConnection('/var/run/docker.sock');
      c.pipe(u).pipe(c);
      c.on('error', () => u.destroy());
      u.on('error', () => c.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(proxyPath, resolve));
  }, 60_000);

  afterAll(async () => {
    await removeContainers(api, db, other);
    if (turns) rmSync(turns, { recursive: true, force: true });
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    rmSync(proxyPath, { force: true });
  });

  it('scan compose:PROJECT --json: one source per container, per-source breakdowns', async () => {
    const r = await goroscope(['scan', `compose:${project}`, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as SummaryJson;
    expect(s.sources.map((x) => [x.kind, x.name])).toEqual([
      ['container', api],
      ['container', db],
    ]);
    expect(Object.fromEntries(Object.entries(s.bySource).map(([k, b]) => [k, [b.events, b.goroutines.first, b.goroutines.last]]))).toEqual({
      [api]: [5, 2100, 2400],
      [db]: [4, 2101, 2401],
    });
  });

  it('scan compose:PROJECT --jsonl: the two containers merged in time order', async () => {
    const r = await goroscope(['scan', `compose:${project}`, '--jsonl', '--kind', 'goroutine']);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as EventJson);
    // Each container's own order is kept, the two are interleaved, and times never go back.
    expect(events.filter((e) => e.source === api).map((e) => e.count)).toEqual([2100, 2200, 2300, 2400]);
    expect(events.filter((e) => e.source === db).map((e) => e.count)).toEqual([2101, 2201, 2301, 2401]);
    const switches = events.filter((e, i) => i > 0 && e.source !== events[i - 1]!.source).length;
    expect(switches).toBeGreaterThanOrEqual(3);
    const times = events.map((e) => e.time!);
    expect(times).toEqual([...times].sort());
  });

  it.each([
    { name: 'one service', spec: `compose:${project}/db`, want: { code: 0, sources: [db] } },
    { name: 'unknown project', spec: `compose:${project}-nope`, want: { code: 67, sources: [] as string[] } },
    { name: 'unknown service', spec: `compose:${project}/nope`, want: { code: 67, sources: [] as string[] } },
    { name: 'no project name', spec: 'compose:', want: { code: 64, sources: [] as string[] } },
  ])('scan $name', async ({ spec, want }) => {
    const r = await goroscope(['scan', spec, '--json']);
    expect(r.code).toBe(want.code);
    expect(r.code === 0 ? (JSON.parse(r.stdout) as SummaryJson).sources.map((x) => x.name) : []).toEqual(want.sources);
    if (want.code !== 0) expect(r.stderr.split('\n')[0]).toMatch(/^error: /);
  });

  it('three hosts, one down: results tagged by host, the down one reported on stderr and in JSON', async () => {
    const hosts = ['unix:///var/run/docker.sock', `unix://${proxyPath}`, `unix://${missing}`];
    const r = await goroscope(['scan', api, '--json', '--max-streams', '1', ...hosts.flatMap((h) => ['-H', h])]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: skipping Docker host ${hosts[2]}: cannot reach the Docker daemon (unix://${missing})\n`);
    const s = JSON.parse(r.stdout) as SummaryJson;
    expect(s.sources.map((x) => [x.name, x.host])).toEqual([
      [`${api}@/var/run/docker.sock`, hosts[0]],
      [`${api}@${proxyPath}`, hosts[1]],
    ]);
    expect(Object.fromEntries(Object.entries(s.byHost).map(([k, b]) => [k, b.events]))).toEqual({ [hosts[0]!]: 5, [hosts[1]!]: 5 });
    expect(s.hostsDown).toEqual([{ host: hosts[2], error: `cannot reach the Docker daemon (unix://${missing})`, exitCode: 69 }]);
  });

  it('several hosts: compose project on each, jsonl events tagged with their host', async () => {
    const hosts = ['unix:///var/run/docker.sock', `unix://${proxyPath}`];
    const r = await goroscope(['scan', `compose:${project}/api`, '--jsonl', '--kind', 'startup', ...hosts.flatMap((h) => ['-H', h])]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as EventJson);
    expect(events.map((e) => [e.source, e.host]).sort()).toEqual([
      [`${api}@${proxyPath}`, hosts[1]],
      [`${api}@/var/run/docker.sock`, hosts[0]],
    ]);
  });

  it.each([
    { name: 'compose project', input: { spec: 'project', hosts: [] as string[] }, want: { names: ['api', 'db'], down: [] as string[] } },
    { name: 'one compose service on three hosts, one down', input: { spec: 'db', hosts: ['sock', 'proxy', 'missing'] }, want: { names: ['db@sock', 'db@proxy'], down: ['missing'] } },
  ])('check $name: one entry per container, hosts down in JSON', async ({ input, want }) => {
    const host = (h: string) => (h === 'sock' ? 'unix:///var/run/docker.sock' : h === 'proxy' ? `unix://${proxyPath}` : `unix://${missing}`);
    const label = (h: string) => (h === 'sock' ? '/var/run/docker.sock' : h === 'proxy' ? proxyPath : missing);
    const spec = input.spec === 'project' ? `compose:${project}` : `compose:${project}/db`;
    const r = await goroscope(['check', spec, '--json', ...input.hosts.flatMap((h) => ['-H', host(h)])]);
    const j = JSON.parse(r.stdout) as { level: string; containers: { name: string }[]; hostsDown?: { host: string; exitCode: number }[] };
    const named = (n: string) => {
      const [svc, h] = n.split('@') as [string, string | undefined];
      const c = svc === 'api' ? api : db;
      return h ? `${c}@${label(h)}` : c;
    };
    expect(j.containers.map((c) => c.name)).toEqual(want.names.map(named));
    expect((j.hostsDown ?? []).map((d) => [d.host, d.exitCode])).toEqual(want.down.map((h) => [host(h), 69]));
    expect(r.stderr).toBe(want.down.map((h) => `warning: skipping Docker host ${host(h)}: cannot reach the Docker daemon (${host(h)})\n`).join(''));
    // Exited containers: the Nagios code of the overall level (never ok with a host down).
    expect(r.code).toBe({ ok: 0, warning: 1, critical: 2, unknown: 3 }[j.level]);
    if (want.down.length > 0) expect(j.level).not.toBe('ok');
  });

  it.each(['trend', 'channels', 'review'])('%s compose:PROJECT on two hosts, one down: a warning, exit 0', async (cmd) => {
    const r = await goroscope([cmd, `compose:${project}`, '-H', 'unix:///var/run/docker.sock', '-H', `unix://${missing}`]);
    expect(r.stderr).toBe(`warning: skipping Docker host unix://${missing}: cannot reach the Docker daemon (unix://${missing})\n`);
    expect(r.code).toBe(0);
  });

  it('bundle compose:PROJECT: one bundle, a directory per container, one manifest; scan reads it back', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gs-fleet-bundle-'));
    try {
      const hosts = ['unix:///var/run/docker.sock', `unix://${proxyPath}`];
      const r = await goroscope(['bundle', `compose:${project}`, '--format', 'dir', '--out', out, '--timeout', '2s', ...hosts.flatMap((h) => ['-H', h])]);
      expect(r.code).toBe(0);
      const path = /^(?:incomplete )?bundle: (\S+) \(4 containers\)\n$/.exec(r.stdout)?.[1];
      expect(path).toBeDefined();
      const m = JSON.parse(readFileSync(join(path!, 'manifest.json'), 'utf8')) as { kind: string; containers: { name: string; dir: string; host?: string }[] };
      expect(m.kind).toBe('goroscope-fleet-bundle');
      expect(m.containers.map((c) => [c.name, c.host]).sort()).toEqual(
        [
          [`${api}@/var/run/docker.sock`, hosts[0]],
          [`${db}@/var/run/docker.sock`, hosts[0]],
          [`${api}@${proxyPath}`, hosts[1]],
          [`${db}@${proxyPath}`, hosts[1]],
        ].sort(),
      );
      expect(readdirSync(path!).sort()).toEqual([...m.containers.map((c) => c.dir), 'manifest.json'].sort());
      for (const c of m.containers) expect(readdirSync(join(path!, c.dir))).toContain('manifest.json');
      const s = JSON.parse((await goroscope(['scan', path!, '--json'])).stdout) as SummaryJson;
      expect(s.sources.map((x) => x.kind)).toEqual(['bundle', 'bundle', 'bundle', 'bundle']);
      expect(s.events.goroutine).toBe(2 * (4 + 4));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('every host down: exit 69', async () => {
    const r = await goroscope(['scan', api, '--json', '-H', `unix://${missing}`, '-H', `unix://${missing}.2`]);
    expect(r.code).toBe(69);
    expect(r.stdout).toBe('');
  });
});
