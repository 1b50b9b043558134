// Live: the simulator container leaks while `goroutines URL --interval 2s` samples it; main.leakyRelay must be the
// first suspect. Also the URL error paths against the same real process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerRaw, noSimulator, removeContainers, uniqueName } from '../helpers/engine.js';
import { goroscope } from '../helpers/cli.js';
import { poll, startSimulator } from '../helpers/sim.js';

describe.skipIf(noSimulator)('goroutines against the live simulator', () => {
  const name = uniqueName('goroutines');
  let base = '';
  beforeAll(async () => {
    base = await startSimulator(name);
  });
  afterAll(async () => {
    await removeContainers(name);
  });

  it('finds main.leakyRelay as the first suspect while the leak happens between the samples', async () => {
    const run = goroscope(['goroutines', base, '--interval', '2s', '--json']);
    // Leak only after the first sample was served: its access line is in the container's log.
    await poll('first pprof request', async () => {
      const { stdout } = await dockerRaw('logs', name);
      return /\| +GET \/debug\/pprof\/goroutine\?debug=2$/m.test(stdout.toString('utf8')) ? true : undefined;
    });
    const leak = (await (await fetch(`${base}/sim/leak?n=300`, { method: 'POST' })).json()) as { leaked: number };
    expect(leak.leaked).toBe(300);
    const r = await run;
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const j = JSON.parse(r.stdout) as { total: number; groups: { top: string; count: number }[]; suspects: { top: string; before: number; after: number; growth: number; perMinute: number; createdBy: string }[] };
    const first = j.suspects[0]!;
    expect({ top: first.top, before: first.before, after: first.after, growth: first.growth, createdBy: first.createdBy }).toEqual({
      top: 'main.leakyRelay', before: 0, after: 300, growth: 300, createdBy: 'main.leak',
    });
    // 300 in a little over 2 s
    expect(first.perMinute).toBeGreaterThan(300 * 60 / 4);
    expect(first.perMinute).toBeLessThanOrEqual(300 * 60 / 2);
    expect(j.groups[0]).toMatchObject({ top: 'main.leakyRelay', count: 300 });
  });

  const errors = [
    { name: 'a JSON endpoint is not a dump', input: () => `${base}/api/status`, want: (b: string) => ({ code: 65, first: `error: not a goroutine dump (first line: ${JSON.stringify('{"data":{"display_in_currency":true,"email_verification":false,"github_oauth":false,"quota_per_unit":500000,"start_time":'.slice(0, 60))}) (${b}/api/status)` }) },
    { name: 'a 404 path', input: () => `${base}/debug/pprof/nothing`, want: (b: string) => ({ code: 69, first: `error: the pprof endpoint answered HTTP 404 (${b}/debug/pprof/nothing)` }) },
  ];
  it.each(errors)('$name', async ({ input, want }) => {
    const r = await goroscope(['goroutines', input()]);
    expect({ code: r.code, first: r.stderr.split('\n')[0] }).toEqual(want(base));
  });

  it('a debug=1 URL parses too', async () => {
    const r = await goroscope(['goroutines', `${base}/debug/pprof/goroutine?debug=1`, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { total: number; groups: { top: string; count: number; state: null }[] };
    expect(j.groups[0]).toMatchObject({ top: 'main.leakyRelay', count: 300, state: null });
  });
});
