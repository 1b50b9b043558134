#!/usr/bin/env node
// The examples of README.md and docs/*.md, run as written.
//
//   npm run docs:examples            rewrite the shown output of every example that runs on repository files
//   npm run docs:examples -- --check  change nothing; list the examples whose output or exit code differs (exit 1)
//   npm run docs:examples -- --list   every example found, and whether it runs or is only parsed (and why)
//
// What counts as an example: a command line in a ```sh or ```console block that calls goroscope (`goroscope …`,
// `npx goroscope …`, `node bin/goroscope.js …`). In a console block, `$ ` marks the command and the lines after it,
// up to the next `$ ` or the end of the block, are its shown output. A trailing `# exit N` comment says the example
// is expected to end with exit code N (default 0).
//
// How it is checked:
// - every goroscope call in the line is parsed by the real program without running (scripts/parse-only.mjs):
//   unknown flags, missing arguments and bad choices fail as they would for a user;
// - a line is run when it needs nothing but repository files: each goroscope call is scan, trend, channels, review
//   or goroutines on paths that exist, with no Docker host and no --follow, and every other program in the line is
//   a plain text tool (head, sed, grep, …). It runs in bash (pipefail) in a scratch directory that links fixtures/,
//   bin/ and docs/, with `goroscope` on PATH, TZ=UTC, LANG=C, NO_COLOR=1 and an empty HOME (no user config);
// - the run must end with the expected exit code and print (stdout and stderr together) the shown output, after
//   normalising only what varies between runs (normalise() below).
// Everything else (containers, pprof URLs, Docker hosts) is checked for syntax only.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/goroscope.js');
const PARSE_ONLY = join(ROOT, 'scripts/parse-only.mjs');

/** Commands that can read repository files without a Docker engine. */
const FILE_COMMANDS = new Set(['scan', 'trend', 'channels', 'review', 'goroutines']);
/** Options whose value is another input path (must exist too for the example to run). */
const PATH_OPTIONS = ['compare', 'baseline'];
/** Programs a runnable line may pipe through besides goroscope. */
const TEXT_TOOLS = new Set(['head', 'tail', 'sed', 'grep', 'wc', 'sort', 'uniq', 'cut', 'tr', 'cat', 'ls', 'tar', 'sha256sum']);
/** Setup steps the examples assume done (dropped before running): `npm ci && node bin/goroscope.js …`. */
const SETUP = /^(npm (ci|install|link)|cd [\w./-]+)$/;

/** README.md, then docs/*.md in name order. */
export function docFiles() {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

/**
 * Split a shell line into words and operators, honouring quotes and a trailing comment.
 * `goroscope scan x --since "2026-03-05 14:00" | head -n 3  # exit 0` →
 * words [goroscope, scan, x, --since, 2026-03-05 14:00], op |, words [head, -n, 3]; comment "exit 0".
 */
export function tokenize(line) {
  const tokens = [];
  let comment = null;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '#') {
      comment = line.slice(i + 1).trim();
      break;
    }
    const op = /^(\|\||&&|2>&1|2>>|2>|>>|>|<|\||;|&)/.exec(line.slice(i));
    if (op) {
      tokens.push({ op: op[1] });
      i += op[1].length;
      continue;
    }
    let word = '';
    while (i < line.length && !/[\s|;&<>]/.test(line[i])) {
      const q = line[i];
      if (q === "'" || q === '"') {
        const end = line.indexOf(q, i + 1);
        if (end < 0) throw new Error(`unclosed ${q} in: ${line}`);
        word += line.slice(i + 1, end);
        i = end + 1;
      } else if (q === '\\' && i + 1 < line.length) {
        word += line[i + 1];
        i += 2;
      } else {
        word += q;
        i++;
      }
    }
    tokens.push({ word });
  }
  return { tokens, comment };
}

/** The simple commands of a line (`a | b && c` → [a, b, c]), redirection targets left out. */
export function segments(tokens) {
  const out = [[]];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.op === undefined) out[out.length - 1].push(t.word);
    else if (['|', '||', '&&', ';', '&'].includes(t.op)) out.push([]);
    else if (t.op !== '2>&1') i++; // `> file`, `2> file`, `< file`: skip the file
  }
  return out.filter((s) => s.length > 0);
}

/** The goroscope arguments of a simple command, or null when it does not call goroscope. */
export function goroscopeArgs(words) {
  if (words[0] === 'goroscope') return words.slice(1);
  if (words[0] === 'npx' && words[1] === 'goroscope') return words.slice(2);
  if (words[0] === 'node' && /(^|\/)bin\/goroscope\.js$/.test(words[1] ?? '')) return words.slice(2);
  return null;
}

