// Where a Docker daemon is, the way the docker CLI finds it: `--host`, else DOCKER_HOST (unix, tcp with the
// TLS variables, npipe, ssh), else the current Docker context from ~/.docker, else the default socket; and how its
// failures read. The connection itself is made in engine.ts.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { GoroscopeError, InputError, PermissionError, UnavailableError, UsageError } from '../errors.js';

export interface Endpoint {
  options: Docker.DockerOptions;
  endpoint: string;
}

type Env = Record<string, string | undefined>;

/**
 * How long a request waits for the daemon's answer (its response head) by default. Streams have no idle timeout
 * once they answered: a quiet log is not a dead daemon (docs/docker.md, "Connecting").
 */
export const ANSWER_TIMEOUT_MS = 5_000;

/** The daemon took longer than the answer timeout: it is there (it accepted the connection) but not answering. */
export class DockerTimeout extends UnavailableError {
  constructor(endpoint: string, ms: number, what: string) {
    super(`the Docker daemon did not answer ${what} within ${ms < 1000 ? `${ms} ms` : `${+(ms / 1000).toFixed(1)} s`}`, endpoint, 'is dockerd overloaded or paused? check `docker info` and journalctl -u docker');
  }
}

function readTls(dir: string, what: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  try {
    return { ca: readFileSync(join(dir, 'ca.pem')), cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } catch (err) {
    throw new InputError(`cannot read the TLS files of ${what}`, dir, 'it needs ca.pem, cert.pem and key.pem', { cause: err });
  }
}

/**
 * A host URL as DOCKER_HOST or `--host` give it → dockerode options.
 * `unix:///var/run/docker.sock`, `npipe:////./pipe/docker_engine`, `tcp://h:2376`, `h:2375`, `ssh://user@h:22`.
 * TLS for tcp as the docker CLI does it: DOCKER_TLS_VERIFY=1 (or DOCKER_TLS=1, or port 2376) with DOCKER_CERT_PATH (default ~/.docker).
 */
export function parseHost(host: string, env: Env): Endpoint {
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length) || '/var/run/docker.sock';
    return { options: { socketPath }, endpoint: `unix://${socketPath}` };
  }
  if (host.startsWith('npipe://')) {
    const socketPath = host.slice('npipe://'.length) || '//./pipe/docker_engine';
    return { options: { socketPath }, endpoint: host };
  }
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch {
    throw new UsageError('bad Docker host', host, 'examples: unix:///var/run/docker.sock, tcp://10.0.0.5:2376, ssh://user@host');
  }
  if (url.protocol === 'ssh:') {
    if (!env.SSH_AUTH_SOCK) {
      throw new UsageError('ssh Docker hosts need an ssh agent', host, 'start ssh-agent and ssh-add your key (SSH_AUTH_SOCK is not set)');
    }
    return {
      options: {
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || 22,
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: env.SSH_AUTH_SOCK },
      } as Docker.DockerOptions,
      endpoint: host,
    };
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('unsupported Docker host scheme', host, 'use unix://, tcp://, npipe:// or ssh://');
  }
  const port = url.port || (url.protocol === 'https:' ? '2376' : '2375');
  const tls =
    url.protocol === 'https:' || env.DOCKER_TLS_VERIFY === '1' || env.DOCKER_TLS === '1' || port === '2376';
  const options: Docker.DockerOptions = { host: url.hostname, port, protocol: tls ? 'https' : 'http' };
  if (tls) {
    const certDir = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
    if (existsSync(join(certDir, 'ca.pem')) || env.DOCKER_CERT_PATH) Object.assign(options, readTls(certDir, 'DOCKER_CERT_PATH'));
  }
  return { options, endpoint: `${tls ? 'https' : 'tcp'}://${url.hostname}:${port}` };
}

