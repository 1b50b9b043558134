// The direct HTTP reader for log bodies: the response parser at every split, and rawGet against real servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResponseParser, rawGet } from '../../src/docker/rawhttp.js';

function parse(pieces: Buffer[]): { body: string; ends: { status?: number; message?: string }[] } {
  const body: Buffer[] = [];
  const ends: { status?: number; message?: string }[] = [];
  const p = new ResponseParser(
    (b, s, e) => body.push(Buffer.from(b.subarray(s, e))),
    (err) => ends.push(err ? { status: err.statusCode, message: err.json?.message } : {}),
  );
  for (const x of pieces) p.push(x);
  p.close();
  return { body: Buffer.concat(body).toString('latin1'), ends };
}

const CHUNKED = Buffer.from(
  'HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-Encoding: chunked\r\n\r\n' +
    'e\r\n\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0006out-1\n\r\n' +
    'A\r\n0123456789\r\n' +
    '0\r\n\r\n',
  'latin1',
);
const CHUNKED_BODY = '\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0006out-1\n0123456789';

const J404 = JSON.stringify({ message: 'No such container: nope-404' });
const J501 = JSON.stringify({ message: 'configured logging driver does not support reading' });

describe('ResponseParser', () => {
  const cases: { name: string; input: string; want: { body: string; ends: object[] } }[] = [
    { name: 'chunked', input: CHUNKED.toString('latin1'), want: { body: CHUNKED_BODY, ends: [{}] } },
    { name: 'content-length', input: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', want: { body: 'hello', ends: [{}] } },
    { name: 'empty content-length', input: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', want: { body: '', ends: [{}] } },
    { name: 'until close', input: 'HTTP/1.0 200 OK\r\n\r\nraw bytes', want: { body: 'raw bytes', ends: [{}] } },
    {
      name: '404 with the daemon JSON',
      input: `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${J404.length}\r\n\r\n${J404}`,
      want: { body: '', ends: [{ status: 404, message: 'No such container: nope-404' }] },
    },
    {
      name: '501 chunked',
      input: `HTTP/1.1 501 Not Implemented\r\nTransfer-Encoding: chunked\r\n\r\n${J501.length.toString(16)}\r\n${J501}\r\n0\r\n\r\n`,
      want: { body: '', ends: [{ status: 501, message: 'configured logging driver does not support reading' }] },
    },
  ];
  for (const c of cases) it(c.name, () => expect(parse([Buffer.from(c.input, 'latin1')])).toEqual(c.want));

  it('a chunked response split at every byte boundary (two and three pieces) gives the same body, one end', () => {
    for (let a = 0; a <= CHUNKED.length; a++) {
      expect(parse([CHUNKED.subarray(0, a), CHUNKED.subarray(a)])).toEqual({ body: CHUNKED_BODY, ends: [{}] });
      const b = Math.min(CHUNKED.length, a + 3);
      expect(parse([CHUNKED.subarray(0, a), CHUNKED.subarray(a, b), CHUNKED.subarray(b)])).toEqual({ body: CHUNKED_BODY, ends: [{}] });
    }
  });

  it('one byte at a time', () => {
    expect(parse(Array.from(CHUNKED, (x) => Buffer.from([x])))).toEqual({ body: CHUNKED_BODY, ends: [{}] });
  });

  it('cut short: close() says so and no end is reported', () => {
    const p = new ResponseParser(() => undefined, () => {
      throw new Error('must not end');
    });
    p.push(CHUNKED.subarray(0, CHUNKED.length - 10));
    expect(p.close()).toBe(false);
  });

  const bad = [
    { name: 'not HTTP', input: 'SSH-2.0-OpenSSH\r\n\r\n' },
    { name: 'bad chunk size', input: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n' },
    { name: 'missing CRLF after data', input: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY' },
  ];
  for (const c of bad) it(`malformed: ${c.name}`, () => expect(() => parse([Buffer.from(c.input, 'latin1')])).toThrow());
});

describe('rawGet against real servers on unix sockets', () => {
  let dir: string;
  let http: Server;
  let cut: NetServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gs-rawhttp-'));
    http = createServer((req, res) => {
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: 'No such container: x' }));
        return;
      }
      if (req.url?.startsWith('/slow')) {
        res.writeHead(200);
        res.write('first');
        return; // never ends: the client aborts
      }
      res.writeHead(200);
      let i = 0;
      const tick = () => {
        if (i === 500) return res.end();
        res.write(`line-${i++}\n`); // one HTTP chunk per write, like the daemon
        if (i % 50 === 0) setImmediate(tick);
        else tick();
      };
      tick();
    });
    cut = createNetServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
      setTimeout(() => s.destroy(), 20);
    });
    await new Promise<void>((r) => http.listen(join(dir, 'http.sock'), r));
    await new Promise<void>((r) => cut.listen(join(dir, 'cut.sock'), r));
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    await new Promise((r) => cut.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  async function get(sock: string, path: string, signal?: AbortSignal): Promise<{ body: string; error?: Record<string, unknown> }> {
    const parts: Buffer[] = [];
    try {
      await rawGet({ socketPath: join(dir, sock) }, path, (b, s, e) => parts.push(Buffer.from(b.subarray(s, e))), signal);
      return { body: Buffer.concat(parts).toString() };
    } catch (err) {
      const e = err as { statusCode?: number; code?: string; cutOff?: boolean };
      return { body: Buffer.concat(parts).toString(), error: { statusCode: e.statusCode, code: e.code, cutOff: e.cutOff } };
    }
  }

  it('500 chunks in order', async () => {
    const r = await get('http.sock', '/logs');
    expect(r).toEqual({ body: Array.from({ length: 500 }, (_, i) => `line-${i}\n`).join('') });
  });

  it('404 → statusCode 404, no body handed over', async () => {
    expect(await get('http.sock', '/missing')).toEqual({ body: '', error: { statusCode: 404, code: undefined, cutOff: undefined } });
  });

  it('connection dropped mid-body → cutOff', async () => {
    expect(await get('cut.sock', '/x')).toEqual({ body: 'hello', error: { statusCode: undefined, code: undefined, cutOff: true } });
  });

  it('no socket → ENOENT for the caller to map', async () => {
    expect(await get('none.sock', '/x')).toEqual({ body: '', error: { statusCode: undefined, code: 'ENOENT', cutOff: undefined } });
  });

  it('abort ends quietly with what came so far', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect(await get('http.sock', '/slow', ac.signal)).toEqual({ body: 'first' });
  });
});
