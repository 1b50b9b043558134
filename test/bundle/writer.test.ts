// The bundle writer never replaces anything: a name that is taken gets a counter (also when two writers of one
// name finish together), --out is made when missing, and a writer's staging area is its own.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleWriter } from '../../src/bundle/writer.js';

const root = mkdtempSync(join(tmpdir(), 'gs-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function bundle(out: string, base: string, format: 'tgz' | 'dir', text: string) {
  const w = new BundleWriter(out, base, format);
  await w.open();
  await w.write('manifest.json', `{"text":${JSON.stringify(text)}}\n`);
  return w;
}

describe('BundleWriter', () => {
  it('two writers of one name, finishing together: both kept, the second with a counter, each with its own checksum', async () => {
    const out = join(root, 'same');
    const [a, b] = await Promise.all([bundle(out, 'one-api-20260101T000000.000Z', 'tgz', 'a'), bundle(out, 'one-api-20260101T000000.000Z', 'tgz', 'b')]);
    expect(a.staging).not.toBe(b.staging);
    const done = await Promise.all([a.finish(true), b.finish(true)]);
    expect(done.map((d) => d.path.slice(out.length + 1)).sort()).toEqual(['one-api-20260101T000000.000Z-2.tar.gz', 'one-api-20260101T000000.000Z.tar.gz']);
    for (const d of done) {
      const sum = createHash('sha256').update(readFileSync(d.path)).digest('hex');
      expect(readFileSync(`${d.path}.sha256`, 'utf8')).toBe(`${sum}  ${d.path.slice(out.length + 1)}\n`);
    }
    expect(readdirSync(out).sort()).toEqual([
      'one-api-20260101T000000.000Z-2.tar.gz',
      'one-api-20260101T000000.000Z-2.tar.gz.sha256',
      'one-api-20260101T000000.000Z.tar.gz',
      'one-api-20260101T000000.000Z.tar.gz.sha256',
    ]);
  });

  it('a directory bundle whose name is taken (by anything) gets the next free counter; what was there is untouched', async () => {
    const out = join(root, 'taken');
    mkdirSync(join(out, 'x-1'), { recursive: true });
    writeFileSync(join(out, 'x-1', 'keep'), 'old');
    mkdirSync(join(out, 'x-1-2'));
    const w = await bundle(out, 'x-1', 'dir', 'new');
    const d = await w.finish(true);
    expect(d.path).toBe(join(out, 'x-1-3'));
    expect([readFileSync(join(out, 'x-1', 'keep'), 'utf8'), readdirSync(join(out, 'x-1-2')), readdirSync(d.path)]).toEqual(['old', [], ['manifest.json']]);
  });

  it('--out that does not exist is made (mkdir -p), new directories private', async () => {
    const out = join(root, 'new', 'deeper');
    const w = await bundle(out, 'y', 'dir', 'y');
    await w.finish(false);
    expect(readdirSync(out)).toEqual(['y.incomplete']);
    expect([statSync(join(root, 'new')).mode & 0o777, statSync(out).mode & 0o777]).toEqual([0o700, 0o700]);
  });

  it('an interrupted tgz bundle can be kept as a directory at once', async () => {
    const out = join(root, 'int');
    const w = await bundle(out, 'z', 'tgz', 'z');
    const d = await w.finish(false, 'z', 'dir');
    expect([d.path, d.checksumPath, readdirSync(out)]).toEqual([join(out, 'z.incomplete'), undefined, ['z.incomplete']]);
  });

  // The process ending between the rename and the command's line (a second Ctrl-C) must not leave a kept bundle unsaid.
  const WRITER = fileURLToPath(new URL('../../dist/bundle/writer.js', import.meta.url));
  const endAfterFinish = (out: string, say: boolean) =>
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { BundleWriter } = await import(${JSON.stringify(WRITER)});
         const w = new BundleWriter(${JSON.stringify(out)}, 'k', 'dir');
         await w.open();
         await w.write('manifest.json', '{}');
         const d = await w.finish(false);
         if (${say}) { process.stderr.write('said by the command\\n'); d.said(); }
         process.exit(130);`,
      ],
      { encoding: 'utf8' },
    );

  it('an incomplete bundle the process ended before announcing: the exit handler says where it is kept, once', () => {
    const out = join(root, 'unsaid');
    const r = endAfterFinish(out, false);
    expect([r.status, r.stderr, readdirSync(out)]).toEqual([130, `goroscope: interrupted: kept the incomplete bundle ${join(out, 'k.incomplete')} (manifest.json says complete: false)\n`, ['k.incomplete']]);
  });

  it('an incomplete bundle the command announced: nothing more is said at exit', () => {
    const out = join(root, 'said');
    const r = endAfterFinish(out, true);
    expect([r.status, r.stderr, readdirSync(out)]).toEqual([130, 'said by the command\n', ['k.incomplete']]);
  });
});
