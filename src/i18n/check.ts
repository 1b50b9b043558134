// Human text of `check`, `stats` and `watch`, in English and Simplified Chinese. JSON keys never change.
import { fmt, timesWord, type Lang, type Messages } from '../i18n.js';
import type { Reason, Level } from '../analyze/verdict.js';

const reasons: Messages<Reason['code']> = {
  en: {
    no_container: 'cannot inspect the container: {error}',
    not_running: 'container is not running (state {status}, exit code {exitCode})',
    restarting: 'container is restarting (last exit code {exitCode})',
    oom_killed: 'the last run was killed for lack of memory (OOMKilled)',
    restarts: 'restarted {count} {times} (baseline {baseline})',
    unhealthy: 'Docker healthcheck says unhealthy',
    goroutines_ok: '{count} goroutines (warning at {warning})',
    goroutines_warning: '{count} goroutines ≥ warning threshold {warning}',
    goroutines_critical: '{count} goroutines ≥ critical threshold {critical}',
    goroutines_emergency: 'EMERGENCY: {count} goroutines ≥ {emergency} — collect evidence before restarting',
    goroutines_from_log: 'count from the last monitor line in the logs ({time}); health endpoint: {error}',
    no_goroutines: 'no goroutine count: health endpoint {error}, and no monitor line in the last 10 minutes of logs',
  },
  zh: {
    no_container: '无法查看容器：{error}',
    not_running: '容器未运行（状态 {status}，退出码 {exitCode}）',
    restarting: '容器正在重启（上次退出码 {exitCode}）',
    oom_killed: '上次运行因内存不足被杀（OOMKilled）',
    restarts: '已重启 {count} 次（基线 {baseline}）',
    unhealthy: 'Docker 健康检查：unhealthy',
    goroutines_ok: '{count} 个 goroutine（警告阈值 {warning}）',
    goroutines_warning: '{count} 个 goroutine ≥ 警告阈值 {warning}',
    goroutines_critical: '{count} 个 goroutine ≥ 严重阈值 {critical}',
    goroutines_emergency: '紧急：{count} 个 goroutine ≥ {emergency} —— 重启前先收集证据',
    goroutines_from_log: '数量取自日志中最近的监控行（{time}）；健康接口：{error}',
    no_goroutines: '无法获得 goroutine 数量：健康接口 {error}，最近 10 分钟日志中也没有监控行',
  },
};

// Fixed phrases that appear inside reason values (src/sources/facts.ts).
const PHRASES_ZH: Record<string, string> = {
  'has no known URL (give --health-url)': '没有已知地址（请用 --health-url 指定）',
  'not asked (container not running)': '未查询（容器未运行）',
};

export function reasonText(r: Reason, lang: Lang): string {
  const vars = lang === 'zh' ? Object.fromEntries(Object.entries(r.vars).map(([k, v]) => [k, PHRASES_ZH[String(v)] ?? v])) : r.vars;
  // `restarted 1 time`, `restarted 2 times` (the Chinese has no plural)
  return fmt(reasons[lang][r.code], r.code === 'restarts' ? { ...vars, times: timesWord(vars['count']) } : vars);
}

export const levelNames: Record<Lang, Record<Level | 'emergency', string>> = {
  en: { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN', emergency: 'EMERGENCY' },
  zh: { ok: '正常', warning: '警告', critical: '严重', unknown: '未知', emergency: '紧急' },
};

type Key =
  | 'overall'
  | 'state'
  | 'uptime'
  | 'restarts'
  | 'health'
  | 'healthUrl'
  | 'urlFrom'
  | 'goroutines'
  | 'memory'
  | 'cpu'
  | 'containerMemory'
  | 'bundleHint'
  | 'none'
  | 'fromLog'
  | 'sample'
  | 'watching'
  | 'summary'
  | 'duration'
  | 'samples'
  | 'minMaxAvg'
  | 'events'
  | 'noEvents'
  | 'stopHint'
  | 'recordTo'
  | 'noUrl'
  | 'dockerDown'
  | 'endpointDown'
  | 'growth'
  | 'growthWindow'
  | 'relayErrors'
  | 'relayErrorsSince'
  | 'moreChannels';

export const messages: Messages<Key> = {
  en: {
    overall: 'overall',
    state: 'state',
    uptime: 'up',
    restarts: 'Docker RestartCount',
    health: 'health',
    healthUrl: 'health URL',
    urlFrom: 'from',
    goroutines: 'goroutines',
    memory: 'Go memory',
    cpu: 'CPU',
    containerMemory: 'container memory',
    bundleHint: 'run now: goroscope bundle {name}   (logs, health, inspect, stats, goroutine dump in one archive)',
    none: '—',
    fromLog: 'from logs',
    sample: 'sample',
    watching: 'watching {name} every {interval}; Ctrl-C to stop',
    summary: 'session summary for {name}',
    duration: 'duration',
    samples: 'samples',
    minMaxAvg: 'min / max / avg / current',
    events: 'newest panics, crashes, timeouts',
    noEvents: '(none yet)',
    stopHint: 'Ctrl-C to stop',
    recordTo: 'recording samples to {file}',
    noUrl: 'no URL: the container publishes no port 3000/tcp and is not on the host network; give --health-url',
    dockerDown: 'cannot inspect the container: {error} (retrying)',
    endpointDown: 'health endpoint: {error} (retrying)',
    growth: 'growth',
    growthWindow: 'over the last {minutes} min, within runs',
    relayErrors: 'relay errors',
    relayErrorsSince: 'relay errors by channel since {time}',
    moreChannels: '+{channels} more channels, {errors} errors',
  },
  zh: {
    overall: '总体',
    state: '状态',
    uptime: '运行时长',
    restarts: 'Docker 重启计数',
    health: '健康接口',
    healthUrl: '健康接口地址',
    urlFrom: '来源',
    goroutines: 'goroutine',
    memory: 'Go 内存',
    cpu: 'CPU',
    containerMemory: '容器内存',
    bundleHint: '立即执行：goroscope bundle {name}   （日志、健康接口、inspect、stats、goroutine 转储打包为一个归档）',
    none: '—',
    fromLog: '来自日志',
    sample: '采样',
    watching: '正在监控 {name}，每 {interval} 采样一次；按 Ctrl-C 停止',
    summary: '{name} 的监控小结',
    duration: '时长',
    samples: '采样数',
    minMaxAvg: '最小 / 最大 / 平均 / 当前',
    events: '最新的 panic、崩溃、超时',
    noEvents: '（暂无）',
    stopHint: '按 Ctrl-C 停止',
    recordTo: '采样记录写入 {file}',
    noUrl: '无地址：容器未发布 3000/tcp 端口，也不在 host 网络上；请用 --health-url 指定',
    dockerDown: '无法查看容器：{error}（重试中）',
    endpointDown: '健康接口：{error}（重试中）',
    growth: '增长',
    growthWindow: '最近 {minutes} 分钟，按运行分段',
    relayErrors: '转发错误',
    relayErrorsSince: '{time} 以来各渠道的转发错误',
    moreChannels: '另有 {channels} 个渠道，共 {errors} 个错误',
  },
};
