// The shipped config example (docs/goroscope.example.json) loads, and each of its values does what docs/config.md
// says, read by the code that uses it (thresholds, health and pprof URLs, zone, language, alert targets, SMTP,
// state file) and, where a file is enough, by the binary. Build first for the binary part: npm run build.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, resolveThresholds } from '../src/config.js';
import { configuredHealthUrl } from '../src/sources/facts.js';
import { pprofUrl } from '../src/sources/pprof.js';
import { detectLang } from '../src/i18n.js';
import { checkZone } from '../src/time.js';
import { makeNotifier } from '../src/notify/index.js';
import { goroscope } from './helpers/cli.js';

const EXAMPLE = fileURLToPath(new URL('../docs/goroscope.example.json', import.meta.url));
const PAGE = readFileSync(fileURLToPath(new URL('../docs/config.md', import.meta.url)), 'utf8');
const config = loadConfigFile(EXAMPLE, {}, '/');

describe('docs/goroscope.example.json', () => {
  it('is the file docs/config.md shows, byte for byte', () => {
    const block = /## A complete example[\s\S]*?```json\n([\s\S]*?)```/.exec(PAGE);
    expect(block?.[1]).toBe(readFileSync(EXAMPLE, 'utf8'));
  });

  it('sets every key the loader knows, except the two the page says it leaves out (smtp.pass, smtp.ca)', () => {
    expect(Object.keys(config).sort()).toEqual(['containers', 'healthUrl', 'lang', 'notify', 'notifyFormat', 'pprofUrl', 'smtp', 'stateFile', 'thresholds', 'tz']);
    expect(Object.keys(config.smtp ?? {}).sort()).toEqual(['from', 'host', 'port', 'secure', 'to', 'user']);
    expect(PAGE).toMatch(/\| `smtp\.pass` \|[^\n]*\| not set \|/);
    expect(PAGE).toMatch(/\| `smtp\.ca` \|[^\n]*\| not set \(only for such a server\) \|/);
  });

  it("every value in the table's \"in the example\" column is in the file", () => {
    const rows = PAGE.split('\n').filter((l) => /^\| `(thresholds|tz|lang|healthUrl|pprofUrl|containers|notify|notifyFormat|smtp|stateFile)/.test(l));
    expect(rows).toHaveLength(21);
    const text = readFileSync(EXAMPLE, 'utf8');
    for (const row of rows) {
      const last = row.split(' | ').pop()!;
      for (const [, value] of last.matchAll(/`([^`]+)`/g)) expect(text, row).toContain(value!);
    }
  });

  it.each([
    { name: 'global thresholds', got: () => resolveThresholds({}, {}, config), want: { warning: 3000, critical: 6000, emergency: 12000 } },
    { name: 'a container without its own thresholds', got: () => resolveThresholds({}, {}, config, 'one-api'), want: { warning: 3000, critical: 6000, emergency: 12000 } },
    { name: "one-api-staging's own thresholds", got: () => resolveThresholds({}, {}, config, 'one-api-staging'), want: { warning: 1000, critical: 2500, emergency: 5000 } },
    { name: 'a flag beats the file', got: () => resolveThresholds({ warning: '4000' }, {}, config).warning, want: 4000 },
    { name: 'the environment beats the file', got: () => resolveThresholds({}, { GOROSCOPE_CRITICAL: '7000' }, config).critical, want: 7000 },
    {
      name: "one-api-staging's health URL",
      got: () => configuredHealthUrl('one-api-staging', undefined, { env: {}, config }),
      want: { url: 'http://127.0.0.1:3001/api/monitor/health', source: 'config file' },
    },
    {
      name: 'the health URL of a container without its own',
      got: () => configuredHealthUrl('new-api', undefined, { env: {}, config }),
      want: { url: 'http://127.0.0.1:3000/api/monitor/health', source: 'config file' },
    },
    { name: 'the global pprof URL, completed', got: () => pprofUrl(config.pprofUrl!), want: 'http://127.0.0.1:6060/debug/pprof/goroutine?debug=2' },
    { name: "one-api-staging's pprof URL, completed", got: () => pprofUrl(config.containers!['one-api-staging']!.pprofUrl!), want: 'http://127.0.0.1:6061/debug/pprof/goroutine?debug=2' },
    { name: 'lang beats a Chinese locale', got: () => detectLang(config.lang, { LANG: 'zh_CN.UTF-8' }), want: 'en' },
    { name: 'tz is a zone', got: () => checkZone(config.tz!), want: 'Asia/Shanghai' },
  ])('$name', ({ got, want }) => {
    expect(got()).toEqual(want);
  });

  it('notify, notifyFormat, smtp and stateFile make the alert targets and their mail server', () => {
    const n = makeNotifier({ notify: 'config' }, { env: {}, config, lang: 'en', signal: new AbortController().signal });
    expect(n?.targets.map(({ format, to, label }) => ({ format, to, label }))).toEqual([
      { format: 'feishu', to: [], label: 'feishu open.feishu.cn' },
      { format: 'email', to: ['ops@example.com', 'oncall@example.com'], label: 'email ops@example.com,oncall@example.com' },
    ]);
    expect(n?.delivery.smtp).toEqual({ host: 'smtp.example.com', port: 587, secure: 'starttls', from: 'goroscope@example.com', user: 'goroscope@example.com' });
    expect(n?.statePath).toBe('/var/lib/goroscope/alert-state.json');
  });

  it('through the binary: trend uses its thresholds and shows its zone', async () => {
    const r = await goroscope(['--config', EXAMPLE, 'trend', 'fixtures/sample/one-api-week.log', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).thresholds).toEqual({ warning: 3000, critical: 6000, emergency: 12000 });
    const text = await goroscope(['--config', EXAMPLE, 'trend', 'fixtures/sample/one-api-week.log']);
    expect(text.stdout.split('\n')[0]).toBe('goroutine trend  2026-03-02 08:00 → 2026-03-09 07:49 (Asia/Shanghai)');
  });

  it("through the binary: tz reads the app's naive timestamps as Asia/Shanghai", async () => {
    const withIt = await goroscope(['--config', EXAMPLE, 'scan', 'fixtures/formats/era-c.log', '--kind', 'startup', '--jsonl']);
    const without = await goroscope(['scan', 'fixtures/formats/era-c.log', '--kind', 'startup', '--jsonl']);
    // `[SYS] 2024/09/10 - 10:59:58 | One API v0.6.8 started`: 10:59:58 in Shanghai is 02:59:58 UTC.
    expect(JSON.parse(withIt.stdout).time).toBe('2024-09-10T02:59:58.000Z');
    expect(JSON.parse(without.stdout).time).toBe('2024-09-10T10:59:58.000Z');
  });
});
