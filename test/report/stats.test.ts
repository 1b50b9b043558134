// stats' output (src/report/stats.ts) on rows made by hand: the table with the docker CLI's units in both languages,
// and the JSON document of one sample. Sampling the rows: test/commands/stats-check.test.ts (in-memory engine); the
// command against docker's own numbers: test/e2e/stats.engine.test.ts.
import { describe, expect, it } from 'vitest';
import { renderStatsTable, statsJson, type StatsRow } from '../../src/report/stats.js';

const busy: StatsRow = {
  name: 'busy',
  id: 'a1',
  state: 'running',
  restartCount: 4,
  oomKilled: false,
  exitCode: 0,
  startedAt: '2026-01-01T00:00:00.123456789Z',
  cpuPercent: 99.5,
  memory: { usageBytes: 600 * 1024, limitBytes: 256 << 20, percent: 0.23 },
  net: { rxBytes: 1234, txBytes: 12_345_678 },
  block: { readBytes: 0, writeBytes: 999_600 },
  pids: 3,
};
const idle: StatsRow = {
  name: 'idle',
  id: 'b2',
  state: 'exited',
  restartCount: 0,
  oomKilled: true,
  exitCode: 137,
  startedAt: null,
  cpuPercent: 0,
  memory: { usageBytes: 0, limitBytes: 0, percent: 0 },
  net: { rxBytes: 0, txBytes: 0 },
  block: { readBytes: 0, writeBytes: 0 },
  pids: 0,
};

describe('renderStatsTable', () => {
  it('docker stats units: binary memory, decimal I/O (Go rounding), the start time without its fraction, - when never started', () => {
    expect(renderStatsTable([busy, idle], 'en')).toBe(
      [
        'CONTAINER   STATE     RESTARTS   CPU %    MEM USAGE / LIMIT   MEM %   NET I/O           BLOCK I/O      PIDS   OOM   EXIT   STARTED',
        'busy        running   4          99.50%   600KiB / 256MiB     0.23%   1.23kB / 12.3MB   0B / 1e+03kB   3      no    0      2026-01-01T00:00:00Z',
        'idle        exited    0          0.00%    0B / 0B             0.00%   0B / 0B           0B / 0B        0      yes   137    -',
        '',
      ].join('\n'),
    );
  });

  it('Chinese headers, columns lined up by display width', () => {
    expect(renderStatsTable([busy, idle], 'zh')).toBe(
      [
        '容器   状态      重启   CPU %    内存用量 / 上限   内存 %   网络 I/O          磁盘 I/O       进程数   OOM   退出码   启动时间',
        'busy   running   4      99.50%   600KiB / 256MiB   0.23%    1.23kB / 12.3MB   0B / 1e+03kB   3        no    0        2026-01-01T00:00:00Z',
        'idle   exited    0      0.00%    0B / 0B           0.00%    0B / 0B           0B / 0B        0        yes   137      -',
        '',
      ].join('\n'),
    );
  });

  it('no rows: the header alone', () => {
    expect(renderStatsTable([], 'en')).toBe('CONTAINER   STATE   RESTARTS   CPU %   MEM USAGE / LIMIT   MEM %   NET I/O   BLOCK I/O   PIDS   OOM   EXIT   STARTED\n');
  });
});

describe('statsJson', () => {
  it('the sample time in ISO form, the rows as they are', () => {
    expect(statsJson(Date.parse('2026-01-01T01:00:00Z'), [idle])).toEqual({ time: '2026-01-01T01:00:00.000Z', containers: [idle] });
  });
});
