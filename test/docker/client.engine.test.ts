// Connection on the real engine: a Docker context read from its config directory, and the errors a user sees
// through the spawned binary (dead context, missing socket, no such container, socket permission).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { connect } from '../../src/docker/engine.js';
import { resolveContainer } from '../../src/docker/containers.js';
import { EXIT, GoroscopeError } from '../../src/errors.js';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName } from '../helpers/engine.js';
import { BIN, goroscope } from '../helpers/cli.js';

let cfg: string;
beforeAll(() => {
  cfg = mkdtempSync(join(tmpdir(), 'gs-dockercfg-'));
});
afterAll(() => rmSync(cfg, { recursive: true, force: true }));

function addContext(name: string, host: string): void {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(cfg, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(join(cfg, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
}

describe.skipIf(noBusybox)('connection on the real engine', () => {
  const NAME = uniqueName('docker-conn');
  beforeAll(async () => {
    await docker('create', '--name', NAME, '--network', 'none', BUSYBOX, 'true');
  });
  afterAll(() => removeContainers(NAME));

  it('through a Docker context read from the config directory', async () => {
    addContext('real', 'unix:///var/run/docker.sock');
    const c = await connect(undefined, { DOCKER_CONTEXT: 'real', DOCKER_CONFIG: cfg });
    expect(c.endpoint).toBe('context real (unix:///var/run/docker.sock)');
    expect((await resolveContainer(c, NAME)).name).toBe(NAME);
  });

  it('a context pointing at a dead socket → unavailable, naming the context', async () => {
    addContext('dead', 'unix:///tmp/gs-dead.sock');
    const c = await connect(undefined, { DOCKER_CONTEXT: 'dead', DOCKER_CONFIG: cfg });
    const err = (await resolveContainer(c, NAME).catch((e) => e)) as GoroscopeError;
    expect([err.exitCode, err.value]).toEqual([EXIT.UNAVAILABLE, 'context dead (unix:///tmp/gs-dead.sock)']);
  });

  it('the binary: DOCKER_HOST at a missing socket → exit 69 and one clear line', async () => {
    const r = await goroscope(['scan', NAME], { env: { DOCKER_HOST: 'unix:///tmp/gs-missing.sock' } });
    expect(r.code).toBe(EXIT.UNAVAILABLE);
    expect(r.stderr.split('\n')[0]).toBe('error: cannot reach the Docker daemon (unix:///tmp/gs-missing.sock)');
  });

  it('the binary: no such container → exit 67 with a suggestion', async () => {
    const r = await goroscope(['scan', NAME.slice(0, -1)]);
    expect(r.code).toBe(EXIT.NOT_FOUND);
    expect(r.stderr).toContain(`error: no such container (${NAME.slice(0, -1)})`);
    expect(r.stderr).toContain(`did you mean ${NAME}`);
  });

  it.skipIf(process.getuid?.() !== 0)('the binary as an unprivileged user: socket permission → exit 77 with the usermod hint', () => {
    let code = 0;
    let stderr = '';
    try {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'scan', NAME], {
        stdio: 'pipe',
        env: { ...process.env, DOCKER_HOST: '', HOME: '/nonexistent' },
      });
    } catch (e) {
      code = (e as { status: number }).status;
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(code).toBe(EXIT.PERMISSION);
    expect(stderr).toContain('error: permission denied on the Docker socket (unix:///var/run/docker.sock)');
    expect(stderr).toContain('usermod -aG docker');
  });

  it.skipIf(process.getuid?.() !== 0)('the binary as an unprivileged user: unreadable file → exit 77', () => {
    const p = join(cfg, 'private.log');
    writeFileSync(p, 'x\n');
    chmodSync(p, 0o600);
    chmodSync(cfg, 0o755);
    let code = 0;
    try {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'scan', p], { stdio: 'pipe' });
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(EXIT.PERMISSION);
  });

  it('the binary: a name with no close match → exit 67, one line, no suggestion', async () => {
    const r = await goroscope(['scan', 'gs-scan-no-such-container-4711']);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')[0]).toBe('error: no such container (gs-scan-no-such-container-4711)');
    expect(r.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    expect(r.code).toBe(EXIT.NOT_FOUND);
  });
});
