// `goroscope review SOURCE…`: the weekly review in one report (text, Markdown, HTML or JSON).
import type { ThresholdFlags } from '../cli/options.js';
import type { CommandContext } from '../cli/context.js';
import { UsageError } from '../errors.js';
import { resolveString, resolveThresholds } from '../config.js';
import { detectLang, type Lang } from '../i18n.js';
import { Analysis } from '../analyze/analysis.js';
import { reviewOf, type ContainerInfo } from '../analyze/review.js';
import { renderReviewText } from '../report/review.js';
import { renderReviewMarkdown } from '../report/markdown.js';
import { renderReviewHtml } from '../report/html.js';
import { write } from '../cli/output.js';
import { bundlePprofUrl, readAnalysis, readBundleSuspects, type InputSource } from '../sources/analysis.js';
import { checkWritable, monitorInterval, readOptions, writeReportFile } from './trend.js';

export interface ReviewOptions extends ThresholdFlags {
  since?: string;
  until?: string;
  format?: string;
  out?: string;
  lang?: string;
  healthUrl?: string;
  monitorInterval?: string;
}

const FORMATS = ['text', 'md', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];

/**
 * What Docker can tell about a container source: inspect (state, Docker's RestartCount), one stats sample, and the
 * live goroutine count from the health endpoint (`--health-url`, GOROSCOPE_HEALTH_URL, config, else derived from the
 * container like `check` does). Each part that fails is named in `missing`; none of them fails the review.
 */
async function containerFacts(src: InputSource, ctx: CommandContext, healthFlag: string | undefined): Promise<{ info: ContainerInfo; pprofUrl: string | null }> {
  const info: ContainerInfo = { name: src.name, missing: [] };
  let running = false;
  let derived: string | null = null;
  let inspected: Parameters<typeof import('../sources/pprof.js').pprofUrlFor>[1] | null = null;
  try {
    const { dockerFor } = await import('../docker/index.js');
    const { inspectRaw, toContainerInfo } = await import('../docker/containers.js');
    const docker = await dockerFor(ctx.globals.host?.[0]);
    const raw = await inspectRaw(docker, src.id ?? src.name, ctx.signal);
    inspected = raw;
    const c = toContainerInfo(raw);
    running = c.state.running;
    info.state = c.state.status + (c.state.oomKilled ? ' (OOM killed)' : '');
    info.restartCount = c.restartCount;
    info.startedAt = c.state.startedAt || null;
    info.image = c.image;
    const { deriveHealthUrl } = await import('../sources/health.js');
    derived = deriveHealthUrl(raw)?.url ?? null;
    if (running) {
      try {
        const { sampleStats } = await import('../docker/stats.js');
        const s = await sampleStats(docker, c.id);
        info.cpuPercent = s.cpuPercent;
        info.memoryMb = s.memory.usageBytes / 1048576;
        info.memoryLimitMb = s.memory.limitBytes ? s.memory.limitBytes / 1048576 : null;
        info.pids = s.pids;
      } catch (err) {
        info.missing!.push(`stats: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    info.missing!.push(`inspect: ${(err as Error).message}`);
  }
  const given = resolveString(healthFlag, ctx.env, 'GOROSCOPE_HEALTH_URL', ctx.config.containers?.[src.name]?.healthUrl ?? ctx.config.healthUrl);
  const url = given ?? derived;
  if (url && (running || given)) {
    try {
      const { probeWithFallback } = await import('../sources/health.js');
      const h = await probeWithFallback(url, given === undefined, { signal: ctx.signal, timeoutMs: 3000 });
      if (h.ok && h.goroutines !== null) info.goroutines = h.goroutines;
      else info.missing!.push(`live goroutines from ${url}: ${h.error ?? h.note ?? 'no count'}`);
    } catch (err) {
      info.missing!.push(`live goroutines from ${url}: ${(err as Error).message}`);
    }
  }
  // the pprof URL bundle and doctor would use (the leak step's live command)
  const { pprofUrlFor } = await import('../sources/pprof.js');
  const pprof = inspected ? pprofUrlFor(src.name, inspected, undefined, ctx, url ?? null) : null;
  return { info, pprofUrl: pprof?.url ?? null };
}

export async function run(sources: string[], opts: ReviewOptions, ctx: CommandContext): Promise<void> {
  const format = (opts.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError('--format takes text, md, html or json', opts.format, 'example: --format md --out review.md');
  // --lang is a global option (before or after the command name); a value we cannot honour is an error here.
  const asked = opts.lang ?? ctx.globals.lang;
  if (asked !== undefined && asked !== 'en' && asked !== 'zh') throw new UsageError('--lang takes en or zh', asked);
  const lang: Lang = asked ? detectLang(asked, ctx.env) : ctx.lang;
  const thresholds = resolveThresholds(opts, ctx.env, ctx.config);
  const tickMs = monitorInterval(opts.monitorInterval);
  if (opts.out !== undefined) checkWritable(opts.out);
  const input = await readAnalysis(sources, { since: opts.since ?? '7d', until: opts.until }, await readOptions(ctx), () => new Analysis({ thresholds, tz: ctx.tz, tickMs }));
  const containerSrc = input.sources.find((s) => s.kind === 'container');
  const facts = containerSrc ? await containerFacts(containerSrc, ctx, opts.healthUrl) : null;
  const container = facts?.info ?? null;
  const data = reviewOf(input.result, {
    thresholds,
    tz: ctx.tz,
    from: input.since,
    to: input.until,
    sources: input.sources.map((s) => ({ spec: s.spec, kind: s.kind, name: s.name })),
    container,
    suspects: await readBundleSuspects(input.sources),
    pprofUrl: facts ? facts.pprofUrl : await bundlePprofUrl(input.sources, ctx),
  });
  const series = input.result.series;
  let text: string;
  if (format === 'json') text = `${JSON.stringify(data, null, 2)}\n`;
  else if (format === 'md') text = renderReviewMarkdown(data, series, { lang, tz: ctx.tz });
  else if (format === 'html') text = renderReviewHtml(data, series, { lang, tz: ctx.tz });
  else {
    const color = opts.out !== undefined ? new (await import('chalk')).Chalk({ level: 0 }) : ctx.color;
    const width = Math.max(40, Math.min(100, ((opts.out === undefined ? ctx.stdout.columns : undefined) ?? 100) - 30));
    text = renderReviewText(data, series, { lang, tz: ctx.tz, color, width });
  }
  if (opts.out !== undefined) {
    await writeReportFile(opts.out, text);
    await write(ctx.stderr, `wrote ${opts.out}\n`);
  } else {
    await write(ctx.stdout, text);
  }
}
