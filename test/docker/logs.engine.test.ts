// The Docker adapter against the real engine: demux, 16 KB partials, TTY, since/until/tail, errors, follow across restarts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX, docker, dockerRaw, noBusybox, removeContainers, uniqueName, waitExited } from '../helpers/engine.js';
import { connect } from '../../src/docker/engine.js';
import type { DockerRuntime } from '../../src/docker/runtime.js';
import { inspectRaw, resolveContainer } from '../../src/docker/containers.js';
import { readContainerLines, streamLogFrames } from '../../src/docker/logs.js';
import { EXIT } from '../../src/errors.js';

type Out = [string, string];

const MIXED = uniqueName('docker-mixed');
const SEQ = uniqueName('docker-seq');
const TTY = uniqueName('docker-tty');
const NONE = uniqueName('docker-none');
const ALL = [MIXED, SEQ, TTY, NONE];

let client: DockerRuntime;

async function lines(name: string, req: Parameters<typeof readContainerLines>[2] = {}): Promise<{ out: Out[]; ts: (string | null)[] }> {
  const out: Out[] = [];
  const ts: (string | null)[] = [];
  await readContainerLines(client, name, req, (stream, t, text) => {
    out.push([stream, text]);
    ts.push(t);
  });
  return { out, ts };
}

