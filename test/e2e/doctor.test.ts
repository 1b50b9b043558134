// `goroscope doctor` through the real binary where no engine is needed: no daemon at the address is a blocker
// (exit 2) with what to do, in text, in Chinese and in JSON; bad usage is 64. An engine without any gateway
// container is exit 3: the shared engine always holds other suites' gateways, so that case is a real HTTP server
// answering the two Engine API calls doctor's search makes (version, container list) on a tcp DOCKER_HOST.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goroscope } from '../helpers/cli.js';

const NO_DAEMON = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('doctor without a Docker daemon', () => {
  it('text: the blocker, why, what to do, exit 2', async () => {
    const r = await goroscope(['doctor', 'one-api', '--out', '/tmp'], { env: NO_DAEMON });
    const lines = r.stdout.split('\n');
    expect([r.code, r.stderr]).toEqual([2, '']);
    expect(lines.slice(0, 7)).toEqual([
      'goroscope doctor: ready for an emergency?',
      '',
      'Docker',
      '  BLOCKS   cannot reach the Docker daemon (unix:///nonexistent/docker.sock); the address is from DOCKER_HOST',
      '           why: nothing can be collected: no logs, no inspect, no stats',
      "           fix: is Docker running? check --host, DOCKER_HOST and `docker context ls`",
      '',
    ]);
    expect(lines.at(-2)).toBe('1 blocker: an emergency collection cannot be made as things are (exit 2)');
  });

  it('Chinese', async () => {
    const r = await goroscope(['doctor', '--lang', 'zh', '--out', '/tmp'], { env: NO_DAEMON });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      '  阻断  cannot reach the Docker daemon (unix:///nonexistent/docker.sock)；地址来自 DOCKER_HOST\n        影响：什么都无法收集：没有日志、inspect、stats\n',
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 个阻断项：按现状无法进行应急收集（退出码 2）');
  });

  it('--json: readiness, exit code and the finding by code', async () => {
    const r = await goroscope(['doctor', '--json', '--out', '/tmp'], { env: NO_DAEMON });
    const doc = JSON.parse(r.stdout);
    expect([r.code, doc.readiness, doc.exitCode, doc.docker.from, doc.docker.error.exitCode, doc.findings.map((f: { code: string }) => f.code)]).toEqual([
      2,
      'blocked',
      2,
      'DOCKER_HOST',
      69,
      ['docker_unreachable', 'output_ok'],
    ]);
  });

  it('bad usage is one line and 64', async () => {
    const r = await goroscope(['doctor', '--timeout', 'soon'], { env: NO_DAEMON });
    expect([r.code, r.stdout, r.stderr.split('\n')[0]]).toEqual([64, '', 'error: --timeout takes a duration (soon)']);
  });
});

describe('doctor on an engine without a gateway container', () => {
  let server: Server;
  let host = '';
  const asked: string[] = [];
  // What `docker ps -a` answers on a host that runs Grafana (port 3000, like One API) and a database.
  const containers = [
    { Id: 'a'.repeat(64), Names: ['/grafana'], Image: 'grafana/grafana:11.2.0', State: 'running', Ports: [{ PrivatePort: 3000, PublicPort: 3000, Type: 'tcp' }] },
    { Id: 'b'.repeat(64), Names: ['/postgres'], Image: 'postgres:16', State: 'exited', Ports: [] },
  ];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0];
      asked.push(`${req.method} ${path}`);
      res.setHeader('content-type', 'application/json');
      if (path === '/version') res.end(JSON.stringify({ Version: '27.3.1', ApiVersion: '1.47', Os: 'linux', Arch: 'amd64' }));
      else if (path === '/containers/json') res.end(JSON.stringify(containers));
      else res.writeHead(404).end(JSON.stringify({ message: `page not found` }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('exit 3, nothing found: how many containers were seen, the port-3000 one listed apart, what to do', async () => {
    const r = await goroscope(['doctor', '--out', '/tmp'], { env: { DOCKER_HOST: host } });
    expect([r.code, r.stderr]).toEqual([3, '']);
    expect(r.stdout).toContain(`\nDocker\n  ok       Docker 27.3.1 (API 1.47) answers at ${host} (DOCKER_HOST)\n`);
    expect(r.stdout).toContain(
      [
        '  WARNING  no One API–family container among the 2 containers of this engine (images and names one-api, new-api, one-hub, done-hub; the goroscope simulator)',
        '           fix: name yours: goroscope doctor CONTAINER',
      ].join('\n'),
    );
    expect(r.stdout).toContain(
      [
        'Other containers',
        '  info     grafana (grafana/grafana:11.2.0) listens on port 3000 but does not look like a gateway; not checked',
        '           fix: goroscope doctor grafana checks it',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('postgres');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('no gateway container to check (exit 3)');
    expect(asked).toEqual(['GET /version', 'GET /containers/json']);
  });

  it('--json: readiness nothing-found, exitCode 3, the findings by code and level', async () => {
    const r = await goroscope(['doctor', '--json', '--out', '/tmp'], { env: { DOCKER_HOST: host } });
    const doc = JSON.parse(r.stdout);
    expect([r.code, doc.readiness, doc.exitCode, doc.docker.from, doc.docker.version, doc.docker.apiVersion, doc.searched, doc.containers]).toEqual([3, 'nothing-found', 3, 'DOCKER_HOST', '27.3.1', '1.47', true, []]);
    expect(doc.findings.map((f: { code: string; level: string; container: string | null }) => [f.code, f.level, f.container])).toEqual([
      ['docker_ok', 'ok', null],
      ['no_gateway', 'warning', null],
      ['port_only', 'info', 'grafana'],
      ['output_ok', 'ok', null],
    ]);
  });
});
