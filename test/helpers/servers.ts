// Real servers on loopback for the alert tests: an HTTP server that records what is posted (and answers as told),
// and an SMTP server (smtp-server, by the nodemailer authors) that records what is mailed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Alert } from '../../src/notify/types.js';

export interface Posted {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
  json: unknown;
}

/** How the server answers the n-th request (0-based): a status and body (after `delayMs`), or 'hang' (accept, read, never answer). */
export type Answer = { status: number; body?: string; delayMs?: number } | 'hang';

export interface HttpRecorder {
  url: string;
  port: number;
  posts: Posted[];
  close(): Promise<void>;
}

export async function httpRecorder(answer: (n: number, req: IncomingMessage) => Answer = () => ({ status: 200, body: 'ok' }), port = 0): Promise<HttpRecorder> {
  const posts: Posted[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = undefined;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON: kept as text
      }
      const n = posts.length;
      posts.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body, json });
      const a = answer(n, req);
      if (a === 'hang') return;
      const send = () => res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body ?? '');
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

/** `tls`: implicit TLS (`secure: true`) or STARTTLS offered, with this key and certificate (PEM). */
export interface SmtpTls {
  mode: 'tls' | 'starttls';
  key: string;
  cert: string;
}

export async function smtpRecorder(opts: { auth?: { user: string; pass: string }; tls?: SmtpTls } = {}): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    disabledCommands: [...(opts.tls?.mode === 'starttls' ? [] : ['STARTTLS']), ...(opts.auth ? [] : ['AUTH'])],
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert, secure: opts.tls.mode === 'tls' } : {}),
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        cb();
      });
    },
  });
  // A client that refuses the certificate closes the socket mid-handshake: the server reports it as an error event.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Subject and text body of a raw RFC 5322 message (quoted-printable / base64 / RFC 2047 decoded). */
export function parseMail(raw: string): { subject: string; text: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const subjectLine = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '';
  const subject = subjectLine.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : qp(data.replace(/_/g, ' ')),
  );
  const cte = /^Content-Transfer-Encoding: (.*)$/im.exec(unfolded)?.[1]?.trim().toLowerCase();
  const body = rest.join('\n\n');
  const text = cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : cte === 'quoted-printable' ? qp(body.replace(/=\r?\n/g, '')) : body;
  return { subject: subject.trim(), text: text.replace(/\r\n/g, '\n') };
}

function qp(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const m = /^=([0-9A-F]{2})/i.exec(s.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1]!, 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A throwaway self-signed certificate (openssl) for localhost / 127.0.0.1 in `dir`, valid one day. */
export function selfSigned(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** The alert the target tests deliver: one container going from warning to critical. */
export const alert: Alert = {
  container: 'one-api',
  host: null,
  level: 'critical',
  previous: 'warning',
  reasons: ['goroutines 5234 ≥ 5000'],
  goroutines: 5234,
  time: '2026-11-26T10:00:00.000Z',
  event: null,
};
