// Connection resolution and error mapping: tables, plus the real engine through a Docker context, and the
// spawned binary for the errors a user sees (exit codes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextEndpoint, mapDockerError, parseHost, resolveEndpoint, daemonMessage } from '../../src/docker/client.js';
import { connect } from '../../src/docker/engine.js';
import { editDistance, suggestNames } from '../../src/docker/containers.js';
import { resolveContainer } from '../../src/docker/containers.js';
import { EXIT, GoroscopeError } from '../../src/errors.js';

let cfg: string;
beforeAll(() => {
  cfg = mkdtempSync(join(tmpdir(), 'gs-dockercfg-'));
});
afterAll(() => rmSync(cfg, { recursive: true, force: true }));

function addContext(name: string, host: string, tls?: boolean): void {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(cfg, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(join(cfg, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  if (tls) {
    const dir = join(cfg, 'contexts', 'tls', id, 'docker');
    mkdirSync(dir, { recursive: true });
    for (const f of ['ca', 'cert', 'key']) writeFileSync(join(dir, `${f}.pem`), `${f}-pem`);
  }
}

describe('parseHost', () => {
  const cases: { name: string; input: [string, Record<string, string>]; want: { options: object; endpoint: string } }[] = [
    { name: 'unix', input: ['unix:///var/run/docker.sock', {}], want: { options: { socketPath: '/var/run/docker.sock' }, endpoint: 'unix:///var/run/docker.sock' } },
    { name: 'npipe', input: ['npipe:////./pipe/docker_engine', {}], want: { options: { socketPath: '//./pipe/docker_engine' }, endpoint: 'npipe:////./pipe/docker_engine' } },
    { name: 'tcp plain', input: ['tcp://10.0.0.5:2375', {}], want: { options: { host: '10.0.0.5', port: '2375', protocol: 'http' }, endpoint: 'tcp://10.0.0.5:2375' } },
    { name: 'bare host:port', input: ['10.0.0.5:2375', {}], want: { options: { host: '10.0.0.5', port: '2375', protocol: 'http' }, endpoint: 'tcp://10.0.0.5:2375' } },
    { name: 'tcp without port', input: ['tcp://docker.internal', {}], want: { options: { host: 'docker.internal', port: '2375', protocol: 'http' }, endpoint: 'tcp://docker.internal:2375' } },
    {
      name: 'ssh with agent',
      input: ['ssh://ops@db1:2222', { SSH_AUTH_SOCK: '/tmp/agent' }],
      want: { options: { protocol: 'ssh', host: 'db1', port: '2222', username: 'ops', sshOptions: { agent: '/tmp/agent' } }, endpoint: 'ssh://ops@db1:2222' },
    },
  ];
  for (const c of cases) it(c.name, () => expect(parseHost(...c.input)).toEqual(c.want));

  it('tcp + DOCKER_TLS_VERIFY reads the certs from DOCKER_CERT_PATH', () => {
    const dir = join(cfg, 'certs');
    mkdirSync(dir, { recursive: true });
    for (const f of ['ca', 'cert', 'key']) writeFileSync(join(dir, `${f}.pem`), `${f}!`);
    const ep = parseHost('tcp://h:2375', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect(ep.endpoint).toBe('https://h:2375');
    const o = ep.options as { protocol: string; ca: Buffer; cert: Buffer; key: Buffer };
    expect([o.protocol, o.ca.toString(), o.cert.toString(), o.key.toString()]).toEqual(['https', 'ca!', 'cert!', 'key!']);
  });

  const bad: { name: string; input: [string, Record<string, string>]; want: number }[] = [
    { name: 'port 2376 with a missing DOCKER_CERT_PATH', input: ['tcp://h:2376', { DOCKER_CERT_PATH: '/nonexistent/certs' }], want: EXIT.NO_INPUT },
    { name: 'ssh without an agent', input: ['ssh://h', {}], want: EXIT.USAGE },
    { name: 'unknown scheme', input: ['ftp://h', {}], want: EXIT.USAGE },
    { name: 'garbage', input: ['tcp://[::1', {}], want: EXIT.USAGE },
  ];
  for (const c of bad) it(`bad: ${c.name}`, () => expect(() => parseHost(...c.input)).toThrow(expect.objectContaining({ exitCode: c.want })));
});

describe('resolveEndpoint: --host > DOCKER_HOST > context > default', () => {
  it('table', () => {
    addContext('lab', 'unix:///run/lab.sock');
    const cases: { name: string; input: [string | undefined, Record<string, string>]; want: string }[] = [
      { name: '--host wins', input: ['unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock', DOCKER_CONTEXT: 'lab', DOCKER_CONFIG: cfg }], want: 'unix:///a.sock' },
      { name: 'DOCKER_HOST beats the context', input: [undefined, { DOCKER_HOST: 'unix:///b.sock', DOCKER_CONTEXT: 'lab', DOCKER_CONFIG: cfg }], want: 'unix:///b.sock' },
      { name: 'DOCKER_CONTEXT', input: [undefined, { DOCKER_CONTEXT: 'lab', DOCKER_CONFIG: cfg }], want: 'context lab (unix:///run/lab.sock)' },
      { name: 'default context = default socket', input: [undefined, { DOCKER_CONTEXT: 'default', DOCKER_CONFIG: cfg }], want: 'unix:///var/run/docker.sock' },
    ];
    for (const c of cases) expect({ name: c.name, got: resolveEndpoint(...c.input).endpoint }).toEqual({ name: c.name, got: c.want });
  });

  it('currentContext of config.json, with TLS material', () => {
    const own = mkdtempSync(join(tmpdir(), 'gs-dockercfg2-'));
    try {
      const id = createHash('sha256').update('prod').digest('hex');
      mkdirSync(join(own, 'contexts', 'meta', id), { recursive: true });
      writeFileSync(join(own, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'prod', Endpoints: { docker: { Host: 'tcp://10.1.1.1:2376' } } }));
      mkdirSync(join(own, 'contexts', 'tls', id, 'docker'), { recursive: true });
      for (const f of ['ca', 'cert', 'key']) writeFileSync(join(own, 'contexts', 'tls', id, 'docker', `${f}.pem`), f);
      writeFileSync(join(own, 'config.json'), JSON.stringify({ currentContext: 'prod' }));
      const ep = contextEndpoint({ DOCKER_CONFIG: own })!;
      const o = ep.options as { host: string; protocol: string; ca: Buffer };
      expect([ep.endpoint, o.host, o.protocol, o.ca.toString()]).toEqual(['context prod (tcp://10.1.1.1:2376)', '10.1.1.1', 'https', 'ca']);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('a context that does not exist → InputError', () => {
    expect(() => contextEndpoint({ DOCKER_CONTEXT: 'ghost', DOCKER_CONFIG: cfg })).toThrow(expect.objectContaining({ exitCode: EXIT.NO_INPUT, value: 'ghost' }));
  });
});

describe('mapDockerError', () => {
  const ep = { endpoint: 'unix:///x.sock' };
  const err = (props: object) => Object.assign(new Error('boom'), props);
  const cases: { name: string; input: Error; want: [number, string] }[] = [
    { name: 'ENOENT', input: err({ code: 'ENOENT' }), want: [EXIT.UNAVAILABLE, 'cannot reach the Docker daemon'] },
    { name: 'ECONNREFUSED', input: err({ code: 'ECONNREFUSED' }), want: [EXIT.UNAVAILABLE, 'cannot reach the Docker daemon'] },
    { name: 'ENOTFOUND', input: err({ code: 'ENOTFOUND' }), want: [EXIT.UNAVAILABLE, 'cannot reach the Docker daemon'] },
    { name: 'EACCES', input: err({ code: 'EACCES' }), want: [EXIT.PERMISSION, 'permission denied on the Docker socket'] },
    { name: 'HTTP 500', input: err({ statusCode: 500, json: { message: 'bad since' } }), want: [EXIT.UNAVAILABLE, 'the Docker daemon refused the request'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const m = mapDockerError(c.input, ep);
      expect([m.exitCode, m.message]).toEqual(c.want);
    });
  }
  it('daemonMessage strips dockerode decoration', () => {
    expect(daemonMessage(err({ message: '(HTTP code 404) no such container - No such container: nope ' }))).toBe('No such container: nope');
  });
});

describe('close names', () => {
  it('editDistance', () => {
    expect([editDistance('', 'abc'), editDistance('kitten', 'sitting'), editDistance('one-api', 'one-api')]).toEqual([3, 3, 0]);
  });
  const cases: { name: string; input: [string, string[]]; want: string[] }[] = [
    { name: 'one typo', input: ['one-apj', ['one-api', 'mysql', 'redis']], want: ['one-api'] },
    { name: 'substring', input: ['one-api', ['oneapi-one-api-1', 'mysql']], want: ['oneapi-one-api-1'] },
    { name: 'nothing close', input: ['zzzz', ['one-api', 'mysql']], want: [] },
    { name: 'at most 3, closest first', input: ['app', ['app1', 'app22', 'apps', 'ap', 'xyz']], want: ['ap', 'app1', 'apps'] },
  ];
  for (const c of cases) it(c.name, () => expect(suggestNames(...c.input)).toEqual(c.want));
});
