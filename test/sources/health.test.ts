// The health probe against real HTTP servers on loopback: each way an endpoint can answer or fail.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { probeHealth, probeWithFallback, deriveHealthUrl, type InspectForUrl } from '../../src/sources/health.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const routes: Record<string, Handler> = {
  '/api/monitor/health': (_q, r) => {
    r.setHeader('content-type', 'application/json');
    r.end('{"status":"ok","goroutines":1234,"memory":{"alloc_mb":12,"total_alloc_mb":345,"sys_mb":67,"num_gc":8}}');
  },
  '/html': (_q, r) => {
    r.setHeader('content-type', 'text/html; charset=utf-8');
    r.end('<!doctype html><html><body>login</body></html>');
  },
  '/wrong': (_q, r) => r.end('{"hello":"world"}'),
  '/badcount': (_q, r) => r.end('{"goroutines":"many"}'),
  '/500': (_q, r) => {
    r.statusCode = 502;
    r.end('bad gateway');
  },
  '/api/status': (_q, r) => r.end('{"success":true,"message":"","data":{"version":"v0.6.10","system_name":"One API"}}'),
  '/metrics': (_q, r) => {
    r.setHeader('content-type', 'text/plain; version=0.0.4');
    r.end(
      '# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines 5321\n' +
        'go_memstats_alloc_bytes 1.048576e+07\ngo_memstats_alloc_bytes_total 2.097152e+08\ngo_memstats_sys_bytes 3.145728e+07\n' +
        'go_gc_duration_seconds{quantile="0"} 1e-05\ngo_gc_duration_seconds_count 42\n',
    );
  },
  '/big': (_q, r) => r.end('{"goroutines":1,"pad":"' + 'x'.repeat(2 << 20) + '"}'),
  '/slowbody': (_q, r) => {
    r.writeHead(200, { 'content-type': 'application/json' });
    r.write('{"goroutines":'); // and never finishes
  },
};

let server: http.Server;
let hang: net.Server; // accepts TCP connections and never answers
let base = '';
let hangUrl = '';
let refusedUrl = '';
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => (routes[req.url ?? ''] ?? ((_q, r) => ((r.statusCode = 404), r.end('404 page not found'))))(req, res));
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hang = net.createServer((s) => sockets.add(s));
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  hangUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}/api/monitor/health`;
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  refusedUrl = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}/api/monitor/health`;
  await new Promise<void>((r) => tmp.close(() => r()));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => hang.close(r))]);
});

describe('probeHealth', () => {
  const cases: { name: string; input: () => string; timeoutMs?: number; want: Record<string, unknown> }[] = [
    {
      name: 'ezlinkai health JSON',
      input: () => `${base}/api/monitor/health`,
      want: { ok: true, status: 200, errorKind: null, format: 'ezlinkai', goroutines: 1234, memory: { allocMb: 12, totalAllocMb: 345, sysMb: 67, numGc: 8 }, reportedStatus: 'ok' },
    },
    {
      name: 'Prometheus /metrics',
      input: () => `${base}/metrics`,
      want: { ok: true, status: 200, errorKind: null, format: 'metrics', goroutines: 5321, memory: { allocMb: 10, totalAllocMb: 200, sysMb: 30, numGc: 42 } },
    },
    {
      name: 'upstream /api/status: ok, but no count, and says so',
      input: () => `${base}/api/status`,
      want: { ok: true, status: 200, errorKind: null, format: 'status', goroutines: null, memory: null },
    },
    { name: 'HTML page', input: () => `${base}/html`, want: { ok: false, status: 200, errorKind: 'not_json', goroutines: null } },
    { name: 'JSON of another shape', input: () => `${base}/wrong`, want: { ok: false, status: 200, errorKind: 'bad_shape', goroutines: null } },
    { name: 'goroutines not a number', input: () => `${base}/badcount`, want: { ok: false, status: 200, errorKind: 'bad_shape', goroutines: null } },
    { name: '502', input: () => `${base}/500`, want: { ok: false, status: 502, errorKind: 'http_status', goroutines: null } },
    { name: '404', input: () => `${base}/nothing`, want: { ok: false, status: 404, errorKind: 'http_status' } },
    { name: 'refused', input: () => refusedUrl, want: { ok: false, status: null, errorKind: 'refused' } },
    { name: 'accepts and never answers', input: () => hangUrl, timeoutMs: 300, want: { ok: false, status: null, errorKind: 'timeout' } },
    { name: 'headers then a body that never ends', input: () => `${base}/slowbody`, timeoutMs: 300, want: { ok: false, status: null, errorKind: 'timeout' } },
    { name: 'body over the cap', input: () => `${base}/big`, want: { ok: false, status: 200, errorKind: 'too_large' } },
    { name: 'not a URL', input: () => 'localhost:3000', want: { ok: false, status: null, errorKind: 'bad_url' } },
    { name: 'not http', input: () => 'ftp://127.0.0.1/x', want: { ok: false, status: null, errorKind: 'bad_url' } },
  ];
  it.each(cases)('$name', async ({ input, timeoutMs, want }) => {
    const r = await probeHealth(input(), { timeoutMs: timeoutMs ?? 5000 });
    const picked = Object.fromEntries(Object.keys(want).map((k) => [k, (r as unknown as Record<string, unknown>)[k]]));
    expect(picked).toEqual(want);
    expect(r.ok ? r.error : typeof r.error).toBe(r.ok ? null : 'string');
  });

  it('says why /api/status has no count', async () => {
    const r = await probeHealth(`${base}/api/status`);
    expect(r.note).toContain('no goroutine count');
    expect(r.note).toContain('v0.6.10');
  });

  it('a derived URL that is 404 falls back to /api/status; a given one does not', async () => {
    const missing = `${base}/x/api/monitor/health`;
    routes['/x/api/status'] = routes['/api/status']!;
    const derived = await probeWithFallback(missing, true);
    const given = await probeWithFallback(missing, false);
    expect([derived.url, derived.format, derived.ok, given.url, given.errorKind]).toEqual([`${base}/x/api/status`, 'status', true, missing, 'http_status']);
  });
});

