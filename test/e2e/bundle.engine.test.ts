// `goroscope bundle` against the real engine: byte-identical logs, checksums, permissions, redaction,
// failures recorded, unwritable output, the bundle as a scan source, and Ctrl-C.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BUSYBOX, docker, dockerRaw, noBusybox, removeContainers, uniqueName, waitExited } from '../helpers/engine.js';
import { BIN, goroscope } from '../helpers/cli.js';

const KEY = 'sk-AbCdEf0123456789XyZ0123456789ab';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.payload.sig';
const DSN_PW = 's3cretPw';
const ENV_SECRET = 'envSecretValue42';

// One run of the test container: both streams, a 20,000-byte line (Docker cuts it at 16 KB), CRLF,
// bytes that are not UTF-8, planted secrets, goroutine monitor lines, and no newline at the end.
// With --restart on-failure:2 it runs three times into the same log. The `local` driver keeps non-UTF-8 bytes
// (json-file stores U+FFFD instead).
const SCRIPT = [
  'echo "[SYS] 2026/01/01 - 00:00:00 | One API v0.6.7 started"',
  'echo "⚠️ Goroutine count elevated: 2500"',
  'echo "[ERR] 2026/01/01 - 00:00:01 | ⚠️ High goroutine count detected: 6100" >&2',
  `echo "calling upstream with Authorization: Bearer ${TOKEN}"`,
  `echo "key ${KEY} used twice: ${KEY}"`,
  `echo "db SQL_DSN=oneapi:${DSN_PW}@tcp(db:3306)/oneapi" >&2`,
  `echo "leaked env ${ENV_SECRET}" >&2`,
  'printf "crlf line\\r\\n"',
  'printf "bad \\377\\376 bytes\\n"',
  'head -c 20000 /dev/zero | tr "\\0" x; echo',
  'printf "no newline at the end"',
  'exit 1',
].join('; ');