/**
 * The examples of one Markdown text: `{file, line, command, shown, outputStart, outputEnd, console}`.
 * `shown` is the output lines of a console example (null for sh blocks); outputStart/outputEnd are the 0-based
 * line range they occupy (for rewriting).
 */
export function extractExamples(text, file) {
  const lines = text.split('\n');
  const examples = [];
  let lang = null;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)\s*$/.exec(lines[i]);
    if (fence) {
      lang = lang === null ? fence[1] : null;
      continue;
    }
    if (lang !== 'sh' && lang !== 'console' && lang !== 'bash') continue;
    const isConsole = lang === 'console';
    let cmd = lines[i];
    if (isConsole) {
      if (!cmd.startsWith('$ ')) continue;
      cmd = cmd.slice(2);
    }
    const first = i;
    while (cmd.endsWith('\\') && i + 1 < lines.length) cmd = cmd.slice(0, -1) + ' ' + lines[++i].trim();
    if (cmd.trim() === '' || cmd.trim().startsWith('#')) continue;
    const { tokens } = tokenize(cmd);
    if (!segments(tokens).some((s) => goroscopeArgs(s) !== null)) continue;
    let shown = null;
    let end = i + 1;
    if (isConsole) {
      while (end < lines.length && !lines[end].startsWith('$ ') && !/^```/.test(lines[end])) end++;
      shown = lines.slice(i + 1, end);
    }
    examples.push({ file, line: first + 1, command: cmd.trim(), shown, outputStart: i + 1, outputEnd: end, console: isConsole });
  }
  return examples;
}

/** Only what changes from run to run: goroscope's own memory, and timings in ms. */
export function normalise(text) {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/("peakRssMb": ?)\d+/g, '$1N')
    .replace(/\b\d+(\.\d+)? ?ms\b/g, 'N ms')
    .replace(/\n+$/, '');
}

/** The environment every example runs in: no colour, UTC, C locale, no user config, goroscope on PATH. */
export function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'goroscope-docs-'));
  mkdirSync(join(dir, 'path'));
  mkdirSync(join(dir, 'home'));
  mkdirSync(join(dir, 'work'));
  writeFileSync(join(dir, 'path/goroscope'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'path/goroscope'), 0o755);
  for (const d of ['fixtures', 'bin', 'docs']) symlinkSync(join(ROOT, d), join(dir, 'work', d));
  const env = { PATH: `${join(dir, 'path')}:${process.env.PATH}`, HOME: join(dir, 'home'), XDG_CONFIG_HOME: join(dir, 'home/.config'), XDG_STATE_HOME: join(dir, 'home/.state'), TZ: 'UTC', LANG: 'C', NO_COLOR: '1' };
  return { dir, cwd: join(dir, 'work'), env };
}

/** Run a program to its end: `{status, stdout, stderr}` (status null when it was killed at the timeout). */
function run(cmd, args, opts, timeoutMs) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Parse one goroscope call without running it: `{code, parsed, stderr}` (parsed null for --help and errors). */
export async function parseOnly(args, ws) {
  const r = await run(process.execPath, ['--import', PARSE_ONLY, BIN, ...args], { cwd: ws.cwd, env: ws.env }, 30_000);
  let parsed = null;
  if (r.status === 0) {
    try {
      parsed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
    } catch {
      parsed = null; // --help or --version printed text
    }
  }
  return { code: r.status, parsed, stderr: r.stderr };
}

/** Why an example cannot run on repository files alone (null when it can). Throws for a misnamed repository path. */
function whyNotRunnable(segs, parses) {
  for (const s of segs) {
    if (goroscopeArgs(s) === null && !TEXT_TOOLS.has(s[0])) return `runs ${s[0]}`;
  }
  for (const p of parses) {
    if (!p.parsed) return 'help text';
    const { command, args, opts, globals } = p.parsed;
    if (!FILE_COMMANDS.has(command)) return `${command} needs a container`;
    if (globals.host) return 'a Docker host';
    if (opts.follow) return '--follow';
    const paths = [...args, ...PATH_OPTIONS.map((o) => opts[o]).filter((v) => typeof v === 'string')];
    for (const a of paths) {
      // Only relative paths inside the repository: a file elsewhere on this machine is not in a reader's clone.
      if (!isAbsolute(a) && resolve(ROOT, a).startsWith(ROOT) && existsSync(resolve(ROOT, a))) continue;
      if (/^(fixtures|docs|bench|test)\//.test(a)) throw new Error(`names a repository file that does not exist: ${a}`);
      return `${a} is not a repository file`;
    }
  }
  return null;
}

/**
 * Check one example: `{runnable, reason, code, expectedCode, output, problems}`. problems is empty when the example
 * is right: every goroscope call parses, and a runnable one ends with the expected code and prints the shown output.
 */
export async function checkExample(ex, ws) {
  const { tokens, comment } = tokenize(ex.command);
  const expectedCode = comment && /^exit (\d+)\b/.test(comment) ? Number(/^exit (\d+)/.exec(comment)[1]) : 0;
  let segs = segments(tokens);
  const problems = [];
  // `npm ci && goroscope …`: the setup is assumed done; only the goroscope part runs.
  let runLine = ex.command;
  const lead = /^(.*?)&&\s*/.exec(ex.command);
  if (lead && SETUP.test(lead[1].trim())) {
    runLine = ex.command.slice(lead[0].length);
    segs = segments(tokenize(runLine).tokens);
  }
  const calls = segs.map(goroscopeArgs).filter((a) => a !== null);
  const parses = await Promise.all(calls.map((args) => parseOnly(args, ws)));
  parses.forEach((p, k) => {
    if (p.code !== 0) problems.push(`goroscope ${calls[k].join(' ')}: does not parse (exit ${p.code}): ${p.stderr.trim()}`);
  });
  if (problems.length > 0) return { runnable: false, reason: 'parse error', problems };
  let reason;
  try {
    reason = whyNotRunnable(segs, parses);
  } catch (err) {
    return { runnable: false, reason: 'bad path', problems: [err.message] };
  }
  if (reason !== null) {
    if (expectedCode !== 0 && ex.console) problems.push(`# exit ${expectedCode} on an example that cannot run here (${reason})`);
    return { runnable: false, reason, problems };
  }
  const r = await run('bash', ['-c', `set -o pipefail; exec 2>&1; ${runLine.replace(/^npx goroscope\b/, 'goroscope')}`], { cwd: ws.cwd, env: ws.env }, 120_000);
  const output = r.stdout ?? '';
  if (r.status !== expectedCode) problems.push(`exit ${r.status}, expected ${expectedCode}: ${output.split('\n').slice(0, 3).join(' / ')}`);
  if (ex.shown !== null && normalise(ex.shown.join('\n')) !== normalise(output)) {
    problems.push(`shown output differs from what it prints now:\n${diff(normalise(ex.shown.join('\n')), normalise(output))}`);
  }
  return { runnable: true, reason: null, code: r.status, expectedCode, output, problems };
}

