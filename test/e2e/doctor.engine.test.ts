// `goroscope doctor` against the real engine, through the binary: a busybox httpd that serves a health JSON and no
// pprof (restart policy none), the One API simulator with pprof on its port (restart on-failure), and a container
// started with `--log-driver none`. Each gets the findings an operator needs before an emergency, with the numbers
// the endpoints really gave; the engine is searched for gateways by image and name when none is named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX, docker, noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { goroscope } from '../helpers/cli.js';
import { freePort } from '../helpers/wait.js';
import { startSimulator } from '../helpers/sim.js';

interface Finding {
  level: string;
  code: string;
  container: string | null;
  text: string;
  fix: string | null;
}

describe.skipIf(noSimulator)('doctor against the engine', { timeout: 60_000 }, () => {
  const gw = uniqueName('doctor-one-api'); // found by its name
  const sim = uniqueName('doctor-sim'); // found by its image
  const nolog = uniqueName('doctor-one-api-nolog');
  const dir = mkdtempSync(join(tmpdir(), 'gs-doctor-'));
  let port = 0;
  let simBase = '';

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'www', 'api', 'monitor'), { recursive: true });
    writeFileSync(join(dir, 'www', 'api', 'monitor', 'health'), JSON.stringify({ status: 'ok', goroutines: 812, memory: { alloc_mb: 12, total_alloc_mb: 345, sys_mb: 67, num_gc: 8 } }));
    port = await freePort();
    [simBase] = await Promise.all([
      startSimulator(sim, [], ['--restart', 'on-failure']),
      docker('run', '-d', '--name', gw, '--network', 'host', '-e', `PORT=${port}`, '-v', `${dir}/www:/www:ro`, BUSYBOX, 'httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www'),
      docker('run', '-d', '--name', nolog, '--log-driver', 'none', '--restart', 'unless-stopped', '--network', 'none', BUSYBOX, 'sleep', '600'),
    ]);
    for (;;) {
      const r = await fetch(`http://127.0.0.1:${port}/api/monitor/health`).catch(() => null);
      if (r?.ok) break;
      await new Promise((res) => setTimeout(res, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await removeContainers(gw, sim, nolog);
    rmSync(dir, { recursive: true, force: true });
  });

  const mine = (findings: Finding[], name: string) => findings.filter((f) => f.container === name).map((f) => [f.code, f.level]);

  it('each container gets what it lacks; the container without logs blocks (2)', async () => {
    const r = await goroscope(['doctor', gw, sim, nolog, '--json', '--out', dir]);
    const doc = JSON.parse(r.stdout);
    expect([r.code, doc.readiness]).toEqual([2, 'blocked']);
    expect(mine(doc.findings, gw)).toEqual([
      ['logs_ok', 'ok'],
      ['restart_none', 'warning'],
      ['health_ok', 'ok'],
      ['pprof_missing', 'warning'],
    ]);
    expect(mine(doc.findings, sim)).toEqual([
      ['logs_ok', 'ok'],
      ['restart_ok', 'ok'],
      ['health_ok', 'ok'],
      ['pprof_ok', 'ok'],
    ]);
    expect(mine(doc.findings, nolog)).toEqual([
      ['logs_none', 'blocker'],
      ['restart_ok', 'ok'],
      ['health_no_url', 'warning'],
      ['pprof_no_url', 'warning'],
    ]);
    const [g, s, n] = doc.containers;
    const url = `http://127.0.0.1:${port}/api/monitor/health`;
    expect([g.health, g.pprof, g.restartPolicy, g.logDriver, g.logsReadable]).toEqual([
      { url, how: `host network, PORT=${port} in its environment`, ok: true, goroutines: 812, errorKind: null, error: null },
      { url: `http://127.0.0.1:${port}/debug/pprof/goroutine?debug=2`, how: 'the health server', ok: false, goroutines: null, error: 'the pprof endpoint answered HTTP 404' },
      'no',
      'json-file',
      true,
    ]);
    // the simulator's own numbers: the pprof profile counts what runtime.NumGoroutine() counts (give or take the probe)
    expect([s.matchedBy, s.restartPolicy, s.health.ok, s.pprof.ok, s.pprof.url]).toEqual(['named', 'on-failure', true, true, `${simBase}/debug/pprof/goroutine?debug=2`]);
    expect(Math.abs(s.pprof.goroutines - s.health.goroutines)).toBeLessThanOrEqual(3);
    expect([n.logDriver, n.logsReadable, n.health, n.pprof]).toEqual(['none', false, null, null]);
    const fix = (code: string, name: string) => doc.findings.find((f: Finding) => f.code === code && f.container === name)!.fix;
    expect(fix('restart_none', gw)).toBe(`docker update --restart unless-stopped ${gw}`);
    expect(fix('pprof_missing', gw)).toBe('ezlinkai: set METRICS_PORT and publish that port; new-api: ENABLE_PPROF=true (port 8005); or give --pprof-url (pprofUrl in the config file)');
  });

  it('the simulator alone is ready (0); the text says so', async () => {
    const r = await goroscope(['doctor', sim, '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\n${sim} \\(goroscope-test/simulator:latest, running; named\\)\\n  ok       logs: the json-file driver, readable through Docker\\n  ok       restart policy "on-failure"\\n  ok       health: ${simBase}/api/monitor/health \\(host network, --port \\d+ on its command line\\): \\d+ goroutines, \\d+ ms\\n  ok       pprof: ${simBase}/debug/pprof/goroutine\\?debug=2 \\(the health server\\): a profile of \\d+ goroutines\\n`));
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('ready: nothing missing for an emergency collection (exit 0)');
  });

  it('the busybox gateway alone: warnings (1), each with why and what to do', async () => {
    const r = await goroscope(['doctor', gw, '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [
        `  WARNING  restart policy "no": after a crash the gateway stays down`,
        `           fix: docker update --restart unless-stopped ${gw}`,
        `  ok       health: http://127.0.0.1:${port}/api/monitor/health (host network, PORT=${port} in its environment): 812 goroutines,`,
      ].join('\n'),
    );
    expect(r.stdout).toContain(
      [
        `  WARNING  pprof: http://127.0.0.1:${port}/debug/pprof/goroutine?debug=2 (the health server): the pprof endpoint answered HTTP 404`,
        '           why: a bundle will hold no goroutine dumps, so a leak cannot be traced to the stack that holds it',
      ].join('\n'),
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('2 warnings: an emergency collection will lack something (exit 1)');
  });

  // In-process and without probes: `doctor` with no names would also probe other suites' gateways running beside
  // this one (their access logs would gain lines), so the search itself is checked on the real engine here.
  it('no names: the engine is searched by image and name (the real docker ps fields)', async () => {
    const { dockerFor } = await import('../../src/docker/index.js');
    const { findGateways } = await import('../../src/docker/gateways.js');
    const found = await findGateways(await dockerFor(undefined));
    const ours = found.gateways.filter((g) => [gw, sim, nolog].includes(g.name)).map((g) => [g.name, g.matchedBy, g.state]);
    expect(ours.sort()).toEqual([[gw, 'name', 'running'], [nolog, 'name', 'running'], [sim, 'image', 'running']].sort());
    expect(found.gateways.find((g) => g.name === sim)!.image).toBe('goroscope-test/simulator:latest');
  });

  it('a misspelled name blocks, with the close name; an unwritable --out blocks', async () => {
    const r = await goroscope(['doctor', sim.slice(0, -1), '--json', '--out', join(dir, 'missing')]);
    const doc = JSON.parse(r.stdout);
    expect([r.code, doc.containers[0].didYouMean, doc.findings.filter((f: Finding) => f.level === 'blocker').map((f: Finding) => [f.code, f.text])]).toEqual([
      2,
      [sim],
      [
        ['no_such_container', `no such container (${sim.slice(0, -1)})`],
        ['output_not_writable', `bundles go to ${join(dir, 'missing')}, which cannot be written (no such directory)`],
      ],
    ]);
  });
});
