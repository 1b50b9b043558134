// What the operator reads, through the real binary and without an engine: `review` of a bundle (its period, its
// next steps: never "collect a bundle", the leak step's live pprof command from the bundle's inspect.json as bundle
// and doctor derive it), the memory line of one sample, trend's censored bound (the gateway's own 2000, whatever the
// thresholds), the HTML chart's legend, ticks and unwrapped dates, and `alert --dry-run`'s body for each target.
// The bundles are real directories in the bundle layout (manifest.json, inspect.json, logs/, health.json), their
// logs cut from the sample week.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, goroscope } from '../helpers/cli.js';

const SAMPLE = 'fixtures/sample/one-api-week.log';
const dir = mkdtempSync(join(tmpdir(), 'gs-operator-'));
afterAll(() => (process.env.KEEP ? undefined : rmSync(dir, { recursive: true, force: true })));

/** A bundle directory: its log lines (`docker logs -t` text), the inspect document, an optional health snapshot. */
function bundle(name: string, lines: string[], inspect: object, health?: object): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'logs'), { recursive: true });
  writeFileSync(join(root, 'logs', 'stdout.log'), `${lines.join('\n')}\n`);
  writeFileSync(join(root, 'logs', 'stderr.log'), '');
  writeFileSync(join(root, 'inspect.json'), JSON.stringify(inspect));
  writeFileSync(join(root, 'manifest.json'), JSON.stringify({ tool: 'goroscope', container: { name: 'one-api', id: 'a'.repeat(64) }, startedAt: '2026-03-08T23:53:30.000Z', items: {} }));
  if (health) writeFileSync(join(root, 'health.json'), JSON.stringify(health));
  return root;
}

describe('review of a bundle', () => {
  const week = readFileSync(SAMPLE, 'utf8').trimEnd().split('\n');
  let leak = '';
  let brief = '';
  beforeAll(() => {
    // the whole week (a leak), from a gateway with pprof on METRICS_PORT, host network
    leak = bundle('week', week, { Config: { Env: ['METRICS_PORT=6060', 'SQL_DSN=root:pw@tcp(db)/oneapi'] }, HostConfig: { NetworkMode: 'host' } });
    // the top of the 03-05 climb as 16 seconds of log (06:38:56 to the monitor's 10402 at 06:39:12, without its
    // memory line) and a health snapshot at 10500: a bundle taken in the emergency, no port known (network none)
    const climb = week.filter((l) => /^2026-03-05T06:3(8:5|9:0|9:1[0-2])/.test(l) && !l.includes('Memory: '));
    brief = bundle('emergency', climb, { Config: { Env: [] }, HostConfig: { NetworkMode: 'none' } }, { time: '2026-03-05T06:39:13.000Z', goroutines: 10500, memory: { allocMb: 1100, totalAllocMb: 9000, sysMb: 1300, numGc: 80 } });
  });

  it('the leak step gives the live pprof command of the bundle container; no step asks for a bundle', async () => {
    const r = await goroscope(['review', leak, '--format', 'json']);
    const d = JSON.parse(r.stdout);
    expect([r.code, d.pprofUrl, d.period]).toEqual([0, 'http://127.0.0.1:6060/debug/pprof/goroutine?debug=2', { from: '2026-03-02T00:00:00.000Z', to: '2026-03-08T23:49:28.565Z', zone: 'UTC' }]);
    expect(d.nextSteps.map((s: { id: string }) => s.id)).toEqual(['leak_live', 'crash', 'crash', 'channel', 'panic', 'panic', 'panic']);
    expect(d.nextSteps[0].command).toBe('goroscope goroutines http://127.0.0.1:6060 --interval 60s');
    const text = await goroscope(['review', leak]);
    expect(text.stdout).toContain(
      '  [CRITICAL] goroutines leak (331 per hour in run 3): take two goroutine dumps a minute apart from the live gateway; the stacks that grew are the leak\n      $ goroscope goroutines http://127.0.0.1:6060 --interval 60s\n',
    );
    expect(text.stdout).not.toContain('goroscope bundle');
  });

  it('a bundle of a few seconds: its period, the emergency as "the bundle holds it", one memory sample', async () => {
    const r = await goroscope(['review', brief]);
    const lines = r.stdout.split('\n');
    expect([r.code, lines[1]]).toEqual([0, 'period 2026-03-05 06:39 → 2026-03-05 06:39 (1s, UTC), 3 events from one-api']);
    expect(lines.slice(3, 6)).toEqual([
      'Next steps',
      '  [EMERGENCY] goroutines were at 10500 (emergency level 10000) when the bundle was collected: its logs, stats and dumps hold the evidence, so the service can be restarted; check it first if time has passed',
      '      $ goroscope check one-api',
    ]);
    expect(r.stdout).toContain('\n  memory: 1 sample, 1100 MB at 2026-03-05 06:39 (a slope needs more)\n');
    expect(r.stdout).not.toContain('goroscope bundle');
  });
});