describe.skipIf(noBusybox)('docker logs (real engine)', () => {
  beforeAll(async () => {
    client = await connect();
    await Promise.all([
      docker('run', '-d', '--name', MIXED, '--network', 'none', BUSYBOX, 'sh', '-c',
        'echo out-1; echo err-1 >&2; head -c 20000 /dev/zero | tr "\\0" x; echo; echo err-2 >&2; sleep 0.2; printf stdout-no-newline; printf stderr-no-newline >&2'),
      docker('run', '-d', '--name', SEQ, '--network', 'none', BUSYBOX, 'sh', '-c', 'for i in 1 2 3 4 5; do echo line-$i; done'),
      docker('run', '-d', '-t', '--name', TTY, '--network', 'none', BUSYBOX, 'sh', '-c', 'echo tty-1; echo tty-2 >&2; head -c 20000 /dev/zero | tr "\\0" y; echo; printf 42'),
      docker('create', '--name', NONE, '--network', 'none', '--log-driver', 'none', BUSYBOX, 'echo', 'x'),
    ]);
    await Promise.all([MIXED, SEQ, TTY].map((n) => waitExited(n)));
  });
  afterAll(() => removeContainers(...ALL));

  it('stdout and stderr kept apart, a 20,000-byte line re-joined, unterminated last lines kept', async () => {
    const { out, ts } = await lines(MIXED);
    const byStream = (s: string) => out.filter(([st]) => st === s).map(([, t]) => t);
    expect(byStream('stdout')).toEqual(['out-1', 'x'.repeat(20_000), 'stdout-no-newline']);
    expect(byStream('stderr')).toEqual(['err-1', 'err-2', 'stderr-no-newline']);
    expect(out.length).toBe(6);
    expect(ts.every((t) => t !== null && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/.test(t))).toBe(true);
  });

  it('the docker-modem transport (TLS/ssh endpoints) gives the same lines as the direct one', async () => {
    const viaModem = await connect(undefined, process.env, { modemOnly: true });
    const out: Out[] = [];
    await readContainerLines(viaModem, MIXED, {}, (stream, _t, text) => out.push([stream, text]));
    expect(out).toEqual((await lines(MIXED)).out);
    expect(out.length).toBe(6);
  });

  it('a stopped container is read to its end', async () => {
    const info = await resolveContainer(client, SEQ);
    expect([info.state.running, info.state.status, info.tty, info.logDriver, info.name]).toEqual([false, 'exited', false, 'json-file', SEQ]);
    expect((await lines(SEQ)).out).toEqual([1, 2, 3, 4, 5].map((i) => ['stdout', `line-${i}`]));
  });

  it('since / until (inclusive, nanoseconds kept) and tail', async () => {
    const withTs = (await docker('logs', '-t', SEQ)).trim().split('\n').map((l) => l.slice(0, l.indexOf(' ')));
    expect(withTs.length).toBe(5);
    const toDocker = (t: string) => {
      const [sec, frac] = [Math.floor(Date.parse(t) / 1000), t.slice(20, 29)];
      return `${sec}.${frac}`;
    };
    const cases: { name: string; req: Parameters<typeof readContainerLines>[2]; want: string[] }[] = [
      { name: 'since = exact ts of line 3', req: { since: toDocker(withTs[2]!) }, want: ['line-3', 'line-4', 'line-5'] },
      { name: 'until = exact ts of line 2', req: { until: toDocker(withTs[1]!) }, want: ['line-1', 'line-2'] },
      { name: 'since..until', req: { since: toDocker(withTs[1]!), until: toDocker(withTs[3]!) }, want: ['line-2', 'line-3', 'line-4'] },
      { name: 'tail 2', req: { tail: 2 }, want: ['line-4', 'line-5'] },
      { name: 'tail 0', req: { tail: 0 }, want: [] },
      { name: 'since in epoch ms after the end', req: { since: Date.parse(withTs[4]!) + 1000 }, want: [] },
    ];
    for (const c of cases) {
      const { out } = await lines(SEQ, c.req);
      expect({ name: c.name, got: out.map(([, t]) => t) }).toEqual({ name: c.name, got: c.want });
    }
  });

  it('a TTY container is read raw: one stream, CRLF removed, a 20,000-byte line re-joined, short output not lost', async () => {
    const info = await resolveContainer(client, TTY);
    expect(info.tty).toBe(true);
    expect((await lines(TTY)).out).toEqual([
      ['stdout', 'tty-1'],
      ['stdout', 'tty-2'],
      ['stdout', 'y'.repeat(20_000)],
      ['stdout', '42'],
    ]);
  });

  it('streamLogFrames: per-stream bytes identical to docker logs -t', async () => {
    const got = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const info = await streamLogFrames(client, MIXED, { timestamps: true }, async (stream, payload) => {
      got[stream].push(Buffer.from(payload));
      await new Promise((r) => setImmediate(r)); // an async consumer: the reader waits for it
    });
    expect(info.name).toBe(MIXED);
    const want = await dockerRaw('logs', '-t', MIXED);
    expect(Buffer.concat(got.stdout).equals(want.stdout)).toBe(true);
    expect(Buffer.concat(got.stderr).equals(want.stderr)).toBe(true);
    expect(got.stdout.length).toBe(4); // the 20,000-byte line came as two 16 KB-partial frames
  });

  it('streamLogFrames: a failing consumer stops the read and its error comes back untouched', async () => {
    const boom = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    let calls = 0;
    const syncErr = await streamLogFrames(client, MIXED, { timestamps: true }, () => {
      if (++calls === 2) throw boom;
    }).catch((e) => e);
    expect([syncErr, calls]).toEqual([boom, 2]);
    const asyncErr = await streamLogFrames(client, MIXED, { timestamps: true }, async () => {
      throw boom;
    }).catch((e) => e);
    expect(asyncErr).toBe(boom);
  });

  it('inspectRaw returns the full inspect JSON', async () => {
    const raw = await inspectRaw(client, SEQ);
    expect(raw.Name).toBe(`/${SEQ}`);
    expect(raw.HostConfig?.LogConfig?.Type).toBe('json-file');
  });

  it('no such container → NotFoundError 67 with close names suggested', async () => {
    const typo = MIXED.slice(0, -1) + (MIXED.endsWith('z') ? 'y' : 'z');
    const err = await resolveContainer(client, typo).catch((e) => e);
    expect([err.exitCode, err.message, err.value]).toEqual([EXIT.NOT_FOUND, 'no such container', typo]);
    expect(err.hint).toContain(MIXED);
    const far = await resolveContainer(client, 'gs-definitely-not-here-qqqqqqqqqqqq').catch((e) => e);
    expect([far.exitCode, far.hint]).toEqual([EXIT.NOT_FOUND, 'docker ps -a lists containers']);
  });

  it('--log-driver none → the 501 "cannot be read" error naming the driver', async () => {
    const err = await lines(NONE).catch((e) => e);
    expect([err.exitCode, err.message, err.value]).toEqual([EXIT.UNAVAILABLE, "the container's log driver cannot be read", `${NONE}: none`]);
  });

  it('a missing socket → UnavailableError 69 naming it', async () => {
    const c = await connect(undefined, { DOCKER_HOST: 'unix:///tmp/gs-no-such-docker.sock' });
    const err = await resolveContainer(c, SEQ).catch((e) => e);
    expect([err.exitCode, err.message, err.value]).toEqual([EXIT.UNAVAILABLE, 'cannot reach the Docker daemon', 'unix:///tmp/gs-no-such-docker.sock']);
  });

  it('--host beats DOCKER_HOST (docker-modem would let the environment win)', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:1';
    try {
      const c = await connect('unix:///var/run/docker.sock', process.env);
      expect((await resolveContainer(c, SEQ)).name).toBe(SEQ);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });
});

