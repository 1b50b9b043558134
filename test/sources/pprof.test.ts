// fetchDump / pprofUrl / readDumpSource against real HTTP servers and real files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { mkdtemp, mkdir, writeFile, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoroscopeError } from '../../src/errors.js';
import { derivePprofUrl, fetchDump, pprofUrl, pprofUrlFor, probePprof, readDumpSource } from '../../src/sources/pprof.js';

const DUMP = 'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n';

describe('pprofUrl', () => {
  const cases = [
    { name: 'base URL', input: 'http://127.0.0.1:6060', want: 'http://127.0.0.1:6060/debug/pprof/goroutine?debug=2' },
    { name: 'base URL with slash', input: 'http://h:3000/', want: 'http://h:3000/debug/pprof/goroutine?debug=2' },
    { name: 'pprof index', input: 'http://h:6060/debug/pprof/', want: 'http://h:6060/debug/pprof/goroutine?debug=2' },
    { name: 'pprof index without slash', input: 'http://h:6060/debug/pprof', want: 'http://h:6060/debug/pprof/goroutine?debug=2' },
    { name: 'goroutine without query', input: 'http://h:6060/debug/pprof/goroutine', want: 'http://h:6060/debug/pprof/goroutine?debug=2' },
    { name: 'debug=1 kept', input: 'http://h:6060/debug/pprof/goroutine?debug=1', want: 'http://h:6060/debug/pprof/goroutine?debug=1' },
    { name: 'other path kept', input: 'https://gw.example/admin/pprof/goroutine?debug=2', want: 'https://gw.example/admin/pprof/goroutine?debug=2' },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(pprofUrl(input)).toBe(want));
});

