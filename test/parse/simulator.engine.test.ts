// The parsers against a real Go process: the simulator container's own `docker logs -t` output (real debug.Stack(),
// a real crash dump and restart, real net/http timeout texts), each stream parsed apart as Docker keeps them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrashEvent, GEvent, GoroutineEvent, PanicEvent, RelayErrorEvent } from '../../src/events.js';
import { dockerRaw, noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { poll, startSimulator } from '../helpers/sim.js';
import { parse } from './helpers.js';

const NAME = uniqueName('parse');

/** `docker logs -t` lines of one stream → parser input (the Docker timestamp split off, as the stream layer does). */
function lines(buf: Buffer, stream: 'stdout' | 'stderr') {
  const text = buf.toString('utf8');
  return text
    .split('\n')
    .filter((l, i, all) => !(l === '' && i === all.length - 1))
    .map((l) => {
      const sp = l.indexOf(' ');
      return { text: l.slice(sp + 1), dockerTime: l.slice(0, sp), stream, source: NAME };
    });
}

describe.skipIf(noSimulator)('parse: simulator logs (real Go output)', () => {
  let events: GEvent[] = [];
  let unparsed = -1;

  beforeAll(async () => {
    const base = await startSimulator(
      NAME,
      ['--fail-channels', '2:timeout,3:auth', '--relay-timeout', '200ms', '--monitor-interval', '200ms', '--warn-threshold', '20', '--high-threshold', '60', '--disable-after', '0'],
      ['--restart', 'on-failure', '-e', 'TZ=Asia/Shanghai'],
    );
    const post = (path: string) => fetch(base + path, { method: 'POST', body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' });
    await post('/v1/chat/completions?channel=2&retry=0');
    await post('/v1/chat/completions?channel=3&retry=0');
    await post('/sim/panic');
    await post('/sim/leak?n=80');
    const logsOf = async () => dockerRaw('logs', '-t', NAME);
    await poll('a High goroutine line', async () => ((await logsOf()).stderr.toString().includes('High goroutine count detected') ? true : undefined));
    await post('/sim/crash');
    await poll('the restart banner', async () => ((await logsOf()).stdout.toString().split(' started').length === 3 ? true : undefined), 20_000);
    const raw = await logsOf();
    const got = parse([...lines(raw.stdout, 'stdout'), ...lines(raw.stderr, 'stderr')]);
    events = got.events;
    unparsed = got.unparsed;
  }, 60_000);

  afterAll(() => removeContainers(NAME));

  const of = <K extends GEvent['kind']>(k: K) => events.filter((e) => e.kind === k) as Extract<GEvent, { kind: K }>[];

  it('every record is a known format; every event has a Docker time', () => {
    expect(unparsed).toBe(0);
    expect(events.filter((e) => e.time === null)).toEqual([]);
  });

  it('two banners, one crash between them, no fatal', () => {
    expect(of('startup').map((e) => [e.product, e.version])).toEqual([
      ['One API', 'v0.0.0-sim'],
      ['One API', 'v0.0.0-sim'],
    ]);
    expect(of('fatal')).toEqual([]);
    const crashes = of('crash');
    expect(crashes).toHaveLength(1);
    expect(crashes[0]).toMatchObject<Partial<CrashEvent>>({
      stream: 'stderr',
      crashKind: 'panic',
      message: 'runtime error: invalid memory address or nil pointer dereference',
      frames: ['main.processChannelRelayError'],
      truncated: false,
    });
    expect(crashes[0]!.signature).toMatch(/^[0-9a-f]{8} main\.processChannelRelayError$/);
  });

  it('the recovered panic is one event with its stack and request', () => {
    const panics = of('panic');
    expect(panics).toHaveLength(1);
    expect(panics[0]).toMatchObject<Partial<PanicEvent>>({
      stream: 'stderr',
      message: 'runtime error: invalid memory address or nil pointer dereference',
      recoveredBy: 'relay',
      request: 'POST /v1/chat/completions',
    });
    expect(panics[0]!.frames[0]).toBe('main.streamHandler');
    expect(panics[0]!.frames).not.toContain('main.relayPanicRecover.func1.1');
    expect(panics[0]!.requestId).toMatch(/^\d{23,31}$/);
  });

  it('one relay error per failing channel, classified; DoRequest lines are not extra timeouts', () => {
    const relay = of('relay_error').map((e: RelayErrorEvent) => [e.channel, e.userId, e.cause, e.timeoutClass]);
    expect(relay).toEqual([
      [2, 1, 'timeout', 'awaiting_headers'],
      [3, 1, 'auth', null],
    ]);
    expect(of('timeout')).toEqual([]);
    expect(of('retry')).toEqual([]);
  });

  it('the 500s of the timeout and of the panic are http errors; the 401 is not', () => {
    expect(of('http_error').map((e) => [e.status, e.method, e.path])).toEqual([
      [500, 'POST', '/v1/chat/completions?channel=2&retry=0'],
      [500, 'POST', '/v1/chat/completions'],
    ]);
  });

  it('goroutine samples carry the monitor level that matches the count', () => {
    const samples = of('goroutine') as GoroutineEvent[];
    expect(samples.some((e) => e.level === 'high')).toBe(true);
    for (const e of samples) {
      expect(e.level === 'high' ? e.count > 60 : e.count > 20 && e.count <= 60).toBe(true);
      expect(e.stream).toBe(e.level === 'high' ? 'stderr' : 'stdout');
    }
  });
});
