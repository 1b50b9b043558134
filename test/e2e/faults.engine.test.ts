// Bundles and checks under faults, through the real binary on the real engine (docs/faults.md): --out that does
// not exist, two bundles of one container at once, a fleet archive's checksum, a health answer too large to read,
// a second Ctrl-C while a bundle is written, and a compose spec that names no container. The paused-daemon cases
// are in faults.pause.engine.test.ts (they run alone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName, waitExited } from '../helpers/engine.js';
import { goroscope, startGoroscope } from '../helpers/cli.js';
import { until } from '../helpers/wait.js';
import { dockerProxy } from '../helpers/docker-proxy.js';

interface Manifest {
  complete: boolean;
  items: Record<string, { status: string; error?: string; files?: string[] }>;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
/** `bundle: /path (1.2 kB)` → `/path` */
const pathOf = (stdout: string) => /^(?:incomplete )?bundle: (\S+) \(/m.exec(stdout)?.[1] ?? `no bundle line in: ${stdout}`;

describe.skipIf(noBusybox)('bundles never clobber, and say what they are (real engine)', () => {
  const name = uniqueName('faults');
  const project = uniqueName('faultsp');
  const member = `${project}-api-1`;
  let out = '';
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-faults-eng-'));
    const label = ['--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.service=api'];
    await Promise.all([
      docker('run', '-d', '--name', name, '--network', 'none', BUSYBOX, 'sh', '-c', 'echo "[SYS] 2026/01/01 - 00:00:00 | ⚠️ Goroutine count elevated: 2500"'),
      docker('run', '-d', '--name', member, '--network', 'none', ...label, BUSYBOX, 'sh', '-c', 'echo "[SYS] 2026/01/01 - 00:00:00 | ⚠️ Goroutine count elevated: 2600"'),
    ]);
    await Promise.all([waitExited(name), waitExited(member)]);
    // A health endpoint whose answer is over the 1 MB goroscope reads.
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(`{"status":"ok","goroutines":7,"pad":"${'x'.repeat(2 << 20)}"}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await removeContainers(name, member);
    server?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('--out that does not exist is made (mkdir -p, 0700) and holds the bundle', async () => {
    const dir = join(out, 'new', 'nested');
    const r = await goroscope(['bundle', name, '--out', dir, '--quiet']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(pathOf(r.stdout).startsWith(`${dir}/${name}-`)).toBe(true);
    expect([statSync(join(out, 'new')).mode & 0o777, statSync(dir).mode & 0o777]).toEqual([0o700, 0o700]);
  });

  it('two bundles of one container at the same moment: both survive, each with its own checksum', async () => {
    const dir = join(out, 'twice');
    const [a, b] = await Promise.all([goroscope(['bundle', name, '--out', dir, '--quiet']), goroscope(['bundle', name, '--out', dir, '--quiet'])]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const paths = [pathOf(a.stdout), pathOf(b.stdout)];
    expect(new Set(paths).size).toBe(2);
    for (const p of paths) expect(readFileSync(`${p}.sha256`, 'utf8')).toBe(`${sha256(readFileSync(p))}  ${p.slice(dir.length + 1)}\n`);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tar.gz')).length).toBe(2);
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('a fleet archive (compose:PROJECT) gets a .sha256 like a single bundle', async () => {
    const dir = join(out, 'fleet');
    const r = await goroscope(['bundle', `compose:${project}`, '--out', dir, '--quiet']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const p = pathOf(r.stdout);
    expect(p).toMatch(/\/goroscope-fleet-compose-.*\.tar\.gz$/);
    expect(readFileSync(`${p}.sha256`, 'utf8')).toBe(`${sha256(readFileSync(p))}  ${p.slice(dir.length + 1)}\n`);
  });

  it('a health answer too large to read: health.json is kept, the manifest says failed (too_large), not ok', async () => {
    const dir = join(out, 'large');
    const r = await goroscope(['bundle', name, '--out', dir, '--format', 'dir', '--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--pprof-url', `http://127.0.0.1:1`]);
    const root = pathOf(r.stdout);
    const m = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Manifest;
    expect([m.items.health!.status, m.items.health!.files]).toEqual(['failed', ['health.json']]);
    expect(m.items.health!.error).toMatch(/^too_large: body larger than 1048576 bytes/);
    expect(JSON.parse(readFileSync(join(root, 'health.json'), 'utf8')).errorKind).toBe('too_large');
    // The logs are all there: the bundle is complete, the failed item is said on stderr.
    expect([r.code, m.complete]).toEqual([0, true]);
    expect(r.stderr).toMatch(/^warning: health not collected: too_large/m);
  });

  it('stats the daemon never answers: the bundle retries it within --timeout and its failure names the 5 s each try waited', async () => {
    const proxy = await dockerProxy({ silent: /^\/containers\/[^/]+\/stats$/ });
    try {
      const dir = join(out, 'nostats');
      const b = await goroscope(['bundle', name, '--out', dir, '--format', 'dir', '--timeout', '8s', '-H', proxy.host], { timeoutMs: 60_000 });
      const m = JSON.parse(readFileSync(join(pathOf(b.stdout), 'manifest.json'), 'utf8')) as Manifest;
      expect(Object.fromEntries(Object.entries(m.items).map(([k, v]) => [k, v.status]))).toEqual({ inspect: 'ok', logs: 'ok', stats: 'failed', health: 'skipped', pprof: 'skipped', events: 'ok', scan: 'ok' });
      // Each try waits 5 s for an answer: two tries fit in 8 s (one, when a loaded machine started Node late).
      expect(m.items.stats!.error).toMatch(new RegExp(`^the Docker daemon did not answer stats within 5 s \\(${proxy.host}(?:; 2 tries in \\d+(\\.\\d)? s)?\\): is dockerd overloaded or paused\\?`));
      expect([b.code, m.complete]).toEqual([0, true]);
      expect(proxy.held()).toBeGreaterThanOrEqual(1);
    } finally {
      await proxy.close();
    }
  }, 90_000);

  it('check compose:PROJECT/SERVICE --json that names no container: its JSON, unknown (3), with the reason', async () => {
    const r = await goroscope(['check', `compose:${project}/nope`, '--json']);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout) as { level: string; containers: { name: string; level: string; reasonCodes: string[]; reasons: string[] }[] };
    expect({ level: j.level, containers: j.containers.map((c) => [c.name, c.level, c.reasonCodes]) }).toEqual({
      level: 'unknown',
      containers: [[`compose:${project}/nope`, 'unknown', ['no_container']]],
    });
    expect(j.containers[0]!.reasons[0]).toContain(`no container of this compose service (${project}/nope)`);
  });
});

