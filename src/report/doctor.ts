// `goroscope doctor` output: each finding as a sentence, why it matters before an emergency, and what to do, in
// English and Simplified Chinese; the JSON document (docs/doctor.md). Pure.
import type { ChalkInstance } from 'chalk';
import { fmt, type Lang } from '../i18n.js';
import { displayWidth } from './text.js';
import { READINESS_EXIT, type Finding, type FindingCode, type FindingLevel, type Readiness } from '../analyze/readiness.js';
import type { GatewayFacts, ReadinessFacts } from '../sources/readiness.js';

interface Words {
  text: string;
  /** What it costs in an emergency. */
  why?: string;
  /** What to do. */
  fix?: string;
}

const PPROF_WHY_EN = 'a bundle will hold no goroutine dumps, so a leak cannot be traced to the stack that holds it';
const PPROF_FIX_EN = 'ezlinkai: set METRICS_PORT and publish that port; new-api: ENABLE_PPROF=true (port 8005); or give --pprof-url (pprofUrl in the config file)';
const HEALTH_WHY_EN = 'check, watch and alert get the goroutine count only from the monitor lines in the logs (every 30 s, and only above 2000 unless DEBUG=true)';
const NO_LOGS_WHY_EN = 'a bundle would hold no logs, and scan, trend and review would have nothing to read';
const PPROF_WHY_ZH = '应急包里将没有 goroutine 转储，泄漏无法追溯到具体调用栈';
const PPROF_FIX_ZH = 'ezlinkai：设置 METRICS_PORT 并发布该端口；new-api：ENABLE_PPROF=true（端口 8005）；或用 --pprof-url 指定（配置文件 pprofUrl）';
const HEALTH_WHY_ZH = 'check、watch、alert 只能从日志中的监控行获得 goroutine 数量（每 30 秒一次，且未开 DEBUG 时只在超过 2000 后才有）';
const NO_LOGS_WHY_ZH = '应急包里将没有日志，scan、trend、review 也无内容可读';

type Msg = {
  title: string;
  docker: string;
  output: string;
  others: string;
  gateway: string;
  found: Record<GatewayFacts['matchedBy'], string>;
  whyLabel: string;
  fixLabel: string;
  levels: Record<FindingLevel, string>;
  verdict: Record<Readiness, string>;
  count: Record<'warning' | 'blocker', [string, string]>;
  findings: Record<FindingCode, Words>;
};