interface Manifest {
  complete: boolean;
  redacted: boolean;
  container: { id: string; name: string };
  items: Record<string, { status: string; error?: string; reason?: string; [k: string]: unknown }>;
  files: { path: string; bytes: number; sha256: string }[];
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(p, ...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** `bundle: /path (1.2 kB)` → `/path` */
function bundlePath(stdout: string): string {
  const m = /^(?:incomplete )?bundle: (.*) \([^)]*\)$/m.exec(stdout);
  if (!m) throw new Error(`no bundle line in: ${stdout}`);
  return m[1]!;
}

describe.skipIf(noBusybox)('goroscope bundle (real engine)', () => {
  const name = uniqueName('bundle');
  let out: string;
  let stdoutRaw: Buffer;
  let stderrRaw: Buffer;
  let server: Server;
  let port = 0;
  const hits: string[] = [];

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-bundle-test-'));
    await docker('run', '-d', '--name', name, '--network', 'none', '--log-driver', 'local', '--restart', 'on-failure:2', '-e', `API_SECRET=${ENV_SECRET}`, BUSYBOX, 'sh', '-c', SCRIPT);
    // three runs, then it stays exited
    const end = Date.now() + 30_000;
    for (;;) {
      await waitExited(name);
      const rc = (await docker('inspect', '--format', '{{.RestartCount}} {{.State.Status}}', name)).trim();
      if (rc === '2 exited') break;
      if (Date.now() > end) throw new Error(`container did not finish its restarts: ${rc}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    stdoutRaw = (await dockerRaw('logs', '-t', name)).stdout;
    stderrRaw = (await dockerRaw('logs', '-t', name)).stderr;
    // a health endpoint with a secret header, a pprof endpoint, and a failing one
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/api/monitor/health') {
        res.setHeader('content-type', 'application/json');
        res.setHeader('set-cookie', 'session=abcdef123456');
        res.end('{"status":"ok","goroutines":6100,"memory":{"alloc_mb":12,"total_alloc_mb":345,"sys_mb":67,"num_gc":8}}');
      } else if (req.url === '/debug/pprof/goroutine?debug=2') {
        res.end(`goroutine 1 [running]:\nmain.main()\n\t/app/main.go:10 +0x1d\n\ngoroutine ${hits.length + 1} [chan receive]:\nmain.leak()\n\t/app/main.go:20 +0x2a\n`);
      } else {
        res.statusCode = 500;
        res.end('boom');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await removeContainers(name);
    server?.close();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('the test container really restarted and logged both streams', () => {
    expect(stdoutRaw.toString('latin1').split('One API v0.6.7 started').length - 1).toBe(3);
    expect(stderrRaw.toString('latin1').split('High goroutine count detected').length - 1).toBe(3);
  });

  it('--no-redact --format dir: logs byte-identical to docker logs -t per stream, checksums, permissions, statuses', async () => {
    const dir = join(out, 'raw');
    await mkdir(dir);
    const r = await goroscope(['bundle', name, '--no-redact', '--format', 'dir', '--out', dir, '--quiet', '--debug']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const root = bundlePath(r.stdout);
    expect(relative(dir, root)).toMatch(new RegExp(`^${name}-\\d{8}T\\d{6}\\.\\d{3}Z$`));

    const got = { stdout: await readFile(join(root, 'logs/stdout.log')), stderr: await readFile(join(root, 'logs/stderr.log')) };
    expect(got.stdout.equals(stdoutRaw)).toBe(true);
    expect(got.stderr.equals(stderrRaw)).toBe(true);
    // the 20,000-byte line came as two frames with the same timestamp, the last line without newline
    expect(got.stdout.toString('latin1')).toContain('crlf line\r\n');
    expect(got.stdout.includes(Buffer.from([0xff, 0xfe]))).toBe(true);
    expect(got.stdout.subarray(-21).toString()).toBe('no newline at the end');

    const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.complete).toBe(true);
    expect(manifest.redacted).toBe(false);
    expect(manifest.container.name).toBe(name);
    const statuses = Object.fromEntries(Object.entries(manifest.items).map(([k, v]) => [k, v.status]));
    expect(statuses).toEqual({ inspect: 'ok', logs: 'ok', stats: 'ok', health: 'skipped', pprof: 'skipped', events: 'ok', scan: 'ok' });
    const logs = manifest.items.logs as unknown as { stdout: { lines: number; frames: number }; stderr: { lines: number } };
    const newlines = (b: Buffer) => b.toString('latin1').split('\n').length - 1;
    expect(logs.stdout.lines).toBe(newlines(stdoutRaw));
    // the `local` driver drops the newline of a line it cut into 16 KB parts: Docker's output has 6 newlines per run
    expect(logs.stdout.lines).toBe(3 * 6);
    expect(logs.stdout.frames).toBe(3 * 9); // 7 lines, one of them in two 16 KB parts, + the unterminated last message
    expect(logs.stderr.lines).toBe(newlines(stderrRaw));
    expect(logs.stderr.lines).toBe(3 * 3);
    // Docker events over the window: create, then start/die for each of the three runs
    const events = manifest.items.events as unknown as { count: number };
    expect(events.count).toBe(7);

    // every file except the manifest is listed, with the right size and checksum
    const onDisk = (await walk(root)).filter((p) => !p.endsWith('manifest.json'));
    const files = onDisk.filter((p) => !['logs'].includes(relative(root, p)));
    expect(manifest.files.map((f) => f.path).sort()).toEqual(files.map((p) => relative(root, p)).sort());
    for (const f of manifest.files) {
      const b = await readFile(join(root, f.path));
      expect({ path: f.path, bytes: b.length, sha256: sha256(b) }).toEqual(f);
    }
    // private: 0700 directories, 0600 files
    expect(((await stat(root)).mode & 0o777).toString(8)).toBe('700');
    for (const p of await walk(root)) {
      const st = await stat(p);
      expect({ p: relative(root, p), mode: (st.mode & 0o777).toString(8) }).toEqual({ p: relative(root, p), mode: st.isDirectory() ? '700' : '600' });
    }
    // no temporary names left behind
    expect((await readdir(dir)).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('default: .tar.gz + .sha256, secrets redacted consistently and counted exactly', async () => {
    const dir = join(out, 'tgz');
    await mkdir(dir);
    const r = await goroscope(['bundle', name, '--out', dir]);
    expect(r.code).toBe(0);
    const archive = bundlePath(r.stdout);
    expect(archive).toMatch(new RegExp(`/${name}-\\d{8}T\\d{6}\\.\\d{3}Z\\.tar\\.gz$`));
    expect(((await stat(archive)).mode & 0o777).toString(8)).toBe('600');
    const sum = await readFile(`${archive}.sha256`, 'utf8');
    const bytes = await readFile(archive);
    expect(sum).toBe(`${sha256(bytes)}  ${archive.split('/').pop()}\n`);
    expect((await readdir(dir)).sort()).toEqual([archive.split('/').pop(), `${archive.split('/').pop()}.sha256`].sort());

    const x = join(out, 'x');
    await mkdir(x);
    execFileSync('tar', ['xzf', archive, '-C', x]);
    const [top] = await readdir(x);
    const root = join(x, top!);
    const manifest = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.redacted).toBe(true);
    // the archive has an entry for its top directory, first, so it unpacks private too
    const listing = execFileSync('tar', ['tzvf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(listing[0]).toMatch(new RegExp(`^drwx------ .* ${top}/$`));
    expect(((await stat(root)).mode & 0o777).toString(8)).toBe('700');
    expect(manifest.complete).toBe(true);

    // no secret survives anywhere in the bundle
    for (const p of await walk(root)) {
      if ((await stat(p)).isDirectory()) continue;
      const text = (await readFile(p)).toString('latin1');
      for (const s of [KEY, TOKEN, DSN_PW, ENV_SECRET]) expect({ file: relative(root, p), has: text.includes(s) }).toEqual({ file: relative(root, p), has: false });
    }
    // the log is docker's bytes with each secret replaced by its placeholder
    const replace = (b: Buffer, pairs: [string, string][]) => {
      let t = b.toString('latin1');
      for (const [a, z] of pairs) t = t.split(a).join(z);
      return Buffer.from(t, 'latin1');
    };
    const inspect = JSON.parse(await readFile(join(root, 'inspect.json'), 'utf8')) as { Config: { Env: string[] } };
    expect(inspect.Config.Env).toContain('API_SECRET=[REDACTED:env:1]');
    const wantOut = replace(stdoutRaw, [[KEY, '[REDACTED:api_key:1]'], [TOKEN, '[REDACTED:bearer:1]']]);
    // SQL_DSN is a secret name: its whole value goes (the DSN rule alone would keep user and host)
    const wantErr = replace(stderrRaw, [[`oneapi:${DSN_PW}@tcp(db:3306)/oneapi`, '[REDACTED:secret:1]'], [ENV_SECRET, '[REDACTED:env:1]']]);
    expect((await readFile(join(root, 'logs/stdout.log'))).equals(wantOut)).toBe(true);
    expect((await readFile(join(root, 'logs/stderr.log'))).equals(wantErr)).toBe(true);

    const red = JSON.parse(await readFile(join(root, 'redactions.json'), 'utf8')) as { redactions: { kind: string; file: string; count: number }[] };
    const logRows = red.redactions.filter((r) => r.file.startsWith('logs/'));
    expect(logRows).toEqual([
      { kind: 'env', file: 'logs/stderr.log', count: 3 },
      { kind: 'secret', file: 'logs/stderr.log', count: 3 },
      { kind: 'api_key', file: 'logs/stdout.log', count: 6 },
      { kind: 'bearer', file: 'logs/stdout.log', count: 3 },
    ]);
    expect(JSON.stringify(red)).not.toContain(KEY);
  });

  it('scan on the archive gives the same summary as scan on the container', async () => {
    const dir = join(out, 'tgz');
    const archive = join(dir, (await readdir(dir)).find((n) => n.endsWith('.tar.gz'))!);
    const strip = (s: string) => {
      const o = JSON.parse(s) as Record<string, unknown>;
      delete o.sources;
      delete o.peakRssMb;
      return o;
    };
    const a = await goroscope(['scan', name, '--json']);
    const b = await goroscope(['scan', archive, '--json']);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const sa = strip(a.stdout);
    expect(strip(b.stdout)).toEqual(sa);
    expect((sa.goroutines as { max: number }).max).toBe(6100);
    // 7 stdout lines + 3 stderr lines + the unterminated last line, per run
    expect(sa.lines).toBe(3 * 11);
    expect(JSON.parse(b.stdout).sources).toEqual([{ spec: archive, kind: 'bundle', name, id: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('health and pprof: a working endpoint is snapshotted (headers redacted), a dead one is recorded and the bundle still made', async () => {
    const cases = [
      {
        name: 'working',
        args: ['--health-url', `http://127.0.0.1:${port}/api/monitor/health`, '--pprof-url', `http://127.0.0.1:${port}`, '--pprof-interval', '200ms'],
        want: { health: 'ok', pprof: 'ok', files: ['pprof/goroutine-1.txt', 'pprof/goroutine-2.txt'], status: 200 },
      },
      {
        name: 'dead',
        args: ['--health-url', 'http://127.0.0.1:1/api/monitor/health', '--pprof-url', `http://127.0.0.1:${port}/debug/pprof/other`, '--timeout', '2s'],
        want: { health: 'failed', pprof: 'failed', files: [], status: null },
      },
    ];
    for (const c of cases) {
      const dir = join(out, `h-${c.name}`);
      await mkdir(dir);
      const r = await goroscope(['bundle', name, '--format', 'dir', '--out', dir, ...c.args]);
      expect(r.code).toBe(0);
      const root = bundlePath(r.stdout);
      const m = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Manifest;
      expect({ name: c.name, health: m.items.health!.status, pprof: m.items.pprof!.status, complete: m.complete }).toEqual({
        name: c.name,
        health: c.want.health,
        pprof: c.want.pprof,
        complete: true,
      });
      expect(m.files.map((f) => f.path).filter((p) => p.startsWith('pprof/goroutine'))).toEqual(c.want.files);
      const h = JSON.parse(await readFile(join(root, 'health.json'), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(h).slice(0, 6)).toEqual(['url', 'status', 'headers', 'body', 'latencyMs', 'error']);
      expect(h.status).toBe(c.want.status);
      if (c.name === 'working') {
        expect(h.error).toBeNull();
        expect((h.headers as Record<string, string>)['set-cookie']).toBe('[REDACTED:header:1]');
        expect(h.goroutines).toBe(6100);
      } else {
        expect(h.error).toMatch(/refused/);
        expect(m.items.pprof!.error).toMatch(/HTTP 500/);
        expect(r.stderr).toMatch(/warning: health not collected/);
      }
    }
  });

  it('disk full (a 64 KB tmpfs, root only) → exit 73, nothing left behind, for dir and tgz', async (ctx) => {
    const mnt = join(out, 'full');
    await mkdir(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      ctx.skip();
      return;
    }
    try {
      for (const format of ['dir', 'tgz']) {
        const r = await goroscope(['bundle', name, '--out', mnt, '--format', format, '--no-redact']);
        // which file meets the full disk first depends on timing: any of them is the same failure
        expect({ format, code: r.code }).toEqual({ format, code: 73 });
        expect(r.stderr.split('\n')[0]).toMatch(/^error: cannot (?:write bundle file|finish the bundle): ENOSPC \(/);
        expect(r.stderr).toContain('the disk is full');
        expect(await readdir(mnt)).toEqual([]);
      }
    } finally {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    }
  });

  it('--since: only the window, byte-identical to docker logs -t --since', async () => {
    // from the second run on: the timestamp of the second `One API … started` line, cut to milliseconds
    const text = stdoutRaw.toString('latin1');
    const runs = [...text.matchAll(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) \[SYS\][^\n]*One API v0\.6\.7 started/g)];
    expect(runs).toHaveLength(3);
    const secondTs = runs[1]?.[1];
    expect(secondTs).toBeDefined();
    const since = new Date(Date.parse(secondTs!) - 1).toISOString();
    const dir = join(out, 'since');
    await mkdir(dir);
    const r = await goroscope(['bundle', name, '--no-redact', '--format', 'dir', '--out', dir, '--since', since]);
    expect(r.code).toBe(0);
    const root = bundlePath(r.stdout);
    const want = await dockerRaw('logs', '-t', '--since', since, name);
    const got = await readFile(join(root, 'logs/stdout.log'));
    expect(got.equals(want.stdout)).toBe(true);
    expect((await readFile(join(root, 'logs/stderr.log'))).equals(want.stderr)).toBe(true);
    expect(got.length).toBeLessThan(stdoutRaw.length);
    expect(got.toString('latin1').split('One API v0.6.7 started').length - 1).toBe(2);
    const m = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as { window: { since: string } };
    expect(m.window.since).toBe(since);
  });

  it('a TTY container: the raw pty bytes (CRLF, one stream) as docker logs -t prints them', async () => {
    const tty = uniqueName('bundle-tty');
    try {
      await docker('run', '-d', '-t', '--name', tty, '--network', 'none', BUSYBOX, 'sh', '-c', 'echo one; echo two >&2; printf "no newline"');
      await waitExited(tty);
      const raw = await dockerRaw('logs', '-t', tty);
      const dir = join(out, 'tty');
      await mkdir(dir);
      const r = await goroscope(['bundle', tty, '--no-redact', '--format', 'dir', '--out', dir]);
      expect(r.code).toBe(0);
      const root = bundlePath(r.stdout);
      expect((await readFile(join(root, 'logs/stdout.log'))).equals(raw.stdout)).toBe(true);
      expect(raw.stdout.toString()).toContain('two\r\n');
      expect((await readFile(join(root, 'logs/stderr.log'))).length).toBe(0);
      const m = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8')) as Manifest;
      expect(m.items.logs).toMatchObject({ status: 'ok', tty: true });
    } finally {
      await removeContainers(tty);
    }
  });

  it('unwritable --out (a file, or under one) → exit 73 and nothing written; no such container → exit 67', async () => {
    const file = join(out, 'a-file');
    await writeFile(file, 'x');
    const cases = [
      { name: 'under a file', args: ['bundle', name, '--out', join(out, 'a-file', 'deeper')], code: 73, err: /^error: cannot create the bundle/ },
      { name: 'a file', args: ['bundle', name, '--out', file], code: 73, err: /^error: cannot create the bundle/ },
      { name: 'no container', args: ['bundle', `${name}-nope`, '--out', out], code: 67, err: /^error: no such container/ },
      { name: 'bad format', args: ['bundle', name, '--format', 'zip'], code: 64, err: /^error: --format takes tgz or dir/ },
    ];
    for (const c of cases) {
      const r = await goroscope(c.args);
      expect({ name: c.name, code: r.code }).toEqual({ name: c.name, code: c.code });
      expect(r.stderr).toMatch(c.err);
      expect(r.stderr.split('\n').length).toBeLessThanOrEqual(3);
    }
  });
});

