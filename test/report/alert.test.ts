// What alert prints on its own stdout (src/report/alert.ts), line by line in both languages. The alerter running
// against an engine and a recording server: test/e2e/alert*.engine.test.ts.
import { describe, expect, it } from 'vitest';
import { alertFollowLine, alertLevelLine, alertStartLine, alertStopLine } from '../../src/report/alert.js';

const T = '2026-01-01T00:00:00.000Z';

describe('alert lines', () => {
  const cases: { name: string; input: () => string; want: string }[] = [
    { name: 'start: names and targets', input: () => alertStartLine(['gw', 'db'], '30s', ['webhook', 'feishu'], 'en'), want: 'alert: watching gw, db every 30s → webhook, feishu' },
    { name: 'start: no target is a dry run', input: () => alertStartLine(['gw'], '1m', [], 'en'), want: 'alert: watching gw every 1m → dry run, nothing sent' },
    { name: 'start, Chinese', input: () => alertStartLine(['gw'], '30s', [], 'zh'), want: 'alert：每 30s 检查 gw → 演练，未发送' },
    { name: 'level with goroutines', input: () => alertLevelLine(T, { container: 'gw', level: 'warning', goroutines: 2417 }, 'en'), want: `${T} gw: warning (2417 goroutines)` },
    { name: 'level without goroutines', input: () => alertLevelLine(T, { container: 'gw', level: 'critical', goroutines: null }, 'en'), want: `${T} gw: critical` },
    { name: 'level, Chinese', input: () => alertLevelLine(T, { container: 'gw', level: 'ok', goroutines: 12 }, 'zh'), want: `${T} gw：ok (12 goroutines)` },
    { name: 'follow ended', input: () => alertFollowLine('gw', 'end of stream', '30s', 'en'), want: 'alert: log follow of gw ended (end of stream); retrying in 30s' },
    { name: 'follow ended, Chinese', input: () => alertFollowLine('gw', 'end of stream', '30s', 'zh'), want: 'alert：gw 的日志跟踪已结束（end of stream），30s 后重试' },
    { name: 'stop', input: () => alertStopLine(3, 2, 1, 'en'), want: 'alert: stopped after 3 check(s); 2 alert(s) delivered, 1 failed' },
    { name: 'stop, Chinese', input: () => alertStopLine(3, 2, 1, 'zh'), want: 'alert：已停止，共检查 3 轮；成功发送 2 条，失败 1 条' },
  ];
  for (const c of cases) it(c.name, () => expect(c.input()).toBe(c.want));
});