/** The first differing lines, enough to see what changed. */
function diff(want, got) {
  const a = want.split('\n');
  const b = got.split('\n');
  const out = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 12; i++) {
    if (a[i] !== b[i]) out.push(`  line ${i + 1}\n    shown: ${a[i] ?? '(none)'}\n    now:   ${b[i] ?? '(none)'}`);
  }
  return out.join('\n');
}

export async function withWorkspace(fn) {
  const ws = workspace();
  try {
    return await fn(ws);
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

/** Rewrite (or, with check, only compare) the shown output of every runnable console example. */
async function main(argv) {
  const list = argv.includes('--list');
  const check = list || argv.includes('--check');
  let failures = 0;
  let rewritten = 0;
  await withWorkspace(async (ws) => {
    for (const file of docFiles()) {
      const path = join(ROOT, file);
      const text = readFileSync(path, 'utf8');
      const examples = extractExamples(text, file);
      const lines = text.split('\n');
      // From the end, so earlier line numbers stay valid while later outputs are replaced.
      for (const ex of [...examples].reverse()) {
        const res = await checkExample(ex, ws);
        const where = `${file}:${ex.line}`;
        if (list) process.stdout.write(`${where}  ${res.runnable ? 'RUN  ' : 'PARSE'} ${ex.command}${res.reason ? `  (${res.reason})` : ''}\n`);
        const outputOnly = res.problems.every((p) => p.startsWith('shown output differs'));
        if (!check && res.runnable && ex.console && res.code === res.expectedCode && outputOnly && res.problems.length > 0) {
          const fresh = res.output.replace(/\n+$/, '').split('\n').map((l) => l.replace(/\s+$/, ''));
          lines.splice(ex.outputStart, ex.outputEnd - ex.outputStart, ...fresh);
          rewritten++;
          process.stdout.write(`updated ${where}: ${ex.command}\n`);
          continue;
        }
        for (const p of res.problems) {
          failures++;
          process.stdout.write(`${where}: ${ex.command}\n  ${p}\n`);
        }
      }
      if (!check) writeFileSync(path, lines.join('\n'));
    }
  });
  process.stdout.write(`${rewritten} output(s) updated, ${failures} problem(s)\n`);
  return failures > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
