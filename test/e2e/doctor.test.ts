// `goroscope doctor` through the real binary where no engine is needed: no daemon at the address is a blocker
// (exit 2) with what to do, in text, in Chinese and in JSON; bad usage is 64.
import { describe, expect, it } from 'vitest';
import { goroscope } from '../helpers/cli.js';

const NO_DAEMON = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

describe('doctor without a Docker daemon', () => {
  it('text: the blocker, why, what to do, exit 2', async () => {
    const r = await goroscope(['doctor', 'one-api', '--out', '/tmp'], { env: NO_DAEMON });
    const lines = r.stdout.split('\n');
    expect([r.code, r.stderr]).toEqual([2, '']);
    expect(lines.slice(0, 7)).toEqual([
      'goroscope doctor: ready for an emergency?',
      '',
      'Docker',
      '  BLOCKS   cannot reach the Docker daemon (unix:///nonexistent/docker.sock); the address is from DOCKER_HOST',
      '           why: nothing can be collected: no logs, no inspect, no stats',
      "           fix: is Docker running? check --host, DOCKER_HOST and `docker context ls`",
      '',
    ]);
    expect(lines.at(-2)).toBe('1 blocker: an emergency collection cannot be made as things are (exit 2)');
  });

  it('Chinese', async () => {
    const r = await goroscope(['doctor', '--lang', 'zh', '--out', '/tmp'], { env: NO_DAEMON });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      '  阻断  cannot reach the Docker daemon (unix:///nonexistent/docker.sock)；地址来自 DOCKER_HOST\n        影响：什么都无法收集：没有日志、inspect、stats\n',
    );
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 个阻断项：按现状无法进行应急收集（退出码 2）');
  });

  it('--json: readiness, exit code and the finding by code', async () => {
    const r = await goroscope(['doctor', '--json', '--out', '/tmp'], { env: NO_DAEMON });
    const doc = JSON.parse(r.stdout);
    expect([r.code, doc.readiness, doc.exitCode, doc.docker.from, doc.docker.error.exitCode, doc.findings.map((f: { code: string }) => f.code)]).toEqual([
      2,
      'blocked',
      2,
      'DOCKER_HOST',
      69,
      ['docker_unreachable', 'output_ok'],
    ]);
  });

  it('bad usage is one line and 64', async () => {
    const r = await goroscope(['doctor', '--timeout', 'soon'], { env: NO_DAEMON });
    expect([r.code, r.stdout, r.stderr.split('\n')[0]]).toEqual([64, '', 'error: --timeout must be a whole number of ms, at least 1 (soon)']);
  });
});
