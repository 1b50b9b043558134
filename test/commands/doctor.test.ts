// `doctor` in-process on the in-memory engine (test/helpers/fake-docker.ts): the branches a real engine cannot be made
// to take on demand (no permission on the socket, an old API, a context overridden by DOCKER_HOST), gateway discovery
// by image, name and port, and the pure rules (src/analyze/readiness.ts) on hand-made facts.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as doctor } from '../../src/commands/doctor.js';
import { gatewayMatch } from '../../src/docker/gateways.js';
import { readiness, readinessFindings, LOW_SPACE_BYTES } from '../../src/analyze/readiness.js';
import type { ReadinessFacts } from '../../src/sources/readiness.js';
import { PermissionError } from '../../src/errors.js';
import { FakeDocker } from '../helpers/fake-docker.js';
import { testContext } from '../helpers/context.js';

let fake: FakeDocker;
let undo: () => void;
const out = mkdtempSync(join(tmpdir(), 'gs-doctor-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
beforeEach(() => {
  fake = new FakeDocker('unix:///var/run/docker.sock');
  undo = fake.install();
  process.exitCode = undefined;
});
afterEach(() => {
  undo();
  process.exitCode = undefined;
});

interface Doc {
  readiness: string;
  exitCode: number;
  docker: { endpoint: string | null; from: string; apiVersion: string | null; error: { exitCode: number } | null };
  containers: { name: string; matchedBy: string; restartPolicy: string; logDriver: string; logsReadable: boolean | null }[];
  portOnly: { name: string; image: string }[];
  findings: { level: string; code: string; container: string | null; text: string; why: string | null; fix: string | null }[];
}

async function runDoctor(names: string[], env: Record<string, string> = {}): Promise<{ doc: Doc; exit: unknown }> {
  const t = testContext({ env });
  await doctor(names, { json: true, out, timeout: '500' }, t.ctx);
  return { doc: JSON.parse(t.stdout()) as Doc, exit: process.exitCode };
}

describe('doctor on the in-memory engine: Docker access', () => {
  it('no permission on the socket blocks (2), with what to do', async () => {
    fake.failWith = new PermissionError('permission denied on the Docker socket', 'unix:///var/run/docker.sock', 'add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or run with sudo');
    const { doc, exit } = await runDoctor([]);
    expect([exit, doc.readiness, doc.docker.error?.exitCode]).toEqual([2, 'blocked', 77]);
    expect(doc.findings.filter((f) => f.container === null && f.code.startsWith('docker'))).toEqual([
      {
        level: 'blocker',
        code: 'docker_permission',
        container: null,
        text: 'permission denied on the Docker socket (unix:///var/run/docker.sock); the address is from the default socket',
        why: 'nothing can be collected: no logs, no inspect, no stats',
        fix: 'add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or run with sudo',
      },
    ]);
    expect(doc.containers).toEqual([]);
  });

  it('no daemon blocks (2); a container named is listed, unchecked', async () => {
    fake.down = true;
    const { doc, exit } = await runDoctor(['one-api']);
    expect([exit, doc.findings.map((f) => [f.code, f.level])]).toEqual([2, [['docker_unreachable', 'blocker'], ['output_ok', 'ok']]]);
    expect(doc.containers.map((c) => c.name)).toEqual(['one-api']);
  });

  it('an API older than 1.35 is a warning; DOCKER_HOST over a context is said', async () => {
    fake.apiVersion = '1.30';
    fake.add({ name: 'one-api', restartPolicy: 'always', logs: [{ text: 'x' }] });
    const { doc, exit } = await runDoctor(['one-api'], { DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_CONTEXT: 'prod' });
    expect(doc.findings.filter((f) => f.container === null).map((f) => [f.code, f.level, f.text])).toEqual([
      ['docker_ok', 'ok', 'Docker 20.10.24-fake (API 1.30) answers at unix:///var/run/docker.sock (DOCKER_HOST)'],
      ['docker_api_old', 'warning', 'the Docker API is 1.30, older than 1.35 (Docker 18.02)'],
      ['docker_context_overridden', 'info', 'DOCKER_HOST overrides the Docker context prod, as it does for the docker CLI'],
      ['output_ok', 'ok', expect.stringMatching(new RegExp(`^bundles go to ${out}: writable, [\\d.]+ [GM]B free$`))],
    ]);
    expect(exit).toBe(1);
  });
});

describe('doctor on the in-memory engine: the containers', () => {
  it('finds gateways by image and by name, lists port-3000-only ones apart, judges each', async () => {
    fake.add({ name: 'gw', image: 'calciumion/new-api:latest', restartPolicy: 'unless-stopped', logs: [{ text: 'x' }] });
    fake.add({ name: 'prod_one-api_1', image: 'registry.local/gateway:2', logDriver: 'none' });
    fake.add({ name: 'grafana', image: 'grafana/grafana:11', ports: [{ PrivatePort: 3000, PublicPort: 3000, Type: 'tcp' }] });
    fake.add({ name: 'redis', image: 'redis:7' });
    const { doc, exit } = await runDoctor([]);
    expect(doc.containers.map((c) => [c.name, c.matchedBy, c.restartPolicy, c.logDriver, c.logsReadable])).toEqual([
      ['gw', 'image', 'unless-stopped', 'json-file', true],
      ['prod_one-api_1', 'name', 'no', 'none', false],
    ]);
    expect(doc.portOnly).toEqual([{ name: 'grafana', image: 'grafana/grafana:11' }]);
    expect(doc.findings.filter((f) => f.container !== null).map((f) => [f.container, f.code, f.level])).toEqual([
      ['gw', 'logs_ok', 'ok'],
      ['gw', 'restart_ok', 'ok'],
      ['gw', 'health_no_url', 'warning'],
      ['gw', 'pprof_no_url', 'warning'],
      ['prod_one-api_1', 'logs_none', 'blocker'],
      ['prod_one-api_1', 'restart_none', 'warning'],
      ['prod_one-api_1', 'health_no_url', 'warning'],
      ['prod_one-api_1', 'pprof_no_url', 'warning'],
      ['grafana', 'port_only', 'info'],
    ]);
    const none = doc.findings.find((f) => f.code === 'logs_none')!;
    expect([none.text, none.fix]).toEqual([
      'logs: the none log driver keeps no logs',
      'recreate the container with --log-driver json-file (or local), e.g. --log-opt max-size=100m --log-opt max-file=5',
    ]);
    expect(exit).toBe(2);
  });

  it('nothing that looks like a gateway: exit 3, and how to name one', async () => {
    fake.add({ name: 'redis', image: 'redis:7' });
    const { doc, exit } = await runDoctor([]);
    expect([exit, doc.readiness, doc.findings.map((f) => f.code)]).toEqual([3, 'nothing-found', ['docker_ok', 'no_gateway', 'output_ok']]);
    expect(doc.findings[1]!.fix).toBe('name yours: goroscope doctor CONTAINER');
  });

  it('a misspelled name blocks, with the close names', async () => {
    fake.add({ name: 'one-api', restartPolicy: 'always' });
    const { doc, exit } = await runDoctor(['one-apx']);
    const f = doc.findings.find((x) => x.container === 'one-apx')!;
    expect([exit, f.code, f.level, f.text, f.fix]).toEqual([2, 'no_such_container', 'blocker', 'no such container (one-apx)', 'did you mean one-api? (docker ps -a lists containers)']);
  });

  it('a stopped gateway: a warning, its endpoints not asked', async () => {
    fake.add({ name: 'one-api', running: false, exitCode: 2, restartPolicy: 'on-failure' });
    const { doc, exit } = await runDoctor(['one-api']);
    expect([exit, doc.findings.filter((f) => f.container).map((f) => [f.code, f.level])]).toEqual([1, [['not_running', 'warning'], ['logs_ok', 'ok'], ['restart_ok', 'ok']]]);
    expect(doc.findings[1]!.text).toBe('not running (exited, exit code 2): its health and pprof endpoints were not asked');
  });

  it('bad usage: --health-url without exactly one container, several --host', async () => {
    const t = testContext({ host: ['unix:///a.sock', 'unix:///b.sock'] });
    await expect(doctor([], {}, t.ctx)).rejects.toMatchObject({ exitCode: 64, message: 'doctor checks one Docker host at a time' });
    await expect(doctor(['a', 'b'], { healthUrl: 'http://x' }, testContext().ctx)).rejects.toMatchObject({ exitCode: 64 });
    await expect(doctor([], { timeout: 'soon' }, testContext().ctx)).rejects.toMatchObject({ exitCode: 64 });
  });
});

describe('gatewayMatch: One API-family images and names', () => {
  const cases: { input: { Names: string[]; Image: string }; want: string | null }[] = [
    { input: { Names: ['/x'], Image: 'justsong/one-api:latest' }, want: 'image' },
    { input: { Names: ['/x'], Image: 'ghcr.io/songquanpeng/one-api@sha256:abc' }, want: 'image' },
    { input: { Names: ['/x'], Image: 'calciumion/new-api' }, want: 'image' },
    { input: { Names: ['/x'], Image: 'martialbe/one-hub:v1' }, want: 'image' },
    { input: { Names: ['/x'], Image: 'ye4293/oneapi:2026' }, want: 'image' },
    { input: { Names: ['/x'], Image: 'goroscope-test/simulator:latest' }, want: 'image' },
    { input: { Names: ['/oneapi-one-api-1'], Image: 'sha256:0123' }, want: 'name' },
    { input: { Names: ['/new-api'], Image: 'private/gw' }, want: 'name' },
    { input: { Names: ['/someone-apiary'], Image: 'nginx' }, want: null },
    { input: { Names: ['/grafana'], Image: 'grafana/grafana' }, want: null },
  ];
  for (const c of cases) it(`${c.input.Image} ${c.input.Names[0]} → ${c.want}`, () => expect(gatewayMatch(c.input)).toBe(c.want));
});

describe('readiness rules on hand-made facts', () => {
  const base = (): ReadinessFacts => ({
    docker: { endpoint: 'unix:///var/run/docker.sock', from: 'the default socket', overriddenContext: null, version: { version: '27.0.1', apiVersion: '1.46', os: 'linux', arch: 'amd64' }, error: null },
    gateways: [],
    searched: false,
    containersSeen: 0,
    portOnly: [],
    output: { dir: '/srv', writable: true, error: null, freeBytes: 50e9 },
  });
  const cases: { name: string; input: (f: ReadinessFacts) => void; want: { readiness: string; codes: string[] } }[] = [
    { name: 'all in place', input: () => undefined, want: { readiness: 'ready', codes: ['docker_ok', 'output_ok'] } },
    { name: 'little space is a warning', input: (f) => (f.output.freeBytes = LOW_SPACE_BYTES - 1), want: { readiness: 'warnings', codes: ['docker_ok', 'output_low_space'] } },
    { name: 'an unwritable output blocks', input: (f) => Object.assign(f.output, { writable: false, error: 'read-only file system' }), want: { readiness: 'blocked', codes: ['docker_ok', 'output_not_writable'] } },
    {
      name: 'blocked beats nothing found',
      input: (f) => Object.assign(f, { searched: true, output: { ...f.output, writable: false } }),
      want: { readiness: 'blocked', codes: ['docker_ok', 'no_gateway', 'output_not_writable'] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = base();
      c.input(f);
      const findings = readinessFindings(f);
      expect({ readiness: readiness(findings), codes: findings.map((x) => x.code) }).toEqual(c.want);
    });
  }
});