describe.skipIf(noBusybox)('goroscope bundle interrupted (real engine)', () => {
  const name = uniqueName('bundle-big');
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'gs-bundle-int-'));
    await docker('run', '-d', '--name', name, '--network', 'none', BUSYBOX, 'seq', '1', '600000');
    await waitExited(name, 60_000);
  });

  afterAll(async () => {
    await removeContainers(name);
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('SIGINT mid-stream: exit 130, never looks complete, says so on stderr', async () => {
    const child = spawn(process.execPath, [BIN, 'bundle', name, '--format', 'dir', '--out', out, '--no-redact'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // wait until the log file is being written, then interrupt
    const end = Date.now() + 20_000;
    let sent = false;
    while (Date.now() < end && !sent) {
      const names = await readdir(out);
      const staging = names.find((n) => n.endsWith('.partial'));
      if (staging) {
        const size = await stat(join(out, staging, 'logs', 'stdout.log')).then((s) => s.size).catch(() => 0);
        if (size > 0) {
          child.kill('SIGINT');
          sent = true;
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sent).toBe(true);
    const code = await exited;
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^interrupted: kept the incomplete bundle .*\.incomplete \(/m);
    const names = await readdir(out);
    expect(names.filter((n) => !n.endsWith('.incomplete'))).toEqual([]);
    expect(names).toHaveLength(1);
    const m = JSON.parse(await readFile(join(out, names[0]!, 'manifest.json'), 'utf8')) as Manifest & { interrupted: boolean };
    expect(m.complete).toBe(false);
    expect(m.interrupted).toBe(true);
    expect(m.items.logs!.status).toBe('failed');
    expect(m.items.scan!).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted/) });
    // what was written is a prefix of the real log, and the manifest's checksum matches it
    const got = await readFile(join(out, names[0]!, 'logs/stdout.log'));
    const entry = m.files.find((f) => f.path === 'logs/stdout.log')!;
    expect(entry.sha256).toBe(sha256(got));
    expect(got.length).toBeLessThan(600000 * 31);
  });
});
