// Rounds through the notifier with a real state file and a real HTTP target: failed deliveries are kept and sent
// again on the next run, a newer alert replaces a pending one, dry runs change nothing, the state file is private
// and a damaged one is reported and replaced.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { makeNotifier, notifySession, readState, round, writeState, type Notifier } from '../../src/notify/index.js';
import type { CommandContext } from '../../src/cli/context.js';
import { loadState, saveState, emptyState, statePath } from '../../src/notify/state.js';
import type { LevelObservation } from '../../src/notify/types.js';
import { GoroscopeError } from '../../src/errors.js';
import { httpRecorder } from '../helpers/servers.js';

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

describe('round', () => {
  it('keeps a failed delivery and sends it on the next run', async () => {
    // answers: three 503s (the first run's attempts), then 200s
    const hook = await httpRecorder((i) => (i < 3 ? { status: 503 } : { status: 200 }));
    try {
      const file = join(dir, 'pending.json');
      const n = notifier([`${hook.url}/h`], file);
      const out = sink();
      let state = readState(n, out);
      const steps: { posts: number; pending: number; lines: string[] }[] = [];
      for (const [i, obs] of [[lv('ok', 100)], [lv('warning', 2500)], [lv('warning', 2600)], [lv('warning', 2700)]].entries()) {
        out.text = '';
        const r = await round(n, state, { levels: obs, events: [] }, T0 + i * 60_000, out);
        writeState(n, r.state);
        state = loadState(file).state;
        steps.push({ posts: hook.posts.length, pending: state.pending?.length ?? 0, lines: out.text.split('\n').filter(Boolean).map((l) => l.replace(/\(\d+ attempt.*$/, '')) });
      }
      expect(steps).toEqual([
        { posts: 0, pending: 0, lines: [] },
        { posts: 3, pending: 1, lines: [`notify: FAILED ok→warning one-api → webhook 127.0.0.1:${hook.port}: HTTP 503 `] },
        { posts: 4, pending: 0, lines: [`notify: sent (again) ok→warning one-api → webhook 127.0.0.1:${hook.port} `] },
        { posts: 4, pending: 0, lines: [] },
      ]);
      expect(hook.posts.map((p) => (p.json as { level: string }).level)).toEqual(['warning', 'warning', 'warning', 'warning']);
    } finally {
      await hook.close();
    }
  });

  it('a newer alert about the same container replaces the pending one', async () => {
    const hook = await httpRecorder((i) => (i < 3 ? { status: 500 } : { status: 200 }));
    try {
      const file = join(dir, 'replace.json');
      const n = notifier([`${hook.url}/h`], file);
      const out = sink();
      let state = emptyState();
      for (const [i, obs] of [[lv('warning', 2500)], [lv('critical', 6000)]].entries()) {
        state = (await round(n, state, { levels: obs, events: [] }, T0 + i * 60_000, out)).state;
      }
      expect({ posts: hook.posts.map((p) => (p.json as { level: string }).level), pending: state.pending }).toEqual({ posts: ['warning', 'warning', 'warning', 'critical'], pending: undefined });
    } finally {
      await hook.close();
    }
  });

  it('a dry run prints the message and the webhook body, and saves nothing', async () => {
    const file = join(dir, 'dry.json');
    const n = notifier(['http://127.0.0.1:9/never'], file, { dryRun: true });
    const out = sink();
    const r = await round(n, emptyState(), { levels: [lv('critical', 5300)], events: [] }, T0, out);
    writeState(n, r.state);
    expect(out.text).toBe(
      [
        'notify (dry run): would send critical one-api → webhook 127.0.0.1:9',
        '  [goroscope] CRITICAL: one-api',
        '  Goroutines: 5300',
        '  Time: 2026-11-26T10:00:00.000Z',
        '  {"container":"one-api","host":null,"level":"critical","previous":null,"reasons":[],"goroutines":5300,"time":"2026-11-26T10:00:00.000Z","event":null}',
        '',
      ].join('\n'),
    );
    expect(() => statSync(file)).toThrow(/ENOENT/);
  });
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
  it('decides at once, sends in the background, one alert per change, and saves the state on close', async () => {
    const hook = await httpRecorder();
    try {
      const file = join(dir, 'session.json');
      const out = sink();
      let clock = T0;
      const ctx = { env: {}, config: {}, lang: 'en', signal: new AbortController().signal, globals: {}, now: () => clock, stderr: out } as unknown as CommandContext;
      const s = notifySession({ notify: [`${hook.url}/w`], state: file }, ctx, out)!;
      const samples = [800, 2100, 2200, 5100, 5300, 10200];
      for (const g of samples) {
        const level = g >= 5000 ? 'critical' : g >= 2000 ? 'warning' : 'ok';
        s.observe([{ name: 'one-api', level, reasons: [], goroutines: g }]);
        clock += 5000;
      }
      expect(hook.posts).toHaveLength(0); // nothing awaited yet: observe() never waits for a delivery
      await s.close();
      expect(hook.posts.map((p) => (p.json as { level: string }).level)).toEqual(['warning', 'critical', 'emergency']);
      expect(out.text.split('\n').filter(Boolean).map((l) => l.replace(/ \(1 attempt.*$/, ''))).toEqual([
        `notify: sent ok→warning one-api → webhook 127.0.0.1:${hook.port}`,
        `notify: sent warning→critical one-api → webhook 127.0.0.1:${hook.port}`,
        `notify: sent critical→emergency one-api → webhook 127.0.0.1:${hook.port}`,
      ]);
      expect(loadState(file).state.containers['one-api']).toMatchObject({ announced: 'emergency', goroutines: 10200 });
    } finally {
      await hook.close();
    }
  });
});

describe('state file', () => {
  it('is written private and atomically, and read back', () => {
    const file = join(dir, 'sub/dir/state.json');
    const s = { ...emptyState(), sent: { 'level:a': 5 } };
    saveState(file, s);
    expect({ mode: statSync(file).mode & 0o777, back: loadState(file) }).toEqual({ mode: 0o600, back: { state: s } });
  });

  const damaged = [
    { name: 'not JSON', input: '{"version":1,', want: 'alert state is damaged' },
    { name: 'wrong shape', input: '{"version":2}', want: 'alert state is damaged' },
  ];
  it.each(damaged)('a damaged file ($name) is an empty state and a warning', ({ input, want }) => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, input);
    const r = loadState(file);
    expect({ state: r.state, warning: r.warning?.slice(0, want.length) }).toEqual({ state: emptyState(), warning: want });
  });

  it('an unwritable place is one clear error (exit 73)', () => {
    const blocker = join(dir, 'file-not-dir');
    writeFileSync(blocker, 'x');
    let got: unknown;
    try {
      saveState(join(blocker, 'state.json'), emptyState());
    } catch (e) {
      got = e;
    }
    expect({ line: (got as GoroscopeError).headline(), code: (got as GoroscopeError).exitCode }).toEqual({ line: `error: cannot write alert state (${blocker}/state.json)`, code: 73 });
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

it('reads the same file back unchanged (no stray temp files)', () => {
  const file = join(dir, 'stable.json');
  saveState(file, emptyState());
  saveState(file, emptyState());
  expect(readFileSync(file, 'utf8')).toBe('{"version":1,"containers":{},"sent":{}}\n');
  expect(readdirSync(dir).filter((f) => f.startsWith('stable.json') && f !== 'stable.json')).toEqual([]);
});
