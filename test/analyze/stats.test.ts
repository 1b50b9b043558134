import { describe, it, expect } from 'vitest';
import { computeStats, bytesSize, humanSize, goG, isEmptySample, type RawStats } from '../../src/analyze/stats.js';

// cgroup v1 sample, shaped like this engine's (Docker 20.10, cgroupfs v1) answer for a busy loop.
const v1: RawStats = {
  read: '2026-11-26T14:00:01.000000000Z',
  pids_stats: { current: 3 },
  cpu_stats: { cpu_usage: { total_usage: 2_000_000_000, percpu_usage: [1, 2] }, system_cpu_usage: 10_000_000_000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 8_000_000_000, online_cpus: 2 },
  memory_stats: { usage: 10_000_000, limit: 268_435_456, stats: { cache: 4_000_000, total_inactive_file: 3_000_000 } },
  networks: { eth0: { rx_bytes: 1500, tx_bytes: 700 }, eth1: { rx_bytes: 500, tx_bytes: 300 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: 'Read', value: 4096 },
      { op: 'Write', value: 8192 },
      { op: 'Sync', value: 1 },
      { op: 'Read', value: 4096 },
      { op: 'Total', value: 16384 },
    ],
  },
};

const cases: { name: string; input: RawStats; want: ReturnType<typeof computeStats> }[] = [
  {
    name: 'cgroup v1: total_inactive_file subtracted, Δcpu/Δsys × cpus',
    input: v1,
    want: {
      cpuPercent: 100,
      memory: { usageBytes: 7_000_000, limitBytes: 268_435_456, percent: 2.61 },
      net: { rxBytes: 2000, txBytes: 1000 },
      block: { readBytes: 8192, writeBytes: 8192 },
      pids: 3,
    },
  },
  {
    name: 'cgroup v2: inactive_file, lower-case ops, no percpu',
    input: {
      read: '2026-11-26T14:00:01Z',
      pids_stats: { current: 12 },
      cpu_stats: { cpu_usage: { total_usage: 1_500 }, system_cpu_usage: 20_000, online_cpus: 4 },
      precpu_stats: { cpu_usage: { total_usage: 1_000 }, system_cpu_usage: 10_000, online_cpus: 4 },
      memory_stats: { usage: 5_000, limit: 10_000, stats: { inactive_file: 1_000, file: 2_000 } },
      blkio_stats: { io_service_bytes_recursive: [{ op: 'read', value: 10 }, { op: 'write', value: 20 }] },
    },
    want: {
      cpuPercent: 20,
      memory: { usageBytes: 4_000, limitBytes: 10_000, percent: 40 },
      net: { rxBytes: 0, txBytes: 0 },
      block: { readBytes: 10, writeBytes: 20 },
      pids: 12,
    },
  },
  {
    name: 'inactive_file larger than usage is not subtracted',
    input: { read: 'x', memory_stats: { usage: 100, limit: 1000, stats: { total_inactive_file: 200 } } },
    want: {
      cpuPercent: 0,
      memory: { usageBytes: 100, limitBytes: 1000, percent: 10 },
      net: { rxBytes: 0, txBytes: 0 },
      block: { readBytes: 0, writeBytes: 0 },
      pids: 0,
    },
  },
  {
    name: 'empty precpu (one-shot / first stream sample) gives 0, not a made-up number',
    input: { ...v1, precpu_stats: { cpu_usage: { total_usage: 0 } } },
    want: { ...computeStats(v1), cpuPercent: 0 },
  },
  {
    name: 'stopped container: all zeros, null entries',
    input: {
      read: '0001-01-01T00:00:00Z',
      pids_stats: {},
      cpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 },
      precpu_stats: { cpu_usage: { total_usage: 0 } },
      memory_stats: {},
      blkio_stats: { io_service_bytes_recursive: null },
    },
    want: {
      cpuPercent: 0,
      memory: { usageBytes: 0, limitBytes: 0, percent: 0 },
      net: { rxBytes: 0, txBytes: 0 },
      block: { readBytes: 0, writeBytes: 0 },
      pids: 0,
    },
  },
];

describe('computeStats', () => {
  it.each(cases)('$name', ({ input, want }) => expect(computeStats(input)).toEqual(want));
  it('tells the empty sample of a stopped container', () => {
    expect([isEmptySample({ read: '0001-01-01T00:00:00Z' }), isEmptySample({}), isEmptySample(v1)]).toEqual([true, true, false]);
  });
});

describe('docker CLI number format', () => {
  const table = [
    { name: 'bytes 0', input: () => bytesSize(0), want: '0B' },
    { name: 'bytes 600 KiB', input: () => bytesSize(614_400), want: '600KiB' },
    { name: 'bytes 256 MiB', input: () => bytesSize(268_435_456), want: '256MiB' },
    { name: 'bytes 1.953 GiB', input: () => bytesSize(2_097_152_000), want: '1.953GiB' },
    { name: 'bytes 1023', input: () => bytesSize(1023), want: '1023B' },
    { name: 'human 0', input: () => humanSize(0), want: '0B' },
    { name: 'human 1.23kB', input: () => humanSize(1234), want: '1.23kB' },
    { name: 'human 12.3MB', input: () => humanSize(12_345_678), want: '12.3MB' },
    { name: 'human 999.6kB rounds to 1e+03kB as Go does', input: () => humanSize(999_600), want: '1e+03kB' },
    { name: '%g small', input: () => goG(0.000012345, 3), want: '1.23e-05' },
    { name: '%g integer', input: () => goG(42, 3), want: '42' },
  ];
  it.each(table)('$name', ({ input, want }) => expect(input()).toBe(want));
});