export const DOCTOR_MSG: Record<Lang, Msg> = {
  en: {
    title: 'goroscope doctor: ready for an emergency?',
    docker: 'Docker',
    output: 'Bundles',
    others: 'Other containers',
    gateway: '{name} ({image}, {state}; {found})',
    found: { named: 'named', image: 'found by its image', name: 'found by its name' },
    whyLabel: 'why: ',
    fixLabel: 'fix: ',
    levels: { ok: 'ok', info: 'info', warning: 'WARNING', blocker: 'BLOCKS' },
    verdict: {
      ready: 'ready: nothing missing for an emergency collection (exit 0)',
      warnings: '{warnings}: an emergency collection will lack something (exit 1)',
      blocked: '{blockers}: an emergency collection cannot be made as things are (exit 2)',
      'nothing-found': 'no gateway container to check (exit 3)',
    },
    count: { warning: ['1 warning', '{n} warnings'], blocker: ['1 blocker', '{n} blockers'] },
    findings: {
      docker_ok: { text: 'Docker {version} (API {api}) answers at {endpoint} ({from})' },
      docker_unreachable: { text: '{error}; the address is from {from}', why: 'nothing can be collected: no logs, no inspect, no stats', fix: '{hint}' },
      docker_permission: { text: '{error}; the address is from {from}', why: 'nothing can be collected: no logs, no inspect, no stats', fix: '{hint}' },
      docker_api_old: {
        text: 'the Docker API is {api}, older than {min} (Docker 18.02)',
        why: 'the daemon ignores the end time of a log read: a bundle of a running gateway can hold lines written after it began',
        fix: 'upgrade Docker',
      },
      docker_context_overridden: { text: '{from} overrides the Docker context {context}, as it does for the docker CLI', fix: 'unset DOCKER_HOST (or drop --host) to use the context' },
      no_gateway: {
        text: 'no One API–family container among the {count} containers of this engine (images and names one-api, new-api, one-hub, done-hub; the goroscope simulator)',
        fix: 'name yours: goroscope doctor CONTAINER',
      },
      port_only: { text: '{name} ({image}) listens on port 3000 but does not look like a gateway; not checked', fix: 'goroscope doctor {name} checks it' },
      no_such_container: { text: 'no such container ({name})', why: 'nothing of it can be collected', fix: '{hint}' },
      lookup_failed: { text: 'cannot inspect the container: {error}', why: 'nothing of it can be collected', fix: '{hint}' },
      not_running: {
        text: 'not running ({status}, exit code {exitCode}): its health and pprof endpoints were not asked',
        why: 'a bundle of a stopped gateway holds its logs and inspect, nothing live',
        fix: 'docker start {name}',
      },
      logs_ok: { text: 'logs: the {driver} driver, readable through Docker' },
      logs_none: { text: 'logs: the {driver} log driver keeps no logs', why: NO_LOGS_WHY_EN, fix: 'recreate the container with --log-driver json-file (or local), e.g. --log-opt max-size=100m --log-opt max-file=5' },
      logs_unreadable: { text: 'logs: the {driver} log driver cannot be read through Docker', why: NO_LOGS_WHY_EN, fix: '{hint}' },
      logs_failed: { text: 'logs: a read through Docker failed: {error}', why: 'a bundle may hold no logs' },
      restart_ok: { text: 'restart policy "{policy}"' },
      restart_none: { text: 'restart policy "{policy}": after a crash the gateway stays down', fix: 'docker update --restart unless-stopped {name}' },
      health_ok: { text: 'health: {url} ({how}): {count} goroutines, {ms} ms' },
      health_no_url: {
        text: 'health: no endpoint can be reached from here (no published port, not on the host network, no container IP)',
        why: HEALTH_WHY_EN,
        fix: 'publish the app port (-p 3000:3000) or give --health-url (healthUrl in the config file)',
      },
      health_failed: { text: 'health: {url} ({how}): {error}', why: HEALTH_WHY_EN, fix: 'if the gateway listens elsewhere, give --health-url (healthUrl in the config file)' },
      health_no_count: { text: 'health: {url} ({how}) answers without a goroutine count: {note}', why: HEALTH_WHY_EN, fix: 'ezlinkai builds serve /api/monitor/health with the count' },
      pprof_ok: { text: 'pprof: {url} ({how}): a profile of {count} goroutines' },
      pprof_no_url: { text: 'pprof: no endpoint known (no health URL to start from, none configured)', why: PPROF_WHY_EN, fix: PPROF_FIX_EN },
      pprof_missing: { text: 'pprof: {url} ({how}): {error}', why: PPROF_WHY_EN, fix: PPROF_FIX_EN },
      output_ok: { text: 'bundles go to {dir}: writable, {free} free' },
      output_not_writable: {
        text: 'bundles go to {dir}, which cannot be written ({error})',
        why: 'goroscope bundle would fail at once (exit 73)',
        fix: 'run it from a writable directory, or give bundle --out DIR (doctor --out DIR checks that one)',
      },
      output_low_space: {
        text: 'bundles go to {dir}: only {free} free',
        why: "a bundle holds the container's whole log; a full disk leaves it incomplete",
        fix: 'free some space, or give bundle --out DIR on a larger disk',
      },
    },
  },
  zh: {
    title: 'goroscope doctor：应急准备是否就绪？',
    docker: 'Docker',
    output: '应急包',
    others: '其他容器',
    gateway: '{name}（{image}，{state}；{found}）',
    found: { named: '由参数指定', image: '按镜像识别', name: '按名称识别' },
    whyLabel: '影响：',
    fixLabel: '处理：',
    levels: { ok: '正常', info: '提示', warning: '警告', blocker: '阻断' },
    verdict: {
      ready: '就绪：应急收集所需的一切都在（退出码 0）',
      warnings: '{warnings}：应急收集时会缺少部分内容（退出码 1）',
      blocked: '{blockers}：按现状无法进行应急收集（退出码 2）',
      'nothing-found': '没有可检查的网关容器（退出码 3）',
    },
    count: { warning: ['1 个警告', '{n} 个警告'], blocker: ['1 个阻断项', '{n} 个阻断项'] },
    findings: {
      docker_ok: { text: 'Docker {version}（API {api}）在 {endpoint} 响应（{from}）' },
      docker_unreachable: { text: '{error}；地址来自 {from}', why: '什么都无法收集：没有日志、inspect、stats', fix: '{hint}' },
      docker_permission: { text: '{error}；地址来自 {from}', why: '什么都无法收集：没有日志、inspect、stats', fix: '{hint}' },
      docker_api_old: {
        text: 'Docker API 为 {api}，低于 {min}（Docker 18.02）',
        why: '守护进程会忽略日志读取的结束时间：运行中网关的应急包可能包含开始之后写入的行',
        fix: '升级 Docker',
      },
      docker_context_overridden: { text: '{from} 覆盖了 Docker context {context}（与 docker 命令行一致）', fix: '取消 DOCKER_HOST（或去掉 --host）以使用该 context' },
      no_gateway: {
        text: '此引擎的 {count} 个容器中没有 One API 系列容器（镜像或名称 one-api、new-api、one-hub、done-hub；goroscope 模拟器）',
        fix: '指定你的容器：goroscope doctor CONTAINER',
      },
      port_only: { text: '{name}（{image}）监听 3000 端口，但看起来不是网关；未检查', fix: 'goroscope doctor {name} 可检查它' },
      no_such_container: { text: '没有这个容器（{name}）', why: '它的任何内容都无法收集', fix: '{hint}' },
      lookup_failed: { text: '无法查看容器：{error}', why: '它的任何内容都无法收集', fix: '{hint}' },
      not_running: { text: '未运行（{status}，退出码 {exitCode}）：未查询其健康接口和 pprof', why: '已停止网关的应急包只有日志和 inspect，没有实时数据', fix: 'docker start {name}' },
      logs_ok: { text: '日志：{driver} 驱动，可通过 Docker 读取' },
      logs_none: { text: '日志：{driver} 日志驱动不保存任何日志', why: NO_LOGS_WHY_ZH, fix: '用 --log-driver json-file（或 local）重建容器，例如 --log-opt max-size=100m --log-opt max-file=5' },
      logs_unreadable: { text: '日志：{driver} 日志驱动无法通过 Docker 读取', why: NO_LOGS_WHY_ZH, fix: '{hint}' },
      logs_failed: { text: '日志：通过 Docker 读取失败：{error}', why: '应急包里可能没有日志' },
      restart_ok: { text: '重启策略 "{policy}"' },
      restart_none: { text: '重启策略 "{policy}"：崩溃后网关会一直停着', fix: 'docker update --restart unless-stopped {name}' },
      health_ok: { text: '健康接口：{url}（{how}）：{count} 个 goroutine，{ms} ms' },
      health_no_url: { text: '健康接口：从这里无法访问任何接口（未发布端口、不在 host 网络、没有容器 IP）', why: HEALTH_WHY_ZH, fix: '发布应用端口（-p 3000:3000）或用 --health-url 指定（配置文件 healthUrl）' },
      health_failed: { text: '健康接口：{url}（{how}）：{error}', why: HEALTH_WHY_ZH, fix: '若网关监听在别处，用 --health-url 指定（配置文件 healthUrl）' },
      health_no_count: { text: '健康接口：{url}（{how}）有响应但没有 goroutine 数量：{note}', why: HEALTH_WHY_ZH, fix: 'ezlinkai 版本的 /api/monitor/health 提供该数量' },
      pprof_ok: { text: 'pprof：{url}（{how}）：{count} 个 goroutine 的 profile' },
      pprof_no_url: { text: 'pprof：没有已知接口（没有可推导的健康接口地址，也未配置）', why: PPROF_WHY_ZH, fix: PPROF_FIX_ZH },
      pprof_missing: { text: 'pprof：{url}（{how}）：{error}', why: PPROF_WHY_ZH, fix: PPROF_FIX_ZH },
      output_ok: { text: '应急包写入 {dir}：可写，剩余 {free}' },
      output_not_writable: { text: '应急包写入 {dir}，但该目录不可写（{error}）', why: 'goroscope bundle 会立即失败（退出码 73）', fix: '在可写目录中运行，或用 bundle --out DIR 指定（doctor --out DIR 可检查该目录）' },
      output_low_space: { text: '应急包写入 {dir}：只剩 {free}', why: '应急包包含容器的全部日志；磁盘写满会使其不完整', fix: '释放空间，或用 bundle --out DIR 指定更大的磁盘' },
    },
  },
};

