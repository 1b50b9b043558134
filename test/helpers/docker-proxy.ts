// The real engine behind an HTTP proxy on loopback (`-H tcp://127.0.0.1:PORT`) that injects one fault for certain:
// a request the daemon "does not answer", a JSON answer edited (another Swarm node id), or a streamed body that
// stops after some whole frames and stays open (the service log hang). Everything else passes through unchanged.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

export interface ProxyRules {
  /** Requests whose path matches get no answer at all (held open until the proxy closes). */
  silent?: RegExp;
  /** JSON answers whose path matches are edited before they are sent. */
  rewrite?: { path: RegExp; edit: (doc: Record<string, unknown>) => void };
  /** Bodies whose path matches stop after `frames` whole frames (8-byte header, big-endian size) and stay open. */
  stall?: { path: RegExp; frames: number };
}

export interface DockerProxy {
  host: string;
  /** Requests held open by `silent` or `stall` so far. */
  held(): number;
  close(): Promise<void>;
}

/** `/v1.41/containers/abc/stats?stream=0` → `/containers/abc/stats` (the API version prefix is optional). */
const pathOf = (url: string | undefined) => (url ?? '').split('?')[0]!.replace(/^\/v[\d.]+(?=\/)/, '');

export async function dockerProxy(rules: ProxyRules, socketPath = '/var/run/docker.sock'): Promise<DockerProxy> {
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = pathOf(req.url);
    if (rules.silent?.test(path)) {
      held.add(res);
      req.resume();
      return;
    }
    const up = request({ socketPath, path: req.url, method: req.method, headers: req.headers }, (u: IncomingMessage) => {
      const headers = { ...u.headers };
      delete headers['content-length'];
      delete headers['transfer-encoding'];
      if (rules.rewrite?.path.test(path)) {
        const chunks: Buffer[] = [];
        u.on('data', (b: Buffer) => chunks.push(b));
        u.on('end', () => {
          const doc = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
          rules.rewrite!.edit(doc);
          res.writeHead(u.statusCode ?? 500, headers).end(JSON.stringify(doc));
        });
        return;
      }
      res.writeHead(u.statusCode ?? 500, headers);
      const stall = rules.stall?.path.test(path) ? rules.stall : undefined;
      if (!stall) {
        u.pipe(res);
        return;
      }
      held.add(res);
      let buf = Buffer.alloc(0);
      let sent = 0;
      u.on('data', (b: Buffer) => {
        if (sent >= stall.frames) return void u.destroy();
        buf = Buffer.concat([buf, b]);
        let end = 0;
        while (sent < stall.frames && buf.length - end >= 8 && buf.length - end >= 8 + buf.readUInt32BE(end + 4)) {
          end += 8 + buf.readUInt32BE(end + 4);
          sent++;
        }
        if (end > 0) res.write(buf.subarray(0, end));
        buf = buf.subarray(end);
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`,
    held: () => held.size,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