describe('deriveHealthUrl', () => {
  const cases: { name: string; input: InspectForUrl; want: string | null }[] = [
    { name: 'host network, default port', input: { HostConfig: { NetworkMode: 'host' }, Config: { Env: [] } }, want: 'http://127.0.0.1:3000/api/monitor/health' },
    { name: 'host network, PORT env', input: { HostConfig: { NetworkMode: 'host' }, Config: { Env: ['A=1', 'PORT=3300'] } }, want: 'http://127.0.0.1:3300/api/monitor/health' },
    { name: 'host network, --port flag wins', input: { HostConfig: { NetworkMode: 'host' }, Args: ['--port', '8081', '--log-dir', '/data'], Config: { Env: ['PORT=3300'] } }, want: 'http://127.0.0.1:8081/api/monitor/health' },
    { name: 'host network, --port=N', input: { HostConfig: { NetworkMode: 'host' }, Args: ['--port=9000'] }, want: 'http://127.0.0.1:9000/api/monitor/health' },
    {
      name: 'published 3000 on all interfaces',
      input: { HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { IPAddress: '172.17.0.2', Ports: { '3000/tcp': [{ HostIp: '0.0.0.0', HostPort: '13000' }, { HostIp: '::', HostPort: '13000' }] } } },
      want: 'http://127.0.0.1:13000/api/monitor/health',
    },
    {
      name: 'published on one address',
      input: { HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { Ports: { '3000/tcp': [{ HostIp: '10.0.0.5', HostPort: '3000' }] } } },
      want: 'http://10.0.0.5:3000/api/monitor/health',
    },
    {
      name: 'not published: bridge IP',
      input: { HostConfig: { NetworkMode: 'bridge' }, NetworkSettings: { IPAddress: '172.17.0.2', Ports: { '3000/tcp': null } } },
      want: 'http://172.17.0.2:3000/api/monitor/health',
    },
    {
      name: 'compose network, not published: its address there',
      input: { HostConfig: { NetworkMode: 'proj_default' }, NetworkSettings: { IPAddress: '', Ports: { '3000/tcp': null }, Networks: { proj_default: { IPAddress: '172.18.0.3' } } } },
      want: 'http://172.18.0.3:3000/api/monitor/health',
    },
    { name: 'network none', input: { HostConfig: { NetworkMode: 'none' }, NetworkSettings: { IPAddress: '', Ports: {} } }, want: null },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(deriveHealthUrl(input)?.url ?? null).toBe(want));
});