describe('the censored bound is the gateway own 2000, whatever the thresholds', () => {
  const cases = [
    { name: 'warning 3000', args: ['--warning', '3000', '--critical', '6000', '--emergency', '12000'] },
    { name: 'warning 1000', args: ['--warning', '1000', '--critical', '6000', '--emergency', '12000'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await goroscope(['trend', SAMPLE, ...c.args]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[2]).toBe('3584 samples + 10257 censored ticks (no warning logged: ≤ 2000, the gateway logs above 2000); peak 10402 at 2026-03-05 06:39; slope +331/h (run 3)');
      expect(r.stdout).toContain('. no warning logged (≤ 2000)');
    });
  }
});

describe('the HTML review', () => {
  it('the chart has a legend of its marks, round y ticks on grid lines; date cells do not wrap', async () => {
    const out = join(dir, 'review.html');
    const r = await goroscope(['review', SAMPLE, '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    const legend = [...svg.slice(svg.indexOf('<g class="legend"')).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(legend).toEqual(['goroutines (highest per pixel column)', 'no warning logged (≤ 2000)', 'warning 2000', 'critical 5000', 'emergency 10000', 'restart', 'crash']);
    const ticks = [...svg.matchAll(/<text x="50" y="[\d.]+" text-anchor="end" class="lbl">([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '2,000', '4,000', '6,000', '8,000', '10,000']);
    expect((svg.match(/class="grid"/g) ?? []).length).toBe(5);
    expect(html).toContain('td.t{white-space:nowrap}');
    expect(html).toContain('<tr><td class="n">1</td><td class="t">2026-03-02 00:00</td><td class="t">2026-03-03 12:41</td>');
    expect(html).toContain('<td class="t">2026-03-02</td>');
  });
});

describe('alert --dry-run', () => {
  it('prints the body each target would get, as it would be sent', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN, 'alert', 'one-api', '--dry-run', '--interval', '1h', '--state', join(dir, 'state.json'),
        '--notify', 'https://open.feishu.cn/open-apis/bot/v2/hook/abc123token?secret=s3cr3t',
        '--notify', 'https://api.telegram.org/bot123456:AAHsecret/sendMessage?chat_id=42',
        '--notify', 'https://hooks.slack.com/services/T0/B0/XYZ',
        '--notify', 'mailto:ops@example.com', '--smtp-host', '127.0.0.1',
      ],
      { env: { ...process.env, NO_COLOR: '1', LANG: 'C', TZ: 'UTC', DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const end = Date.now() + 30_000;
    while (!out.includes('  mail → ') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await closed).toBe(0);
    const text = out.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T');
    const msg = '[goroscope] UNKNOWN: one-api\\nReasons: cannot inspect the container: cannot reach the Docker daemon (unix:///nonexistent/docker.sock)\\nTime: T';
    expect(text).toContain(
      [
        'notify (dry run): would send unknown one-api → feishu open.feishu.cn, telegram api.telegram.org, slack hooks.slack.com, email ops@example.com',
        '  [goroscope] UNKNOWN: one-api',
        '  Reasons: cannot inspect the container: cannot reach the Docker daemon (unix:///nonexistent/docker.sock)',
        '  Time: T',
        `  body → feishu open.feishu.cn: {"msg_type":"text","content":{"text":"${msg}"}} (timestamp and sign added when sent)`,
        `  body → telegram api.telegram.org: {"chat_id":"42","text":"${msg}","disable_web_page_preview":true}`,
        `  body → slack hooks.slack.com: {"text":"${msg}"}`,
        '  mail → email ops@example.com: Subject: [goroscope] UNKNOWN: one-api (the text above)',
        '',
      ].join('\n'),
    );
    // the bot tokens and the secret are in no line
    for (const secret of ['abc123token', 's3cr3t', 'AAHsecret', 'XYZ']) expect(out).not.toContain(secret);
  }, 60_000);
});
