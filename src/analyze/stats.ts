// Container stats the way the docker CLI computes and prints them (docker/cli
// cli/command/container/stats_helpers.go, go-units). Pure: a function of one Engine API stats document.

/** The fields of `GET /containers/{id}/stats?stream=false` we read. Everything optional: stopped containers send `{}`. */
export interface RawStats {
  read?: string;
  preread?: string;
  pids_stats?: { current?: number } | null;
  cpu_stats?: CpuStats | null;
  precpu_stats?: CpuStats | null;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> | null; privateworkingset?: number } | null;
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
  blkio_stats?: { io_service_bytes_recursive?: ({ op?: string; value?: number } | null)[] | null } | null;
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null } | null;
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ContainerStats {
  /** Percent of one CPU × number of CPUs (a busy loop on one core reads ~100). 2 decimals. */
  cpuPercent: number;
  memory: { usageBytes: number; limitBytes: number; percent: number };
  net: { rxBytes: number; txBytes: number };
  block: { readBytes: number; writeBytes: number };
  pids: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** calculateCPUPercentUnix: Δcontainer / Δsystem × online CPUs × 100; 0 when precpu is empty (first sample, one-shot). */
export function cpuPercent(s: RawStats): number {
  const cur = s.cpu_stats;
  const pre = s.precpu_stats;
  const cpuDelta = (cur?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (cur?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  // percpu_usage is absent on cgroup v2; online_cpus is there on every supported engine.
  const cpus = cur?.online_cpus || cur?.cpu_usage?.percpu_usage?.length || 0;
  if (!pre?.cpu_usage?.total_usage || !pre.system_cpu_usage) return 0;
  return sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
}

/** calculateMemUsageUnixNoCache: usage minus inactive file pages (`total_inactive_file` v1, `inactive_file` v2). */
export function memoryUsage(m: RawStats['memory_stats']): number {
  const usage = m?.usage ?? 0;
  const st = m?.stats ?? {};
  const v1 = st.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = st.inactive_file;
  if (v2 !== undefined && v2 < usage) return usage - v2;
  return usage;
}

/** Σ rx / tx over every network (absent for `--network none` and the host network). */
export function netIO(s: RawStats): { rxBytes: number; txBytes: number } {
  let rxBytes = 0;
  let txBytes = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rxBytes += n?.rx_bytes ?? 0;
    txBytes += n?.tx_bytes ?? 0;
  }
  return { rxBytes, txBytes };
}

/** Σ io_service_bytes_recursive by op: `Read`/`Write` (v1), `read`/`write` (v2). */
export function blockIO(s: RawStats): { readBytes: number; writeBytes: number } {
  let readBytes = 0;
  let writeBytes = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = e?.op?.[0];
    if (op === 'r' || op === 'R') readBytes += e?.value ?? 0;
    else if (op === 'w' || op === 'W') writeBytes += e?.value ?? 0;
  }
  return { readBytes, writeBytes };
}

export function computeStats(s: RawStats): ContainerStats {
  const usageBytes = memoryUsage(s.memory_stats);
  const limitBytes = s.memory_stats?.limit ?? 0;
  return {
    cpuPercent: round2(cpuPercent(s)),
    memory: { usageBytes, limitBytes, percent: limitBytes > 0 ? round2((usageBytes / limitBytes) * 100) : 0 },
    net: netIO(s),
    block: blockIO(s),
    pids: s.pids_stats?.current ?? 0,
  };
}

/** True for the all-zero document a stopped container returns (`read` = 0001-01-01…). */
export function isEmptySample(s: RawStats): boolean {
  return !s.read || s.read.startsWith('0001-01-01');
}

// ---- printing, as `docker stats` does (go-units) ----

/** Go's `%.<p>g`: p significant digits, trailing zeros removed, exponent form when exp < -4 or ≥ p. */
export function goG(x: number, p: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(p)))));
  if (exp < -4 || exp >= p) {
    const [mant, e] = x.toExponential(p - 1).split('e');
    const m = mant!.includes('.') ? mant!.replace(/\.?0+$/, '') : mant!;
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  const s = x.toPrecision(p);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

function customSize(size: number, base: number, units: string[], precision: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return `${goG(size, precision)}${units[i]}`;
}

/** go-units BytesSize: `600KiB`, `1.953GiB` (memory column). */
export const bytesSize = (n: number): string => customSize(n, 1024, BINARY, 4);
/** go-units HumanSizeWithPrecision(n, 3): `1.23kB`, `0B` (net and block I/O columns). */
export const humanSize = (n: number): string => customSize(n, 1000, DECIMAL, 3);
/** `99.91%` */
export const percent = (n: number): string => `${n.toFixed(2)}%`;