function msg(lang: Lang): Msg {
  return DOCTOR_MSG[lang];
}

/** A finding's sentence, why and fix in a language (empty parts dropped). */
export function findingWords(f: Finding, lang: Lang): { text: string; why: string | null; fix: string | null } {
  const w = msg(lang).findings[f.code];
  const fill = (t: string | undefined) => (t === undefined ? null : fmt(t, f.vars).trim() || null);
  return { text: fill(w.text)!, why: fill(w.why), fix: fill(w.fix) };
}

function counted(lang: Lang, kind: 'warning' | 'blocker', n: number): string {
  const [one, many] = msg(lang).count[kind];
  return n === 1 ? one : fmt(many, { n });
}

export function verdictLine(r: Readiness, findings: readonly Finding[], lang: Lang): string {
  return fmt(msg(lang).verdict[r], {
    warnings: counted(lang, 'warning', findings.filter((f) => f.level === 'warning').length),
    blockers: counted(lang, 'blocker', findings.filter((f) => f.level === 'blocker').length),
  });
}

export function renderDoctorText(facts: ReadinessFacts, findings: readonly Finding[], r: Readiness, o: { lang: Lang; color: ChalkInstance }): string {
  const M = msg(o.lang);
  const k = o.color;
  const paint = (l: FindingLevel, s: string) => (l === 'ok' ? k.green(s) : l === 'info' ? k.cyan(s) : l === 'warning' ? k.yellow(s) : k.red.bold(s));
  const width = Math.max(...Object.values(M.levels).map(displayWidth)) + 2;
  const label = (l: FindingLevel) => {
    const s = M.levels[l];
    return paint(l, s) + ' '.repeat(Math.max(1, width - displayWidth(s)));
  };
  const block = (fs: readonly Finding[]) =>
    fs.flatMap((f) => {
      const w = findingWords(f, o.lang);
      const indent = ' '.repeat(2 + width);
      return [`  ${label(f.level)}${w.text}`, ...(w.why ? [`${indent}${M.whyLabel}${w.why}`] : []), ...(w.fix ? [`${indent}${M.fixLabel}${w.fix}`] : [])];
    });
  const out: string[] = [k.bold(M.title), '', k.bold(M.docker), ...block(findings.filter((f) => f.container === null && f.code.startsWith('docker_')))];
  const general = findings.filter((f) => f.code === 'no_gateway');
  if (general.length > 0) out.push(...block(general));
  for (const g of facts.gateways) {
    const state = g.state ? g.state.status : '?';
    out.push('', k.bold(fmt(M.gateway, { name: g.name, image: g.image ?? '?', state, found: M.found[g.matchedBy] })));
    out.push(...block(findings.filter((f) => f.container === g.name && f.code !== 'port_only')));
  }
  const others = findings.filter((f) => f.code === 'port_only');
  if (others.length > 0) out.push('', k.bold(M.others), ...block(others));
  out.push('', k.bold(M.output), ...block(findings.filter((f) => f.code.startsWith('output_'))));
  out.push('', paint(r === 'ready' ? 'ok' : r === 'warnings' || r === 'nothing-found' ? 'warning' : 'blocker', verdictLine(r, findings, o.lang)));
  return out.join('\n') + '\n';
}

