// The HTML reports in a real headless browser (Debian's chromium): the SVG chart is in the rendered DOM, nothing
// on the page throws, and nothing is fetched from the network. Skipped with a notice when chromium is not installed
// (scripts/engine.sh installs it).
import { afterAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const chromium = (() => {
  for (const bin of ['chromium', 'chromium-browser']) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'pipe' });
      return bin;
    } catch {
      // next
    }
  }
  if (process.env.CI === 'true') throw new Error('CI=true but chromium is not installed (scripts/engine.sh installs it)');
  process.stderr.write('\n[goroscope tests] NOTICE: chromium not installed; the HTML browser check is SKIPPED.\n\n');
  return null;
})();

const tmp = mkdtempSync(join(tmpdir(), 'gs-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Load a page headless; resolve the rendered DOM and chromium's log (console messages included). */
function render(file: string): Promise<{ dom: string; log: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(tmp, `profile-${Math.random().toString(36).slice(2)}`)}`,
        '--enable-logging=stderr',
        '--v=0',
        '--dump-dom',
        `file://${file}`,
      ],
      { timeout: 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => (err ? reject(err) : resolve({ dom: stdout, log: stderr })),
    );
  });
}

const golden = (name: string) => fileURLToPath(new URL(`../../fixtures/golden/${name}`, import.meta.url));

describe.skipIf(!chromium)('HTML reports in headless chromium', () => {
  const cases = [
    { name: 'review page', input: golden('review.html'), want: { polylines: 2, sections: ['Next steps', 'Events per day', 'Panics and crashes', 'Restarts'] } },
    { name: 'trend page', input: golden('trend.html'), want: { polylines: 2, sections: ['runs'] } },
  ];
  for (const c of cases) {
    it(`${c.name}: the SVG chart rendered, no console error, no network`, async () => {
      const { dom, log } = await render(c.input);
      expect(dom).toMatch(/<svg [^>]*class="chart"/);
      expect(dom.match(/<polyline class="series"/g)?.length).toBe(c.want.polylines);
      for (const s of c.want.sections) expect(dom).toContain(s);
      expect(log).not.toMatch(/Uncaught|CONSOLE.*(error|Error)|Failed to load resource|net::ERR_/);
    });
  }

  it('the check can fail: a page with a script error is caught', async () => {
    const bad = join(tmp, 'bad.html');
    writeFileSync(bad, '<!DOCTYPE html><html><body><svg class="chart"></svg><script>nope()</script></body></html>');
    const { log } = await render(bad);
    expect(log).toMatch(/Uncaught ReferenceError: nope is not defined/);
  });
});