describe.skipIf(noBusybox)('a second Ctrl-C while a bundle is written (real engine)', () => {
  const name = uniqueName('faults-big');
  let out = '';

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-faults-int-'));
    await docker('run', '-d', '--name', name, '--network', 'none', BUSYBOX, 'seq', '1', '600000');
    await waitExited(name, 60_000);
  });
  afterAll(async () => {
    await removeContainers(name);
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('nothing half-written is left, and one line says what happened to it', async () => {
    const run = startGoroscope(['bundle', name, '--out', out, '--no-redact']);
    const { child, exited } = run;
    // Once the log is being written: Ctrl-C, and again 50 ms later (before the incomplete bundle is finished).
    await until('the log to be written', () => {
      const staging = readdirSync(out).find((n) => n.endsWith('.partial'));
      return staging !== undefined && existsSync(join(out, staging, 'logs', 'stdout.log')) && statSync(join(out, staging, 'logs', 'stdout.log')).size > 0;
    }, 30_000);
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const left = readdirSync(out);
    expect(left.filter((n) => n.includes('partial'))).toEqual([]);
    // On a loaded machine the first Ctrl-C's second of grace may run out first, and says so before the rest.
    const lines = run.stderr.trim().split('\n').filter((l) => l !== 'goroscope: still busy 1 s after SIGINT; stopped without waiting');
    if (left.length === 0) {
      // The second Ctrl-C came while it was still being written: removed, and said so.
      expect(lines).toEqual([expect.stringMatching(/^goroscope: stopped before the bundle was finished; removed its partial files \(.*\.partial\)$/)]);
    } else {
      // The first Ctrl-C had already kept the incomplete bundle (a directory, at once). One line says where: the
      // command's, or, when the second Ctrl-C landed between the rename and that line, the writer's exit handler.
      expect(left).toEqual([expect.stringMatching(new RegExp(`^${name}-.*\\.incomplete$`))]);
      expect(lines).toEqual([expect.stringMatching(/^(goroscope: )?interrupted: kept the incomplete bundle .*\.incomplete \(/)]);
    }
  });
});

describe.skipIf(noBusybox)('stats of a running container the daemon never answers (real engine behind a proxy)', () => {
  const name = uniqueName('faults-stats');

  beforeAll(async () => {
    await docker('run', '-d', '--name', name, '--network', 'none', BUSYBOX, 'sleep', '300');
  });
  afterAll(async () => {
    await removeContainers(name);
  });

  it('one line naming the call and the 5 s it waited, exit 69, and no hang (also with --json)', async () => {
    const proxy = await dockerProxy({ silent: /^\/containers\/[^/]+\/stats$/ });
    try {
      for (const json of [[], ['--json']]) {
        const r = await goroscope(['stats', name, '-H', proxy.host, ...json], { timeoutMs: 30_000 });
        expect([r.code, r.stdout]).toEqual([69, '']);
        expect(r.stderr.split('\n')[0]).toBe(`error: the Docker daemon did not answer stats within 5 s (${proxy.host})`);
      }
      expect(proxy.held()).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