/** The `--json` document (docs/doctor.md): English sentences, stable codes, the facts behind them. */
export function doctorJson(facts: ReadinessFacts, findings: readonly Finding[], r: Readiness) {
  return {
    readiness: r,
    exitCode: READINESS_EXIT[r],
    docker: {
      endpoint: facts.docker.endpoint,
      from: facts.docker.from,
      overriddenContext: facts.docker.overriddenContext,
      version: facts.docker.version?.version ?? null,
      apiVersion: facts.docker.version?.apiVersion ?? null,
      error: facts.docker.error,
    },
    searched: facts.searched,
    containers: facts.gateways.map((g) => ({
      name: g.name,
      id: g.id,
      image: g.image,
      matchedBy: g.matchedBy,
      state: g.state?.status ?? null,
      didYouMean: g.suggestions,
      restartPolicy: g.restartPolicy,
      logDriver: g.logDriver,
      logsReadable: g.logsReadable,
      health: g.health
        ? {
            url: g.health.url,
            how: g.health.how,
            ok: g.health.result?.ok ?? null,
            goroutines: g.health.result?.goroutines ?? null,
            errorKind: g.health.result?.errorKind ?? null,
            error: g.health.result?.error ?? null,
          }
        : null,
      pprof: g.pprof ? { url: g.pprof.url, how: g.pprof.how, ok: g.pprof.result?.ok ?? null, goroutines: g.pprof.result?.goroutines ?? null, error: g.pprof.result?.error ?? null } : null,
    })),
    portOnly: facts.portOnly,
    output: facts.output,
    findings: findings.map((f) => {
      const w = findingWords(f, 'en');
      return { level: f.level, code: f.code, container: f.container, text: w.text, why: w.why, fix: w.fix };
    }),
  };
}
