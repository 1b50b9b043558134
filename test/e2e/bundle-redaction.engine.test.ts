// Redaction of a real bundle (issue 13), property-style: random secrets of every shape are planted where an LLM
// gateway carries them (log lines, one cut by Docker's 16 KB split, env vars and labels by name, the command line,
// an exec_create command, the health URL, body and headers, the pprof URL) in a real container; none of them may be
// found in any file of the bundle, and redactions.json must count exactly: log lines as planted, every other file
// as many times as the same secret occurs in a --no-redact bundle of the same container.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { goroscope } from '../helpers/cli.js';
import { BUSYBOX, docker, noBusybox, removeContainers, uniqueName } from '../helpers/engine.js';
import { until } from '../helpers/wait.js';
import { ALL_SHAPES, NON_UTF8, SECRET_ENV_NAMES, distinct, type Planted } from '../helpers/secrets.js';

/** A short value (env vars by name are redacted under 6 characters too) that no other text of a bundle holds. */
const short = fc.string({ unit: fc.constantFrom(...'ghjkmnpqrstuvwxyzGHJKMNPQRSTUVWXYZ'), minLength: 3, maxLength: 4 }).map((v) => `${v.slice(0, 2)}7${v.slice(2)}`);
const long = (n: number) => fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789'), minLength: n, maxLength: n });

interface Plan {
  lines: Planted[];
  /** A line longer than 16 KB whose secret Docker cuts in two. */
  split: Planted;
  env: { name: string; value: string }[];
  labels: Record<string, string>;
  argPassword: string;
  execPassword: string;
  healthKey: string;
  healthBodyPassword: string;
  healthHeaderToken: string;
  pprofPassword: string;
}

const PLAN: fc.Arbitrary<Plan> = fc
  .record({
    lines: fc.tuple(ALL_SHAPES, NON_UTF8).map(([a, b]) => [...a, b]).filter(distinct),
    split: fc.tuple(long(40), fc.integer({ min: 2, max: 30 })).map(([v, back]) => {
      const pre = 'x'.repeat(16384 - ' token='.length - back);
      return { shape: 'split16k', text: `${pre} token=${v} after the cut`, secrets: [{ value: v, kind: 'secret' as const }] };
    }),
    env: fc.tuple(...SECRET_ENV_NAMES.map((name, i) => (i % 3 === 0 ? short : long(12)).map((value) => ({ name, value })))),
    labels: fc.record({ traefik: long(20), caddy: long(24), token: long(16) }).map((l) => ({
      'traefik.http.middlewares.auth.basicauth.users': `admin:$apr1$${l.traefik}`,
      'caddy.basicauth.admin': l.caddy,
      'com.example.api_token': l.token,
    })),
    argPassword: long(14),
    execPassword: long(15),
    healthKey: long(18),
    healthBodyPassword: long(13),
    healthHeaderToken: long(22),
    pprofPassword: long(11),
  })
  .filter((p) => {
    const all = [...p.lines.flatMap((l) => l.secrets.map((s) => s.value)), ...p.env.map((e) => e.value), ...Object.values(p.labels), p.argPassword, p.execPassword, p.healthKey, p.healthBodyPassword, p.healthHeaderToken, p.pprofPassword];
    return new Set(all).size === all.length;
  });

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const count = (text: string, s: string) => text.split(s).length - 1;

