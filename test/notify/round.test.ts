// Runs through the notifier with a real state file and real HTTP targets: failed deliveries stay pending for their
// own target and are sent by a later run for it, a newer alert replaces a pending one, concurrent runs decide under
// the lock, dry runs change nothing, damaged state is set aside and the run goes on, and what is sent is redacted.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { makeNotifier, notifyOnce, notifySession, openStore, type Notifier, type NotifyContext } from '../../src/notify/index.js';
import { emptyState, parseState, statePath } from '../../src/notify/state.js';
import { FileStore } from '../../src/notify/store.js';
import type { EventObservation, LevelObservation } from '../../src/notify/types.js';
import { GoroscopeError } from '../../src/errors.js';
import { httpRecorder, parseMail, smtpRecorder } from '../helpers/servers.js';
import { ALL_SHAPES, distinct } from '../helpers/secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'gs-alert-round-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

function notifier(targets: string[], state: string, extra: Record<string, unknown> = {}): Notifier {
  const n = makeNotifier({ notify: targets, state, ...extra }, { env: {}, config: {}, lang: 'en', signal: new AbortController().signal })!;
  n.delivery.backoffMs = 10;
  n.delivery.timeoutMs = 2000;
  return n;
}

const lv = (level: LevelObservation['level'], goroutines: number): LevelObservation => ({ container: 'one-api', host: null, level, reasons: [], goroutines });
const T0 = Date.parse('2026-11-26T10:00:00Z');
const levels = (posts: { json: unknown }[]) => posts.map((p) => (p.json as { level: string }).level);
const lines = (text: string) => text.split('\n').filter(Boolean).map((l) => l.replace(/ \(\d+ attempt.*$/, ''));

describe('notifyOnce', () => {
  it('keeps a failed delivery and sends it on the next run', async () => {
    // answers: three 503s (the first run's attempts), then 200s
    const hook = await httpRecorder((i) => (i < 3 ? { status: 503 } : { status: 200 }));
    try {
      const file = join(dir, 'pending.json');
      const n = notifier([`${hook.url}/h`], file);
      const store = openStore(n);
      const out = sink();
      const steps: { posts: number; pending: number; lines: string[] }[] = [];
      for (const [i, obs] of [[lv('ok', 100)], [lv('warning', 2500)], [lv('warning', 2600)], [lv('warning', 2700)]].entries()) {
        out.text = '';
        await notifyOnce(n, store, { levels: obs, events: [] }, T0 + i * 60_000, out);
        steps.push({ posts: hook.posts.length, pending: store.peek().pending?.length ?? 0, lines: lines(out.text) });
      }
      expect(steps).toEqual([
        { posts: 0, pending: 0, lines: [] },
        { posts: 3, pending: 1, lines: [`notify: FAILED ok→warning one-api → webhook 127.0.0.1:${hook.port}: HTTP 503`] },
        { posts: 4, pending: 0, lines: [`notify: sent (again) ok→warning one-api → webhook 127.0.0.1:${hook.port}`] },
        { posts: 4, pending: 0, lines: [] },
      ]);
      expect(levels(hook.posts)).toEqual(['warning', 'warning', 'warning', 'warning']);
    } finally {
      await hook.close();
    }
  });

  it('a newer alert about the same container replaces the pending one', async () => {
    const hook = await httpRecorder((i) => (i < 3 ? { status: 500 } : { status: 200 }));
    try {
      const n = notifier([`${hook.url}/h`], join(dir, 'replace.json'));
      const store = openStore(n);
      for (const [i, obs] of [[lv('warning', 2500)], [lv('critical', 6000)]].entries()) await notifyOnce(n, store, { levels: obs, events: [] }, T0 + i * 60_000, sink());
      expect({ posts: levels(hook.posts), pending: store.peek().pending }).toEqual({ posts: ['warning', 'warning', 'warning', 'critical'], pending: undefined });
    } finally {
      await hook.close();
    }
  });

  it('a pending delivery belongs to its target: runs for another target leave it, the next run for it sends it once', async () => {
    const a = await httpRecorder((i) => (i < 3 ? { status: 503 } : { status: 200 }));
    const b = await httpRecorder();
    try {
      const file = join(dir, 'per-target.json');
      const run = async (target: string, obs: LevelObservation[], t: number) => {
        const n = notifier([target], file);
        await notifyOnce(n, openStore(n), { levels: obs, events: [] }, t, sink());
        return { a: a.posts.length, b: b.posts.length, pending: (openStore(n).peek().pending ?? []).map((p) => p.target) };
      };
      const got = [
        await run(`${a.url}/a`, [lv('warning', 2500)], T0), // A down: kept for A
        await run(`${b.url}/b`, [lv('warning', 2600)], T0 + 60_000), // B: no change to announce; A's stays
        await run(`${b.url}/b`, [lv('warning', 2600)], T0 + 120_000),
        await run(`${a.url}/a`, [lv('warning', 2700)], T0 + 180_000), // A back: sent once
        await run(`${a.url}/a`, [lv('warning', 2700)], T0 + 240_000),
      ];
      expect(got).toEqual([
        { a: 3, b: 0, pending: [`${a.url}/a`] },
        { a: 3, b: 0, pending: [`${a.url}/a`] },
        { a: 3, b: 0, pending: [`${a.url}/a`] },
        { a: 4, b: 0, pending: [] },
        { a: 4, b: 0, pending: [] },
      ]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('ten runs at once against a slow target: one alert per change, and one per disabled channel', async () => {
    const hook = await httpRecorder(() => ({ status: 200, delayMs: 300 }));
    try {
      const file = join(dir, 'concurrent.json');
      const n0 = notifier([`${hook.url}/c`], file);
      await notifyOnce(n0, openStore(n0), { levels: [lv('ok', 100)], events: [] }, T0, sink());
      const ev: EventObservation = { container: 'one-api', host: null, kind: 'channel_disabled', time: new Date(T0 + 30_000).toISOString(), message: 'channel #7 disabled', channel: 7 };
      await Promise.all(
        Array.from({ length: 10 }, () => {
          const n = notifier([`${hook.url}/c`], file, { cooldown: '1ms' });
          return notifyOnce(n, openStore(n), { levels: [lv('warning', 2500)], events: [ev] }, T0 + 60_000, sink(), { logsReadAt: new Map([['one-api', T0 + 60_000]]) });
        }),
      );
      expect(hook.posts.map((p) => (p.json as { event: { kind: string } | null; level: string }).event?.kind ?? (p.json as { level: string }).level).sort()).toEqual(['channel_disabled', 'warning']);
      expect(openStore(n0).peek().pending).toBeUndefined();
      expect(readdirSync(dir).filter((f) => f.startsWith('concurrent.json.'))).toEqual([]); // no lock, no temp file left
    } finally {
      await hook.close();
    }
  });

  it('a dry run prints the message and the body for each target, and saves nothing', async () => {
    const file = join(dir, 'dry.json');
    const n = notifier(['http://127.0.0.1:9/never'], file, { dryRun: true });
    const out = sink();
    await notifyOnce(n, openStore(n), { levels: [lv('critical', 5300)], events: [] }, T0, out);
    expect(out.text).toBe(
      [
        'notify (dry run): would send critical one-api → webhook 127.0.0.1:9',
        '  [goroscope] CRITICAL: one-api',
        '  Goroutines: 5300',
        '  Time: 2026-11-26T10:00:00.000Z',
        '  body → webhook 127.0.0.1:9: {"container":"one-api","host":null,"level":"critical","previous":null,"reasons":[],"goroutines":5300,"time":"2026-11-26T10:00:00.000Z","event":null}',
        '',
      ].join('\n'),
    );
    expect(existsSync(file)).toBe(false);
  });
});

describe('what is sent is redacted, for every target format', () => {
  it('planted secrets of every shape in a crash and a disabled-channel message reach no body', async () => {
    const hook = await httpRecorder(() => ({ status: 200, body: '{"code":0,"errcode":0,"ok":true}' }));
    const smtp = await smtpRecorder();
    try {
      const planted = fc.sample(ALL_SHAPES.filter(distinct), 3);
      for (const [i, all] of planted.entries()) {
        const text = all.map((p) => p.text).join(' | ');
        const formats = ['webhook', 'feishu', 'dingtalk', 'wecom', 'slack'];
        const targets = [...formats.map((f) => `${hook.url}/${i}/${f}`), `${hook.url}/${i}/telegram?chat_id=5`, 'mailto:ops@example.com'];
        const n = makeNotifier(
          { notify: targets, state: join(dir, `redact-${i}.json`), smtpHost: '127.0.0.1', smtpPort: String(smtp.port), smtpSecure: 'none' },
          { env: {}, config: {}, lang: 'en', signal: new AbortController().signal },
        )!;
        for (const [k, t] of n.targets.entries()) if (k < formats.length) t.format = formats[k] as never; // hosts are 127.0.0.1: say the format
        n.targets[formats.length]!.format = 'telegram';
        const events: EventObservation[] = [
          { container: 'one-api', host: null, kind: 'crash', time: null, message: `panic: ${text}`, signature: 'main.main' },
          { container: 'one-api', host: null, kind: 'channel_disabled', time: null, message: `channel #3 disabled: ${text}`, channel: 3 },
        ];
        const before = { posts: hook.posts.length, mails: smtp.mails.length };
        const d = await notifyOnce(n, openStore(n), { levels: [], events }, T0, sink());
        expect(d.filter((x) => !x.ok)).toEqual([]);
        const bodies = [...hook.posts.slice(before.posts).map((p) => p.body), ...smtp.mails.slice(before.mails).map((m) => parseMail(m.raw).text + parseMail(m.raw).subject)];
        expect(bodies).toHaveLength(2 * 7);
        for (const p of all) for (const s of p.secrets) expect({ shape: p.shape, leaked: bodies.some((b) => b.includes(s.value)) }).toEqual({ shape: p.shape, leaked: false });
        expect(bodies.every((b) => b.includes('[REDACTED:'))).toBe(true);
      }
    } finally {
      await Promise.all([hook.close(), smtp.close()]);
    }
  }, 60_000);
});

describe('makeNotifier', () => {
  const ctx = (config: Record<string, unknown>, env: Record<string, string> = {}) => ({ env, config, lang: 'en' as const, signal: new AbortController().signal });
  const cases = [
    { name: 'no --notify on check: off', input: { flags: {}, config: { notify: ['http://a.example/h'] }, alwaysOn: false }, want: null },
    { name: 'bare --notify: the config targets', input: { flags: { notify: ['config'] }, config: { notify: ['http://a.example/h', 'https://hooks.slack.com/services/x'] }, alwaysOn: false }, want: ['webhook a.example', 'slack hooks.slack.com'] },
    { name: 'given targets replace the config ones', input: { flags: { notify: ['http://b.example/h'] }, config: { notify: ['http://a.example/h'] }, alwaysOn: false }, want: ['webhook b.example'] },
    { name: 'given and bare together: both', input: { flags: { notify: ['http://b.example/h', 'config'] }, config: { notify: ['http://a.example/h'] }, alwaysOn: false }, want: ['webhook b.example', 'webhook a.example'] },
    { name: 'alert without --notify: the config targets', input: { flags: {}, config: { notify: ['http://a.example/h'] }, alwaysOn: true }, want: ['webhook a.example'] },
    { name: 'config notifyFormat applies to URLs, not to mailto', input: { flags: { notify: ['http://10.1.1.1/h', 'mailto:o@example.com'], smtpHost: 'mail.example' }, config: { notifyFormat: 'wecom' }, alwaysOn: false }, want: ['wecom 10.1.1.1', 'email o@example.com'] },
  ];
  it.each(cases)('$name', ({ input, want }) => {
    const n = makeNotifier(input.flags, ctx(input.config) as never, input.alwaysOn);
    expect(n === null ? null : n.targets.map((t) => t.label)).toEqual(want);
  });
  it('bare --notify with no config targets is a usage error', () => {
    expect(() => makeNotifier({ notify: ['config'] }, ctx({}) as never)).toThrow('no notification target');
  });
});

describe('notifySession (watch --notify)', () => {
  it('decides in order, sends in the background, one alert per change, and saves the state on close', async () => {
    const hook = await httpRecorder();
    try {
      const file = join(dir, 'session.json');
      const out = sink();
      let clock = T0;
      const ctx: NotifyContext = { env: {}, config: {}, lang: 'en', signal: new AbortController().signal, now: () => clock, out, host: null };
      const s = notifySession({ notify: [`${hook.url}/w`], state: file }, ctx)!;
      const samples = [800, 2100, 2200, 5100, 5300, 10200];
      for (const g of samples) {
        const level = g >= 5000 ? 'critical' : g >= 2000 ? 'warning' : 'ok';
        s.observe([{ name: 'one-api', level, reasons: [], goroutines: g }]);
        clock += 5000;
      }
      expect(hook.posts).toHaveLength(0); // nothing awaited yet: observe() never waits for a delivery
      await s.close();
      expect(levels(hook.posts)).toEqual(['warning', 'critical', 'emergency']);
      expect(lines(out.text)).toEqual([
        `notify: sent ok→warning one-api → webhook 127.0.0.1:${hook.port}`,
        `notify: sent warning→critical one-api → webhook 127.0.0.1:${hook.port}`,
        `notify: sent critical→emergency one-api → webhook 127.0.0.1:${hook.port}`,
      ]);
      const state = new FileStore(file).peek();
      expect({ c: state.containers['one-api'], pending: state.pending }).toMatchObject({ c: { announced: 'emergency', goroutines: 10200 }, pending: undefined });
    } finally {
      await hook.close();
    }
  });
});

describe('state file', () => {
  it('is written private and atomically, and read back', async () => {
    const file = join(dir, 'sub/dir/state.json');
    const store = new FileStore(file);
    store.prepare();
    await store.update((s) => void (s.sent['level:a'] = 5), () => undefined);
    expect({ mode: statSync(file).mode & 0o777, dir: statSync(join(dir, 'sub/dir')).mode & 0o777, back: store.peek() }).toEqual({ mode: 0o600, dir: 0o700, back: { ...emptyState(), sent: { 'level:a': 5 } } });
    expect(readFileSync(file, 'utf8')).toBe('{"version":1,"containers":{},"sent":{"level:a":5}}\n');
  });

  const good = { level: 'ok', announced: 'ok', reasons: [], goroutines: 1 };
  const damaged: { name: string; input: string; want: { problems: string[]; containers: string[]; sent: string[] } }[] = [
    { name: 'truncated', input: '{"version":1,"containers":{', want: { problems: ['not JSON'], containers: [], sent: [] } },
    { name: 'garbage', input: '\u00ff\u00fegarbage', want: { problems: ['not JSON'], containers: [], sent: [] } },
    { name: 'NULs', input: '\0\0\0\0', want: { problems: ['not JSON'], containers: [], sent: [] } },
    { name: 'empty', input: '', want: { problems: ['empty file'], containers: [], sent: [] } },
    { name: 'null', input: 'null', want: { problems: ['not a JSON object'], containers: [], sent: [] } },
    { name: 'an array', input: '[1,2]', want: { problems: ['not a JSON object'], containers: [], sent: [] } },
    { name: 'containers of strings', input: '{"containers":{"x":"y"}}', want: { problems: ['version missing, expected 1', 'containers.x', 'sent'], containers: [], sent: [] } },
    { name: 'pending [null]', input: JSON.stringify({ version: 1, containers: { a: good }, sent: { 'level:a': 5 }, pending: [null] }), want: { problems: ['pending[0]'], containers: ['a'], sent: ['level:a'] } },
    { name: 'wrong types kept apart from good entries', input: JSON.stringify({ version: 1, containers: { a: good, b: { ...good, reasons: 'x' }, c: { ...good, level: 'bad' } }, sent: { 'level:a': 5, 'level:b': '5', 'level:c': null } }), want: { problems: ['containers.b', 'containers.c', 'sent.level:b', 'sent.level:c'], containers: ['a'], sent: ['level:a'] } },
    { name: 'nulls', input: '{"version":1,"containers":null,"sent":null,"pending":null}', want: { problems: ['containers', 'sent', 'pending'], containers: [], sent: [] } },
    { name: 'a pending delivery of the wrong shape', input: JSON.stringify({ version: 1, containers: {}, sent: {}, pending: [{ target: 'http://x', since: 'soon', alert: {} }] }), want: { problems: ['pending[0]'], containers: [], sent: [] } },
  ];
  it.each(damaged)('parseState: $name', ({ input, want }) => {
    const r = parseState(input);
    expect({ problems: r.problems, containers: Object.keys(r.state.containers), sent: Object.keys(r.state.sent) }).toEqual(want);
  });

  it('a damaged file is set aside with a timestamp, one warning, and the run goes on with what was readable', async () => {
    const file = join(dir, 'damaged.json');
    writeFileSync(file, JSON.stringify({ version: 1, containers: { a: good }, sent: {}, pending: [null] }));
    const warnings: string[] = [];
    const store = new FileStore(file, () => T0);
    await store.update((s) => void (s.sent['x'] = 1), (w) => warnings.push(w));
    await store.update(() => undefined, (w) => warnings.push(w));
    const aside = readdirSync(dir).filter((f) => f.startsWith('damaged.json.damaged-'));
    expect({ warnings, aside: aside.map((f) => f.replace(/-\d+$/, '')), kept: Object.keys(store.peek().containers), sent: store.peek().sent }).toEqual({
      warnings: [`alert state was damaged (${file}: pending[0]); kept as ${join(dir, aside[0]!)}; going on with what was readable`],
      aside: ['damaged.json.damaged-20261126T100000Z'],
      kept: ['a'],
      sent: { x: 1 },
    });
  });

  it('a place that cannot be made is one clear error (exit 73) at once', () => {
    const blocker = join(dir, 'file-not-dir');
    writeFileSync(blocker, 'x');
    const cases = [join(blocker, 'state.json'), '/proc/nonexistent/goroscope/state.json'];
    const got = cases.map((path) => {
      const t = Date.now();
      try {
        new FileStore(path).prepare();
        return 'no error';
      } catch (e) {
        return { line: (e as GoroscopeError).headline(), code: (e as GoroscopeError).exitCode, fast: Date.now() - t < 1000 };
      }
    });
    expect(got).toEqual([
      { line: `error: cannot write alert state: ENOTDIR (${blocker}/state.json)`, code: 73, fast: true },
      { line: 'error: cannot write alert state: ENOENT (/proc/nonexistent/goroscope/state.json)', code: 73, fast: true },
    ]);
  });

  it('the lock: 40 updates at once from separate stores lose none', async () => {
    const file = join(dir, 'lock.json');
    await Promise.all(Array.from({ length: 40 }, () => new FileStore(file).update((s) => void (s.sent['n'] = (s.sent['n'] ?? 0) + 1), () => undefined)));
    expect(new FileStore(file).peek().sent).toEqual({ n: 40 });
  });

  it('the lock of a process that died is taken over at once', async () => {
    const file = join(dir, 'stale.json');
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), at: Date.now() }));
    const t = Date.now();
    await new FileStore(file).update((s) => void (s.sent['n'] = 1), () => undefined);
    expect({ sent: new FileStore(file).peek().sent, fast: Date.now() - t < 1000, lock: existsSync(`${file}.lock`) }).toEqual({ sent: { n: 1 }, fast: true, lock: false });
  });

  const paths = [
    { name: 'flag first', input: { flag: '/x/flag.json', env: { GOROSCOPE_STATE: '/x/env.json' }, file: '/x/file.json' }, want: '/x/flag.json' },
    { name: 'then env', input: { flag: undefined, env: { GOROSCOPE_STATE: '/x/env.json' }, file: '/x/file.json' }, want: '/x/env.json' },
    { name: 'then config', input: { flag: undefined, env: {}, file: '/x/file.json' }, want: '/x/file.json' },
    { name: 'then XDG_STATE_HOME', input: { flag: undefined, env: { XDG_STATE_HOME: '/s' }, file: undefined }, want: '/s/goroscope/alert-state.json' },
  ];
  it.each(paths)('statePath: $name', ({ input, want }) => {
    expect(statePath(input.flag, input.env, input.file)).toBe(want);
  });
});
