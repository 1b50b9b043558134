// A minimal HTTP/1.1 GET for big log bodies over a unix socket, a Windows named pipe or plain tcp.
// Why: the daemon sends one HTTP chunk per log message and flushes each, so Node's http client emits one
// 'data' event per message (1,000,000 for a million-line container) through its stream machinery; that cost
// alone put a container scan at ~1.3–1.5× `docker logs -t` on 2 cores. Here each socket read (up to 64 KB,
// hundreds of messages) is de-chunked in one tight loop. TLS and ssh endpoints keep using docker-modem.
import { connect as netConnect, type Socket } from 'node:net';

export interface RawTarget {
  socketPath?: string;
  host?: string;
  port?: number;
  /** How long to wait for the response head (default 5 s); then the request fails with `answerTimeout: true`. */
  answerTimeoutMs?: number;
}

/** An error shaped like docker-modem's HTTP errors, so callers map both the same way. */
export interface HttpStatusError extends Error {
  statusCode: number;
  json: { message?: string } | null;
}

function statusError(status: number, body: string): HttpStatusError {
  let json: { message?: string } | null = null;
  try {
    json = JSON.parse(body) as { message?: string };
  } catch {
    json = null;
  }
  const text = json?.message ?? body.trim();
  return Object.assign(new Error(`(HTTP code ${status}) unexpected - ${text} `), { statusCode: status, json });
}

const enum State {
  Head,
  Size,
  SizeLineEnd,
  Data,
  DataCr,
  DataLf,
  Trailer,
  Identity,
  Done,
}

/**
 * Parses an HTTP/1.1 response pushed in arbitrary pieces: status line and headers, then a chunked, Content-Length or
 * until-close body. Body bytes go to `onBody` as views into the pushed buffers; `onEnd` fires once at the end of the
 * body. A non-200 status collects the body and reports it through `onEnd` as an HttpStatusError.
 */
export class ResponseParser {
  private state = State.Head;
  private head: Buffer | null = null;
  status = 0;
  private chunked = false;
  private remaining = 0;
  private sizeAcc = 0;
  private sizeDigits = 0;
  private errorBody: Buffer[] | null = null;

  constructor(
    private readonly onBody: (buf: Buffer, start: number, end: number) => void,
    private readonly onEnd: (err?: HttpStatusError) => void,
    private readonly onHead: () => void = () => undefined,
  ) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  /** True when the body runs until the connection closes (no length, not chunked). */
  get untilClose(): boolean {
    return this.state === State.Identity && this.remaining === Infinity;
  }

  /** The connection closed: ends an until-close body; false when the response was cut short. */
  close(): boolean {
    if (this.state === State.Done) return true;
    if (this.untilClose) {
      this.finish();
      return true;
    }
    return false;
  }

  private finish(): void {
    this.state = State.Done;
    if (this.errorBody) this.onEnd(statusError(this.status, Buffer.concat(this.errorBody).toString('utf8')));
    else this.onEnd();
  }

  private body(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    if (this.errorBody) this.errorBody.push(Buffer.from(buf.subarray(start, end)));
    else this.onBody(buf, start, end);
  }

