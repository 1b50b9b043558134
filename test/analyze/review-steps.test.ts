// The next step for Docker restarts without a crash in the logs: its count in words, one restart without a plural,
// in the JSON text and in the report's languages.
import { describe, expect, it } from 'vitest';
import { buildReview, nextSteps } from '../../src/analyze/review.js';
import { stepText } from '../../src/report/review.js';
import { DEFAULT_THRESHOLDS } from '../../src/config.js';

function steps(restartCount: number) {
  const { data } = buildReview([], {
    thresholds: DEFAULT_THRESHOLDS,
    tz: 'UTC',
    from: null,
    to: null,
    sources: [{ spec: 'one-api', kind: 'container', name: 'one-api' }],
    container: { name: 'one-api', restartCount },
  });
  return nextSteps(data).filter((s) => s.id === 'docker_restarts');
}

describe('review: Docker restarts and no crash in the logs', () => {
  it.each([
    { n: 1, en: 'Docker restarted the container 1 time and the logs hold no crash: look for OOM kills and the exit code', json: 'Docker restarted the container 1 time; the logs hold no crash, so look at OOM kills and the exit code' },
    { n: 3, en: 'Docker restarted the container 3 times and the logs hold no crash: look for OOM kills and the exit code', json: 'Docker restarted the container 3 times; the logs hold no crash, so look at OOM kills and the exit code' },
  ])('$n restart(s)', ({ n, en, json }) => {
    const s = steps(n);
    expect(s.map((x) => [x.severity, x.text, x.command])).toEqual([['info', json, 'docker inspect one-api']]);
    expect(stepText(s[0]!, 'en', 'UTC')).toBe(en);
    expect(stepText(s[0]!, 'zh', 'UTC')).toContain(`${n}`);
  });

  it('no restart: no step', () => {
    expect(steps(0)).toEqual([]);
  });
});
