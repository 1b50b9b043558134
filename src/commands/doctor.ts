// `goroscope doctor`: is everything in place for an emergency collection? Validate the flags, gather the facts
// (src/sources/readiness.ts), apply the rules (src/analyze/readiness.ts), render (src/report/doctor.ts), and exit
// 0 ready, 1 warnings, 2 blocked, 3 nothing found (docs/doctor.md).
import type { CommandContext } from '../cli/context.js';
import { readTimeout } from '../cli/options.js';
import { write } from '../cli/output.js';
import { collectReadiness } from '../sources/readiness.js';
import { READINESS_EXIT, readiness, readinessFindings } from '../analyze/readiness.js';
import { doctorJson, renderDoctorText } from '../report/doctor.js';
import { parseMaxStreams } from '../sources/fleet.js';

export interface DoctorOptions {
  healthUrl?: string;
  pprofUrl?: string;
  out?: string;
  timeout?: string;
  json?: boolean;
}

export async function run(names: string[], opts: DoctorOptions, ctx: CommandContext): Promise<void> {
  const timeoutMs = readTimeout(opts.timeout, 5000, { bareMs: true, stderr: ctx.stderr });
  const facts = await collectReadiness(
    names,
    { healthUrl: opts.healthUrl, pprofUrl: opts.pprofUrl, timeoutMs, outDir: opts.out ?? '.', limit: parseMaxStreams(ctx.globals.maxStreams) ?? 8 },
    ctx,
  );
  const findings = readinessFindings(facts);
  const r = readiness(findings);
  await write(ctx.stdout, opts.json ? `${JSON.stringify(doctorJson(facts, findings, r), null, 2)}\n` : renderDoctorText(facts, findings, r, { lang: ctx.lang, color: ctx.color }));
  process.exitCode = READINESS_EXIT[r];
}