describe.skipIf(noBusybox)('docker logs --follow (real engine)', () => {
  const RESTARTS = uniqueName('docker-follow');
  afterAll(() => removeContainers(RESTARTS));

  it('keeps following across restarts with no duplicated and no missed lines', async () => {
    // Three runs (on-failure restarts); the run number survives in the container's filesystem. Run 3 exits 0.
    const script =
      'n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; ' +
      'for i in 1 2 3 4; do echo run-$n-line-$i; done; echo run-$n-err >&2; sleep 0.3; [ $n -ge 3 ] && exit 0; exit 1';
    await docker('run', '-d', '--name', RESTARTS, '--network', 'none', '--restart', 'on-failure:5', BUSYBOX, 'sh', '-c', script);
    const want: Out[] = [];
    for (const n of [1, 2, 3]) {
      for (const i of [1, 2, 3, 4]) want.push(['stdout', `run-${n}-line-${i}`]);
      want.push(['stderr', `run-${n}-err`]);
    }
    const ac = new AbortController();
    const got: Out[] = [];
    const timer = setTimeout(() => ac.abort(), 25_000);
    await readContainerLines(client ?? (await connect()), RESTARTS, { follow: true, signal: ac.signal }, (stream, _ts, text) => {
      got.push([stream, text]);
      if (got.length >= want.length) setTimeout(() => ac.abort(), 1500); // wait a little for duplicates that should not come
    });
    clearTimeout(timer);
    const sortRun = (xs: Out[]) => [...xs].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    expect(got.length).toBe(want.length);
    expect(sortRun(got)).toEqual(sortRun(want));
    expect(got.filter(([s]) => s === 'stdout').map(([, t]) => t)).toEqual(want.filter(([s]) => s === 'stdout').map(([, t]) => t));
    expect((await docker('inspect', '--format', '{{.RestartCount}}', RESTARTS)).trim()).toBe('2');
  }, 40_000);

  it('keeps following across docker restart (a run killed mid-output): exactly what docker logs holds', async () => {
    const name = uniqueName('docker-follow-restart');
    try {
      const script =
        'n=$(cat /tmp/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /tmp/n; i=0; ' +
        'while [ $i -lt 12 ]; do echo tick-$n-$i; echo err-$n-$i >&2; i=$((i+1)); sleep 0.1; done';
      await docker('run', '-d', '--name', name, '--network', 'none', BUSYBOX, 'sh', '-c', script);
      const got: Out[] = [];
      const ac = new AbortController();
      const reading = readContainerLines(client ?? (await connect()), name, { follow: true, signal: ac.signal }, (stream, _ts, text) => got.push([stream, text]));
      while (got.length < 6) await new Promise((r) => setTimeout(r, 50));
      await docker('restart', '-t', '0', name);
      // Run 2 prints all 12 pairs, then the container exits for good.
      while (!got.some(([, t]) => t === 'tick-2-11') || !got.some(([, t]) => t === 'err-2-11')) await new Promise((r) => setTimeout(r, 50));
      await waitExited(name);
      await new Promise((r) => setTimeout(r, 500)); // room for duplicates that must not come
      ac.abort();
      await reading;
      const want = await dockerRaw('logs', name);
      const lines = (b: Buffer) => b.toString().split('\n').filter((l) => l !== '');
      expect(got.filter(([s]) => s === 'stdout').map(([, t]) => t)).toEqual(lines(want.stdout));
      expect(got.filter(([s]) => s === 'stderr').map(([, t]) => t)).toEqual(lines(want.stderr));
      expect(lines(want.stdout).filter((l) => l.startsWith('tick-2-')).length).toBe(12);
      expect(lines(want.stdout).some((l) => l.startsWith('tick-1-'))).toBe(true);
    } finally {
      await removeContainers(name);
    }
  }, 40_000);

  it('follow on a removed container ends', async () => {
    const name = uniqueName('docker-follow-rm');
    await docker('run', '-d', '--name', name, '--network', 'none', BUSYBOX, 'sh', '-c', 'echo a; echo b');
    await waitExited(name);
    const got: string[] = [];
    const reading = readContainerLines(client ?? (await connect()), name, { follow: true }, (_s, _t, text) => got.push(text));
    await new Promise((r) => setTimeout(r, 500));
    await removeContainers(name);
    await reading;
    expect(got).toEqual(['a', 'b']);
  }, 20_000);
});