describe.skipIf(noBusybox)('bundle redaction, property test on a real container', () => {
  let dir: string;
  let server: Server;
  let port = 0;
  let current: Plan | null = null;
  const made: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gs-bundle-redact-'));
    server = createServer((req, res) => {
      const p = current!;
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-upstream-token', p.healthHeaderToken);
      res.end(JSON.stringify({ status: 'ok', goroutines: 120, memory: { alloc_mb: 1, total_alloc_mb: 2, sys_mb: 3, num_gc: 4 }, debug: { db_password: p.healthBodyPassword } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await removeContainers(...made);
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds no planted secret in any file, and counts exactly', async () => {
    for (const [run, plan] of fc.sample(PLAN, 2).entries()) {
      current = plan;
      const name = uniqueName(`redact${run}`);
      made.push(name);
      const work = join(dir, `run${run}`);
      mkdirSync(work);
      // the log lines come from a mounted file, so they are not on the command line too
      const literal = plan.env.find((e) => e.value.length >= 6)!;
      const logLines = [...plan.lines.map((l) => l.text), plan.split.text, `env value seen in a log line: ${literal.value}`];
      // a line with chars past U+00FF is UTF-8; the non-UTF-8 one is its bytes as written (latin1)
      const bytes = (t: string) => Buffer.from(`${t}\n`, /[\u0100-\uffff]/.test(t) ? 'utf8' : 'latin1');
      writeFileSync(join(work, 'lines'), Buffer.concat([...logLines.map(bytes), bytes('END OF PLANTED LINES')]));
      const envArgs = plan.env.flatMap((e) => ['-e', `${e.name}=${e.value}`]);
      const labelArgs = Object.entries(plan.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
      await docker('run', '-d', '--name', name, '--network', 'none', '--log-driver', 'local', '-v', `${join(work, 'lines')}:/lines:ro`, ...envArgs, ...labelArgs, BUSYBOX, 'sh', '-c', 'cat /lines; exec sleep 600', 'sh', '--password', plan.argPassword);
      await until('the planted lines in the log', async () => (await docker('logs', name)).includes('END OF PLANTED LINES'), 30_000);
      await docker('exec', name, 'sh', '-c', `true --password ${plan.execPassword}`);

      const args = (out: string, extra: string[]) => [
        'bundle', name, '--format', 'dir', '--out', out, '--quiet', '--timeout', '3s', ...extra,
        '--health-url', `http://127.0.0.1:${port}/api/monitor/health?key=${plan.healthKey}`,
        '--pprof-url', `http://monitor:${plan.pprofPassword}@127.0.0.1:1/debug/pprof/goroutine?debug=2`,
      ];
      mkdirSync(join(work, 'raw'));
      mkdirSync(join(work, 'red'));
      const raw = await goroscope(args(join(work, 'raw'), ['--no-redact']), { timeoutMs: 120_000 });
      const red = await goroscope(args(join(work, 'red'), []), { timeoutMs: 120_000 });
      expect({ raw: raw.code, red: red.code, rawLine: /NOT redacted\)$/m.test(raw.stdout), redLine: /NOT redacted/.test(red.stdout) }).toEqual({ raw: 0, red: 0, rawLine: true, redLine: false });
      const root = (sub: string) => join(work, sub, readdirSync(join(work, sub))[0]!);
      const rawRoot = root('raw');
      const redRoot = root('red');

      // every secret with the kind it must be counted as
      const secrets: { value: string; kind: string; inLogs: number }[] = [
        ...plan.lines.flatMap((l) => l.secrets.map((s) => ({ value: s.value, kind: s.kind, inLogs: 1 }))),
        { value: plan.split.secrets[0]!.value, kind: 'secret', inLogs: 1 },
        ...plan.env.map((e) => ({ value: e.value, kind: 'env', inLogs: e === literal ? 1 : 0 })),
        ...Object.values(plan.labels).map((v) => ({ value: v, kind: 'label', inLogs: 0 })),
        { value: plan.argPassword, kind: 'password', inLogs: 0 },
        { value: plan.execPassword, kind: 'password', inLogs: 0 },
        { value: plan.healthKey, kind: 'secret', inLogs: 0 },
        { value: plan.healthBodyPassword, kind: 'password', inLogs: 0 },
        { value: plan.healthHeaderToken, kind: 'header', inLogs: 0 },
        { value: plan.pprofPassword, kind: 'password', inLogs: 0 },
      ];

      // 1. nothing planted is left anywhere in the redacted bundle
      const leaks: string[] = [];
      for (const f of walk(redRoot)) {
        // log files also as readers re-join them: Docker's timestamps at the 16 KB cuts taken out
        const bytes = readFileSync(f).toString('latin1');
        const text = relative(redRoot, f).startsWith('logs/') ? `${bytes}\n${bytes.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /g, '')}` : bytes;
        for (const s of secrets) if (text.includes(Buffer.from(s.value, 'utf8').toString('latin1'))) leaks.push(`${relative(redRoot, f)}: ${s.kind} ${s.value.slice(0, 4)}…`);
      }
      expect(leaks).toEqual([]);

      // 2. exact counts. Logs: as planted (the split secret is found across Docker's cut). Files Docker or the
      // endpoint wrote: as often as the raw bundle holds the secret. Files made from the logs (events.jsonl,
      // summary.*) are made from the redacted logs: only the other secrets (a failed URL in summary.md) count there.
      const want = new Map<string, number>();
      const add = (kind: string, file: string, n: number) => n > 0 && want.set(`${kind} ${file}`, (want.get(`${kind} ${file}`) ?? 0) + n);
      for (const s of secrets) add(s.kind, 'logs/stdout.log', s.inLogs);
      for (const f of walk(rawRoot)) {
        const rel = relative(rawRoot, f);
        if (rel.startsWith('logs/')) continue;
        const fromLogs = ['events.jsonl', 'summary.json', 'summary.md'].includes(rel);
        const text = readFileSync(f, 'utf8');
        for (const s of secrets) if (!(fromLogs && s.inLogs > 0)) add(s.kind, rel, count(text, s.value));
      }
      const report = JSON.parse(readFileSync(join(redRoot, 'redactions.json'), 'utf8')) as { redactions: { kind: string; file: string; count: number }[]; total: number };
      const got = new Map(report.redactions.map((r) => [`${r.kind} ${r.file}`, r.count]));
      expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
      expect(JSON.stringify(report)).not.toContain(plan.argPassword);
      // the bundle's own checks still hold: the manifest says redacted and lists every file
      const manifest = JSON.parse(readFileSync(join(redRoot, 'manifest.json'), 'utf8')) as { redacted: boolean; files: { path: string }[] };
      expect(manifest.redacted).toBe(true);
      expect(manifest.files.map((f) => f.path).sort()).toEqual(walk(redRoot).map((f) => relative(redRoot, f)).filter((p) => p !== 'manifest.json').sort());
      expect(statSync(redRoot).mode & 0o777).toBe(0o700);
      await removeContainers(name);
    }
  }, 400_000);
});