describe('fetchDump', () => {
  let http: Server;
  let silent: TcpServer;
  const sockets: Socket[] = [];
  let base = '';
  let silentUrl = '';
  let closedUrl = '';
  const hanging: ServerResponse[] = [];

  beforeAll(async () => {
    http = createServer((req, res) => {
      if (req.url === '/dump') res.end(DUMP);
      else if (req.url === '/html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body>login</body></html>');
      else if (req.url === '/html-as-text') res.end('<!DOCTYPE html>\n<html></html>\n');
      else if (req.url === '/half') {
        res.writeHead(200);
        res.write('goroutine 1 [running]:\n'); // and never the rest
        hanging.push(res);
      } else if (req.url === '/big') res.end('x'.repeat(5000));
      else res.writeHead(404).end('404 page not found\n');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    // accepts the connection, never answers
    silent = createTcp((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/debug/pprof/goroutine?debug=2`;
    const gone = createTcp();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    closedUrl = `http://127.0.0.1:${(gone.address() as { port: number }).port}/`;
    await new Promise<void>((r) => gone.close(() => r()));
  });
  afterAll(async () => {
    for (const r of hanging) r.destroy();
    for (const s of sockets) s.destroy();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('reads a dump', async () => {
    expect(await fetchDump(`${base}/dump`)).toBe(DUMP);
  });

  const failures = [
    { name: 'connection refused', input: () => ({ url: closedUrl, opts: {} }), want: { code: 69, message: 'connection refused' } },
    { name: 'server that never answers (total timeout)', input: () => ({ url: silentUrl, opts: { timeoutMs: 300 } }), want: { code: 69, message: 'no complete answer within 300 ms' } },
    { name: 'body that never ends (total timeout)', input: () => ({ url: `${base}/half`, opts: { timeoutMs: 300 } }), want: { code: 69, message: 'no complete answer within 300 ms' } },
    { name: 'HTTP 404', input: () => ({ url: `${base}/nope`, opts: {} }), want: { code: 69, message: 'the pprof endpoint answered HTTP 404' } },
    { name: 'HTML by content type', input: () => ({ url: `${base}/html`, opts: {} }), want: { code: 65, message: 'an HTML page, not a goroutine dump' } },
    { name: 'HTML served as text', input: () => ({ url: `${base}/html-as-text`, opts: {} }), want: { code: 65, message: 'an HTML page, not a goroutine dump' } },
    { name: 'larger than the cap', input: () => ({ url: `${base}/big`, opts: { maxBytes: 1000 } }), want: { code: 65, message: 'the answer is larger than 1000 bytes' } },
  ];
  it.each(failures)('$name', async ({ input, want }) => {
    const { url, opts } = input();
    const err = await fetchDump(url, opts).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GoroscopeError);
    expect({ code: (err as GoroscopeError).exitCode, message: (err as GoroscopeError).message, value: (err as GoroscopeError).value }).toEqual({ ...want, value: url });
  });

  it('an abort signal ends a hanging fetch', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await fetchDump(silentUrl, { signal: ac.signal, timeoutMs: 10_000 }).then(() => null, (e: unknown) => e);
    expect((err as GoroscopeError).message).toBe('interrupted');
  });
});

describe('readDumpSource', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gs-goroutines-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a goroscope bundle directory: both dumps in order and the pprof interval', async () => {
    const b = join(dir, 'bundle');
    await mkdir(join(b, 'pprof'), { recursive: true });
    await writeFile(join(b, 'pprof', 'goroutine-2.txt'), 'second');
    await writeFile(join(b, 'pprof', 'goroutine-1.txt'), 'first');
    await writeFile(join(b, 'manifest.json'), JSON.stringify({ items: { pprof: { status: 'ok', intervalMs: 5000 } } }));
    const s = await readDumpSource(b);
    expect({ texts: s.dumps.map((d) => d.text), labels: s.dumps.map((d) => d.label), secondsApart: s.secondsApart }).toEqual({
      texts: ['first', 'second'],
      labels: [join(b, 'pprof/goroutine-1.txt'), join(b, 'pprof/goroutine-2.txt')],
      secondsApart: 5,
    });
  });

  it('a directory of goroutines*.txt files, numbered', async () => {
    const d = join(dir, 'loose');
    await mkdir(d);
    await writeFile(join(d, 'goroutines-10.txt'), 'ten');
    await writeFile(join(d, 'goroutines-9.txt'), 'nine');
    await writeFile(join(d, 'other.txt'), 'no');
    const s = await readDumpSource(d);
    expect({ texts: s.dumps.map((x) => x.text), secondsApart: s.secondsApart }).toEqual({ texts: ['nine', 'ten'], secondsApart: null });
  });

  it('a .tar.gz bundle with one top directory', async () => {
    const tar = await import('tar');
    const top = join(dir, 'arch', 'goroscope-x');
    await mkdir(join(top, 'pprof'), { recursive: true });
    await writeFile(join(top, 'pprof', 'goroutine-1.txt'), 'a1');
    await writeFile(join(top, 'pprof', 'goroutine-2.txt'), 'a2');
    await writeFile(join(top, 'manifest.json'), JSON.stringify({ items: { pprof: { intervalMs: 2000 } } }));
    const file = join(dir, 'b.tar.gz');
    await tar.c({ gzip: true, file, cwd: join(dir, 'arch') }, ['goroscope-x']);
    const s = await readDumpSource(file);
    expect({ texts: s.dumps.map((x) => x.text), secondsApart: s.secondsApart }).toEqual({ texts: ['a1', 'a2'], secondsApart: 2 });
  });

  const bad = [
    { name: 'missing file', input: () => join(dir, 'nope.txt'), want: { code: 66, message: 'no such file or directory' } },
    { name: 'directory without dumps', input: () => dir, want: { code: 66, message: 'no goroutine dump in this bundle (pprof/goroutine-*.txt)' } },
  ];
  it.each(bad)('$name', async ({ input, want }) => {
    const err = await readDumpSource(input()).then(() => null, (e: unknown) => e);
    expect({ code: (err as GoroscopeError).exitCode, message: (err as GoroscopeError).message }).toEqual(want);
  });

  it('a plain file', async () => {
    const f = join(dir, 'd.txt');
    await writeFile(f, DUMP);
    expect((await readDumpSource(f)).dumps).toEqual([{ label: f, text: await readFile(f, 'utf8') }]);
  });
});

describe('derivePprofUrl and pprofUrlFor: where bundle and doctor look for goroutine dumps', () => {
  const host = (env: string[], args: string[] = []) => ({ HostConfig: { NetworkMode: 'host' }, Config: { Env: env }, Args: args });
  const published = (env: string[], ports: Record<string, { HostIp: string; HostPort: string }[]>) => ({ HostConfig: { NetworkMode: 'bridge' }, Config: { Env: env }, NetworkSettings: { Ports: ports } });
  const cases: { name: string; input: { inspect: object; health: string | null }; want: { url: string; how: string } | null }[] = [
    {
      name: 'ezlinkai METRICS_PORT on the host network',
      input: { inspect: host(['METRICS_PORT=6060']), health: 'http://127.0.0.1:3000/api/monitor/health' },
      want: { url: 'http://127.0.0.1:6060/debug/pprof/goroutine?debug=2', how: 'host network, METRICS_PORT=6060 in its environment' },
    },
    {
      name: 'METRICS_PORT published elsewhere',
      input: { inspect: published(['METRICS_PORT=6060'], { '6060/tcp': [{ HostIp: '0.0.0.0', HostPort: '16060' }] }), health: null },
      want: { url: 'http://127.0.0.1:16060/debug/pprof/goroutine?debug=2', how: 'published port 6060/tcp → 127.0.0.1:16060' },
    },
    {
      name: 'METRICS_PORT not reachable: the health server instead',
      input: { inspect: published(['METRICS_PORT=6060'], {}), health: 'http://127.0.0.1:8080/api/monitor/health' },
      want: { url: 'http://127.0.0.1:8080/debug/pprof/goroutine?debug=2', how: 'the health server' },
    },
    {
      name: "new-api's ENABLE_PPROF=true: port 8005",
      input: { inspect: host(['ENABLE_PPROF=true']), health: 'http://127.0.0.1:3000/api/status' },
      want: { url: 'http://127.0.0.1:8005/debug/pprof/goroutine?debug=2', how: "host network, ENABLE_PPROF=true: new-api's port 8005" },
    },
    { name: 'nothing known', input: { inspect: published([], {}), health: null }, want: null },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(derivePprofUrl(input.inspect, input.health)).toEqual(want));

  it('a configured URL wins, normalised, and says where it came from', () => {
    const inspect = host(['METRICS_PORT=6060']);
    const ctx = (env: Record<string, string>, config: object = {}) => ({ env, config });
    expect(pprofUrlFor('gw', inspect, 'http://10.0.0.5:6060', ctx({}), null)).toEqual({ url: 'http://10.0.0.5:6060/debug/pprof/goroutine?debug=2', derived: false, how: '--pprof-url' });
    expect(pprofUrlFor('gw', inspect, undefined, ctx({ GOROSCOPE_PPROF_URL: 'http://e:1/' }), null)).toMatchObject({ url: 'http://e:1/debug/pprof/goroutine?debug=2', how: 'GOROSCOPE_PPROF_URL' });
    expect(pprofUrlFor('gw', inspect, undefined, ctx({}, { pprofUrl: 'http://all:1', containers: { gw: { pprofUrl: 'http://gw:2' } } }), null)).toMatchObject({ url: 'http://gw:2/debug/pprof/goroutine?debug=2', how: 'config file' });
    expect(pprofUrlFor('gw', inspect, undefined, ctx({}), null)).toEqual({ url: 'http://127.0.0.1:6060/debug/pprof/goroutine?debug=2', derived: true, how: 'host network, METRICS_PORT=6060 in its environment' });
  });
});

describe('probePprof: the cheap debug=1 question, never a throw', () => {
  let server: Server;
  let base = '';
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/debug/pprof/goroutine?debug=1') res.end('goroutine profile: total 1234\n1200 @ 0x1 0x2\n#\t0x1\tmain.leakyRelay+0x1\t/src/sim.go:40\n');
      else if (req.url === '/full/dump') res.end(`${DUMP}\n${DUMP.replace('goroutine 1', 'goroutine 2')}`);
      else if (req.url === '/html/goroutine?debug=1') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
      else if (req.url === '/text/goroutine?debug=1') res.end('hello\n');
      else res.writeHead(404).end('404 page not found\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const cases: { name: string; input: string; want: { ok: boolean; goroutines: number | null; error: string | null } }[] = [
    { name: 'debug=2 URL: asks debug=1, reads the total', input: '/debug/pprof/goroutine?debug=2', want: { ok: true, goroutines: 1234, error: null } },
    { name: 'a URL without debug=2 is asked as given; its goroutine heads are counted', input: '/full/dump', want: { ok: true, goroutines: 2, error: null } },
    { name: 'an HTML page', input: '/html/goroutine?debug=2', want: { ok: false, goroutines: null, error: 'an HTML page, not a goroutine dump' } },
    { name: 'text that is no profile', input: '/text/goroutine?debug=2', want: { ok: false, goroutines: null, error: 'answered, but not with a goroutine profile' } },
    { name: '404', input: '/nope/goroutine?debug=2', want: { ok: false, goroutines: null, error: 'the pprof endpoint answered HTTP 404' } },
  ];
  it.each(cases)('$name', async ({ input, want }) => {
    const r = await probePprof(`${base}${input}`, { timeoutMs: 2000 });
    expect({ url: r.url, ok: r.ok, goroutines: r.goroutines, error: r.error }).toEqual({ url: `${base}${input}`, ...want });
  });

  it('refused: one line, no throw', async () => {
    const r = await probePprof('http://127.0.0.1:1/debug/pprof/goroutine?debug=2', { timeoutMs: 2000 });
    expect([r.ok, r.error]).toEqual([false, 'connection refused']);
  });
});
