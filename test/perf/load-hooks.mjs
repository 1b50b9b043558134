// Module-loader hooks for startup.test.ts: report every module the CLI resolves, one `LOADED <url>` line on stderr.
// Registered with `node --import ./register-load-hooks.mjs`.
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  process.stderr.write(`LOADED ${r.url}\n`);
  return r;
}