/** The current Docker context's name (DOCKER_CONTEXT, else `currentContext` of config.json); null for `default`. */
export function currentContextName(env: Env): string | null {
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = (JSON.parse(readFileSync(join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
    } catch {
      name = undefined;
    }
  }
  return !name || name === 'default' ? null : name;
}

/** The current context's endpoint (DOCKER_CONTEXT, else `currentContext` of config.json), or null for `default`. */
export function contextEndpoint(env: Env): Endpoint | null {
  const cfg = env.DOCKER_CONFIG || join(homedir(), '.docker');
  const name = currentContextName(env);
  if (!name) return null;
  const id = createHash('sha256').update(name).digest('hex');
  let host: string | undefined;
  let skipVerify = false;
  try {
    const meta = JSON.parse(readFileSync(join(cfg, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as {
      Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
    };
    host = meta.Endpoints?.docker?.Host;
    skipVerify = meta.Endpoints?.docker?.SkipTLSVerify === true;
  } catch (err) {
    throw new InputError('cannot read the Docker context', name, `expected ${join(cfg, 'contexts', 'meta', id, 'meta.json')}; see docker context ls`, {
      cause: err,
    });
  }
  if (!host) throw new InputError('the Docker context has no docker endpoint', name, 'see docker context inspect ' + name);
  const tlsDir = join(cfg, 'contexts', 'tls', id, 'docker');
  const hasTls = existsSync(join(tlsDir, 'ca.pem')) || existsSync(join(tlsDir, 'cert.pem'));
  const ep = parseHost(host, { SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK });
  if (hasTls && ep.options.host) {
    const files: Record<string, Buffer> = {};
    for (const f of ['ca', 'cert', 'key']) if (existsSync(join(tlsDir, `${f}.pem`))) files[f] = readFileSync(join(tlsDir, `${f}.pem`));
    Object.assign(ep.options, files, { protocol: 'https' });
    if (skipVerify) (ep.options as { checkServerIdentity?: () => undefined }).checkServerIdentity = () => undefined;
  }
  return { options: ep.options, endpoint: `context ${name} (${host})` };
}

function defaultEndpoint(): Endpoint {
  if (platform() === 'win32') return { options: { socketPath: '//./pipe/docker_engine' }, endpoint: 'npipe:////./pipe/docker_engine' };
  const desktop = join(homedir(), '.docker', 'run', 'docker.sock');
  const socketPath = existsSync(desktop) ? desktop : '/var/run/docker.sock';
  return { options: { socketPath }, endpoint: `unix://${socketPath}` };
}

/**
 * Which setting chose the daemon, for people: `--host`, `DOCKER_HOST`, `Docker context NAME` or `the default socket`;
 * and the context that `--host` or DOCKER_HOST override (as they do for the docker CLI), if one is set.
 */
export function endpointOrigin(host: string | undefined, env: Env = process.env): { from: string; overriddenContext: string | null } {
  const context = currentContextName(env);
  if (host) return { from: '--host', overriddenContext: context };
  if (env.DOCKER_HOST) return { from: 'DOCKER_HOST', overriddenContext: context };
  return { from: context ? `Docker context ${context}` : 'the default socket', overriddenContext: null };
}

/** Where to connect: `--host`, else DOCKER_HOST, else the current context, else the default socket. */
export function resolveEndpoint(host: string | undefined, env: Env = process.env): Endpoint {
  if (host) return parseHost(host, env);
  if (env.DOCKER_HOST) return parseHost(env.DOCKER_HOST, env);
  return contextEndpoint(env) ?? defaultEndpoint();
}

interface DockerishError {
  code?: string;
  statusCode?: number;
  message?: string;
  json?: { message?: string } | null;
  name?: string;
}

/** The daemon's own message of an HTTP error (`No such container: x`), without dockerode's decoration. */
export function daemonMessage(err: unknown): string {
  const e = err as DockerishError;
  if (e.json && typeof e.json.message === 'string') return e.json.message.trim();
  const m = /^\(HTTP code \d+\) [^-]*- (.*)$/s.exec(e.message ?? '');
  return (m ? m[1]! : (e.message ?? String(err))).trim();
}

/**
 * Transport failures → GoroscopeError: no daemon (unreachable socket or host) → UnavailableError (69),
 * socket permission → PermissionError (77). HTTP errors that need context (404, 501) are mapped by the caller;
 * here they become a generic UnavailableError with the daemon's message.
 */
export function mapDockerError(err: unknown, client: { endpoint: string }): GoroscopeError {
  if (err instanceof GoroscopeError) return err;
  const e = err as DockerishError;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return new PermissionError(
        'permission denied on the Docker socket',
        client.endpoint,
        'add your user to the docker group (sudo usermod -aG docker $USER, then log in again) or run with sudo',
        { cause: err },
      );
    case 'ENOENT':
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case 'EPIPE':
      return new UnavailableError('cannot reach the Docker daemon', client.endpoint, 'is Docker running? check --host, DOCKER_HOST and `docker context ls`', {
        cause: err,
      });
  }
  if (typeof e.statusCode === 'number') {
    return new UnavailableError('the Docker daemon refused the request', `HTTP ${e.statusCode}: ${daemonMessage(err)}`, undefined, { cause: err });
  }
  if (/socket hang up|connect|ssh|handshake|authentication/i.test(e.message ?? '')) {
    return new UnavailableError('cannot reach the Docker daemon', client.endpoint, e.message, { cause: err });
  }
  return new UnavailableError('Docker request failed', e.message ?? String(err), undefined, { cause: err });
}