  private parseHead(text: string): void {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!m) throw new Error(`bad HTTP response from the Docker daemon: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
    this.status = Number(m[1]);
    let length = -1;
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i < 0) continue;
      const k = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      if (k === 'transfer-encoding' && /chunked/i.test(v)) this.chunked = true;
      if (k === 'content-length') length = Number(v);
    }
    if (this.status !== 200) this.errorBody = [];
    if (this.chunked) this.state = State.Size;
    else {
      this.remaining = length >= 0 ? length : Infinity;
      this.state = State.Identity;
    }
  }

  /** Feed bytes; throws on a malformed response. */
  push(chunk: Buffer): void {
    let buf = chunk;
    let i = 0;
    if (this.state === State.Done) return;
    if (this.state === State.Head) {
      buf = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const at = buf.indexOf('\r\n\r\n');
      if (at < 0) {
        if (buf.length > 64 * 1024) throw new Error('HTTP response head too large');
        this.head = buf;
        return;
      }
      this.head = null;
      this.parseHead(buf.toString('latin1', 0, at));
      this.onHead();
      i = at + 4;
      if ((this.state as State) === State.Identity && this.remaining === 0) return this.finish();
    }
    const n = buf.length;
    while (i < n) {
      switch (this.state) {
        case State.Size: {
          const c = buf[i]!;
          let d = -1;
          if (c >= 48 && c <= 57) d = c - 48;
          else if (c >= 97 && c <= 102) d = c - 87;
          else if (c >= 65 && c <= 70) d = c - 55;
          if (d >= 0) {
            this.sizeAcc = this.sizeAcc * 16 + d;
            this.sizeDigits++;
            i++;
          } else if (c === 13) {
            this.state = State.SizeLineEnd;
            i++;
          } else if (c === 59 || c === 32 || c === 9) {
            i++; // chunk extensions: skipped up to CR (the daemon sends none)
            while (i < n && buf[i] !== 13) i++;
          } else throw new Error('bad chunk size in the log stream');
          break;
        }
        case State.SizeLineEnd: {
          if (buf[i] !== 10 || this.sizeDigits === 0) throw new Error('bad chunk size line in the log stream');
          i++;
          this.remaining = this.sizeAcc;
          this.sizeAcc = 0;
          this.sizeDigits = 0;
          this.state = this.remaining === 0 ? State.Trailer : State.Data;
          if (this.state === State.Trailer) return this.finish(); // optional trailers and the final CRLF are not needed
          break;
        }
        case State.Data: {
          const take = Math.min(this.remaining, n - i);
          this.body(buf, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = State.DataCr;
          break;
        }
        case State.DataCr:
          if (buf[i] !== 13) throw new Error('bad chunk end in the log stream');
          i++;
          this.state = State.DataLf;
          break;
        case State.DataLf:
          if (buf[i] !== 10) throw new Error('bad chunk end in the log stream');
          i++;
          this.state = State.Size;
          break;
        case State.Identity: {
          const take = Math.min(this.remaining, n - i);
          this.body(buf, i, i + take);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) return this.finish();
          break;
        }
        default:
          return;
      }
    }
  }
}

/**
 * GET `path` and hand over the body bytes as they arrive (`onBody(buf, start, end)`; the buffer is only valid during
 * the call). Resolves at the end of the body, or quietly when `signal` aborts. Rejects with the socket error
 * (ENOENT, ECONNREFUSED, EACCES… for the caller to map), an HttpStatusError for a non-200 status, or an Error with
 * `cutOff: true` when the connection closes before the body ended.
 */
export function rawGet(
  target: RawTarget,
  path: string,
  onBody: (buf: Buffer, start: number, end: number) => void,
  signal?: AbortSignal,
  /** Called after each socket read was handed over; a returned promise pauses reading until it settles (backpressure). */
  afterRead?: () => Promise<void> | null,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return resolve();
    const sock: Socket = target.socketPath ? netConnect(target.socketPath) : netConnect(target.port ?? 2375, target.host ?? 'localhost');
    let settled = false;
    const answerMs = target.answerTimeoutMs ?? 5_000;
    const connectTimer = setTimeout(() => sock.destroy(Object.assign(new Error(`no answer within ${answerMs} ms`), { answerTimeout: true })), answerMs);
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err === undefined || signal?.aborted) resolve();
      else reject(err);
    };
    const onAbort = () => finish();
    signal?.addEventListener('abort', onAbort, { once: true });
    const parser = new ResponseParser(onBody, (err) => finish(err), () => clearTimeout(connectTimer));
    sock.on('connect', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: goroscope\r\nConnection: close\r\n\r\n`);
    });
    sock.on('data', (chunk: Buffer) => {
      try {
        parser.push(chunk);
      } catch (err) {
        return finish(err);
      }
      const wait = afterRead?.();
      if (wait && !settled) {
        sock.pause();
        wait.then(() => {
          if (!settled) sock.resume();
        }, finish);
      }
    });
    sock.on('error', (err) => finish(err));
    sock.on('close', () => {
      if (settled) return;
      if (!parser.close()) finish(Object.assign(new Error('the connection closed before the log body ended'), { cutOff: true }));
    });
  });
}
