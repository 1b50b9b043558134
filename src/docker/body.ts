// The one reader of streamed Engine API bodies (container and service logs, the stats stream, events). Two
// transports carry the bytes: a direct HTTP/1.1 GET over the socket where the endpoint allows it (rawhttp.ts: one
// call per socket read), docker-modem's request for TLS and ssh endpoints. Both hand over bytes the same way, pause
// for a consumer that returns a promise, end quietly on abort, and fail in the same shapes, so everything above them
// (frames, JSON lines) is written once.
import type { IncomingMessage } from 'node:http';
import { GoroscopeError, UnavailableError } from '../errors.js';
import { FrameDemuxer } from '../stream/frames.js';
import { rawGet, type RawTarget } from './rawhttp.js';
import type { FrameSink } from './runtime.js';

export type BytesSink = (buf: Buffer, start: number, end: number) => void;

/** How bytes are fetched: GET `path` with `query`, body bytes to `onBytes`, `afterRead` may pause reading. */
export type Transport = (
  path: string,
  query: Record<string, string>,
  onBytes: BytesSink,
  signal: AbortSignal | undefined,
  afterRead: (() => Promise<void> | null) | undefined,
) => Promise<void>;

/** The direct transport (unix socket, named pipe, plain tcp). */
export function rawTransport(target: RawTarget): Transport {
  return (path, query, onBytes, signal, afterRead) => {
    const qs = new URLSearchParams(query).toString();
    return rawGet(target, qs ? `${path}?${qs}` : path, onBytes, signal, afterRead);
  };
}

/** The shape of docker-modem's `dial`, the only part of it this file uses. */
export interface ModemLike {
  dial(options: object, callback: (err: unknown, res: unknown) => void): void;
}

/** docker-modem as a transport (TLS and ssh endpoints): its response stream, read the same way as the direct one. */
export function modemTransport(modem: ModemLike): Transport {
  return async (path, query, onBytes, signal, afterRead) => {
    if (signal?.aborted) return;
    let res: IncomingMessage;
    try {
      res = await new Promise<IncomingMessage>((resolve, reject) => {
        modem.dial(
          {
            path: `${path}?`,
            method: 'GET',
            isStream: true,
            abortSignal: signal,
            // Every status is an error here except 200; the caller reads statusCode, not these texts.
            statusCodes: { 200: true, 400: 'bad request', 404: 'not found', 406: 'not a swarm node', 500: 'server error', 501: 'not implemented', 503: 'not a swarm manager' },
            options: query,
          },
          (err, r) => (err ? reject(err) : resolve(r as IncomingMessage)),
        );
      });
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
    await pump(res, onBytes, signal, afterRead);
  };
}

function pump(res: IncomingMessage, onBytes: BytesSink, signal: AbortSignal | undefined, afterRead: (() => Promise<void> | null) | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      res.removeListener('data', onData);
      res.destroy();
      if (err === undefined || signal?.aborted) resolve();
      else reject(err);
    };
    const onAbort = () => finish();
    const onData = (chunk: Buffer) => {
      try {
        onBytes(chunk, 0, chunk.length);
      } catch (err) {
        return finish(err);
      }
      const wait = afterRead?.();
      if (wait && !settled) {
        res.pause();
        wait.then(() => {
          if (!settled) res.resume();
        }, finish);
      }
    };
    if (signal?.aborted) return finish();
    signal?.addEventListener('abort', onAbort, { once: true });
    res.on('data', onData);
    res.once('end', () => finish());
    res.once('error', (err) => finish(err));
    res.once('close', () => finish(res.complete ? undefined : Object.assign(new Error('the connection closed before the body ended'), { cutOff: true })));
  });
}

/** A consumer's own failure, carried past the transport's error mapping so that it comes back untouched. */
export class SinkFailure {
  constructor(readonly err: unknown) {}
}

/**
 * Read a body of Docker frames (or raw text for a TTY) into `sink`. Frames of one socket read are handed over in
 * order; when the sink returns promises, reading pauses until they settle. A sink's own failure (disk full…) comes
 * back as a SinkFailure; a daemon error frame is an UnavailableError; transport errors are left to the caller to map.
 */
export async function readFrames(transport: Transport, path: string, query: Record<string, string>, tty: boolean, sink: FrameSink, signal?: AbortSignal): Promise<void> {
  let pending: Promise<void>[] = [];
  let sinkError: { err: unknown } | null = null;
  const hand = (stream: 'stdout' | 'stderr', payload: Buffer) => {
    let r: void | Promise<void>;
    try {
      r = sink(stream, payload);
    } catch (err) {
      sinkError = { err };
      throw err;
    }
    if (r) {
      pending.push(
        r.catch((err: unknown) => {
          sinkError = { err };
          throw err;
        }),
      );
    }
  };
  const demux = tty ? null : new FrameDemuxer(hand);
  let lastWait: Promise<void> | null = null;
  const settle = () => {
    if (pending.length === 0) return null;
    const wait = Promise.all(pending).then(() => undefined);
    pending = [];
    lastWait = wait;
    return wait;
  };
  try {
    await transport(path, query, (b, s, e) => (demux ? demux.push(b, s, e) : hand('stdout', b.subarray(s, e))), signal, settle);
    demux?.end();
    await lastWait; // the body may end within the read whose frames are still being written
    await settle();
  } catch (err) {
    if (sinkError) throw new SinkFailure((sinkError as { err: unknown }).err);
    if (signal?.aborted) return;
    throw err;
  }
}

/**
 * Read a body of newline-separated JSON documents (events, the stats stream). A chunk is not a whole document
 * (apocas/dockerode#670): split on newlines. A line that is not JSON is skipped. `onDoc` returning false stops.
 */
export async function readJsonLines(transport: Transport, path: string, query: Record<string, string>, onDoc: (doc: unknown) => boolean | void, signal?: AbortSignal): Promise<void> {
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let rest = '';
  await transport(
    path,
    query,
    (b, s, e) => {
      if (stop.signal.aborted) return;
      rest += b.toString('utf8', s, e);
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (line === '') continue;
        let doc: unknown;
        try {
          doc = JSON.parse(line);
        } catch {
          continue;
        }
        if (onDoc(doc) === false) {
          stop.abort();
          return;
        }
      }
    },
    both,
    undefined,
  );
}

/** True for the error a transport gives when the connection closed before the body ended. */
export function isCutOff(err: unknown): boolean {
  return (err as { cutOff?: unknown } | null)?.cutOff === true;
}

/** The error for a stream cut short. */
export function cutOffError(what: string, endpoint: string, cause?: unknown): GoroscopeError {
  return new UnavailableError(`the ${what} from the Docker daemon was cut off`, endpoint, 'run the command again; check the daemon (journalctl -u docker)', { cause });
}
