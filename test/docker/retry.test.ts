// retrying(): a call the daemon does not answer is tried again until the deadline; answers and refusals are final;
// a stream is tried again only while it has delivered nothing; the error names the timeout used and the tries.
import { describe, expect, it } from 'vitest';
import { retrying } from '../../src/docker/retry.js';
import { DockerTimeout } from '../../src/docker/client.js';
import { EXIT, GoroscopeError, PermissionError } from '../../src/errors.js';
import { DockerHttpError } from '../../src/docker/runtime.js';
import { FakeDocker } from '../helpers/fake-docker.js';

/** A FakeDocker whose inspect/stats/logs fail with `errors` one after the other, then answer. */
function flaky(errors: unknown[]) {
  const fake = new FakeDocker('unix:///fake.sock');
  const { Id } = fake.add({ name: 'gw', logs: [{ text: 'a' }, { text: 'b' }] });
  const queue = [...errors];
  const fail = <T>(call: () => Promise<T>) => () => {
    const e = queue.shift();
    return e === undefined ? call() : Promise.reject(e);
  };
  const d = Object.create(fake) as FakeDocker;
  d.inspect = (id, s) => fail(() => fake.inspect(id, s))();
  d.stats = (id, s) => fail(() => fake.stats(id, s))();
  d.logs = (id, q, sink) => fail(() => fake.logs(id, q, sink))();
  return { d, Id, left: () => queue.length };
}

const timeout = () => new DockerTimeout('unix:///fake.sock', 5000, 'inspect');

describe('retrying', () => {
  const cases: { name: string; errors: unknown[]; deadlineMs: number; want: { ok: boolean; code?: number; tries: number; message?: RegExp } }[] = [
    { name: 'two timeouts, then an answer', errors: [timeout(), timeout()], deadlineMs: 10_000, want: { ok: true, tries: 3 } },
    { name: 'timeouts past the deadline: the last error, with the tries', errors: Array.from({ length: 50 }, timeout), deadlineMs: 600, want: { ok: false, code: EXIT.UNAVAILABLE, tries: -1, message: /did not answer inspect within 5 s/ } },
    { name: 'no such container is final', errors: [new DockerHttpError(404, 'No such container: gw')], deadlineMs: 10_000, want: { ok: false, tries: 1 } },
    { name: 'no permission is final', errors: [new PermissionError('permission denied on the Docker socket')], deadlineMs: 10_000, want: { ok: false, code: EXIT.PERMISSION, tries: 1 } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { d, left } = flaky(c.errors);
      const before = left();
      const r = retrying(d, { deadline: Date.now() + c.deadlineMs });
      const got = await r.inspect('gw').then(
        (x) => ({ ok: true as const, x }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      expect(got.ok).toBe(c.want.ok);
      if (c.want.tries >= 0) expect(before - left() + (got.ok ? 1 : 0)).toBe(c.want.tries);
      if (!got.ok && c.want.code !== undefined) expect((got.e as GoroscopeError).exitCode).toBe(c.want.code);
      if (!got.ok && c.want.message) {
        const e = got.e as GoroscopeError;
        expect(e.message).toMatch(c.want.message);
        expect(e.value).toMatch(/^unix:\/\/\/fake\.sock; \d+ tries in \d+(\.\d)? s$/);
      }
    });
  }

  it('a stream that delivered nothing is tried again; one that delivered is not', async () => {
    const { d, Id } = flaky([timeout()]);
    const got: string[] = [];
    await retrying(d, { deadline: Date.now() + 5000 }).logs(Id, { timestamps: false, tty: false }, (_s, p) => void got.push(p.toString().trim()));
    expect(got).toEqual(['a', 'b']);

    const fake = new FakeDocker();
    const { Id: id2 } = fake.add({ name: 'gw', logs: [{ text: 'a' }, { text: 'b' }] });
    let calls = 0;
    const cut = Object.create(fake) as FakeDocker;
    cut.logs = async (id, q, sink) => {
      calls++;
      await fake.logs(id, { ...q, tail: 1 }, sink);
      throw timeout();
    };
    const err = await retrying(cut, { deadline: Date.now() + 5000 }).logs(id2, { timestamps: false, tty: false }, () => undefined).catch((e: unknown) => e);
    expect([calls, (err as GoroscopeError).exitCode]).toEqual([1, EXIT.UNAVAILABLE]);
  });

  it('Ctrl-C ends the waiting between tries', async () => {
    const { d } = flaky(Array.from({ length: 50 }, timeout));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const err = await retrying(d, { deadline: Date.now() + 60_000, signal: ac.signal }).inspect('gw').catch((e: unknown) => e);
    expect((err as GoroscopeError).exitCode).toBe(EXIT.UNAVAILABLE);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
