// Email over TLS: a real SMTP server (smtp-server) with implicit TLS and with STARTTLS, behind a throwaway
// self-signed certificate made by openssl in a temp dir. Trusted through --smtp-ca / GOROSCOPE_SMTP_CA / smtp.ca
// the mail is delivered; untrusted, the delivery fails once (not retried) with a line that says what to do.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoroscopeError } from '../../src/errors.js';
import { deliver, parseTarget, resolveSmtp, type SmtpConfig } from '../../src/notify/targets.js';
import { alert, parseMail, selfSigned, smtpRecorder } from '../helpers/servers.js';

describe('email over TLS and STARTTLS with a self-signed certificate', () => {
  let dir: string;
  let tls: ReturnType<typeof selfSigned>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gs-smtptls-'));
    tls = selfSigned(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: { name: string; input: { mode: 'tls' | 'starttls'; trust: boolean }; want: { ok: boolean; attempts: number; mails: number; error?: RegExp } }[] = [
    { name: 'implicit TLS, CA given: delivered', input: { mode: 'tls', trust: true }, want: { ok: true, attempts: 1, mails: 1 } },
    { name: 'STARTTLS, CA given: delivered', input: { mode: 'starttls', trust: true }, want: { ok: true, attempts: 1, mails: 1 } },
    {
      name: 'implicit TLS, not trusted: one failed attempt, clear reason',
      input: { mode: 'tls', trust: false },
      want: { ok: false, attempts: 1, mails: 0, error: /^TLS certificate of 127\.0\.0\.1 not trusted \(self[- ]signed certificate\); trust its CA with --smtp-ca FILE or GOROSCOPE_SMTP_CA$/ },
    },
    {
      name: 'STARTTLS, not trusted: one failed attempt, clear reason',
      input: { mode: 'starttls', trust: false },
      want: { ok: false, attempts: 1, mails: 0, error: /^TLS certificate of 127\.0\.0\.1 not trusted \(self[- ]signed certificate\); trust its CA with --smtp-ca FILE or GOROSCOPE_SMTP_CA$/ },
    },
  ];
  it.each(cases)('$name', async ({ input, want }) => {
    const server = await smtpRecorder({ tls: { mode: input.mode, key: tls.key, cert: tls.cert } });
    try {
      const smtp: SmtpConfig = resolveSmtp(
        { smtpHost: '127.0.0.1', smtpPort: String(server.port), smtpSecure: input.mode, smtpFrom: 'goroscope@example.com', ...(input.trust ? { smtpCa: tls.certFile } : {}) },
        {},
        {},
      )!;
      const d = await deliver(parseTarget('mailto:ops@example.com'), alert, { lang: 'en', timeoutMs: 5000, retries: 2, smtp, backoffMs: 50 });
      expect({ ok: d.ok, attempts: d.attempts, mails: server.mails.length }).toEqual({ ok: want.ok, attempts: want.attempts, mails: want.mails });
      if (want.error) expect(d.error).toMatch(want.error);
      else expect(parseMail(server.mails[0]!.raw).subject).toBe('[goroscope] CRITICAL: one-api (was WARNING)');
    } finally {
      await server.close();
    }
  });

  it('the CA file comes from the flag, else GOROSCOPE_SMTP_CA, else smtp.ca; a missing or non-PEM file is exit 66', () => {
    const other = join(dir, 'other.pem');
    writeFileSync(other, 'not a certificate\n');
    const got = [
      resolveSmtp({ smtpHost: 'h', smtpCa: tls.certFile }, { GOROSCOPE_SMTP_CA: other }, {})?.ca,
      resolveSmtp({ smtpHost: 'h' }, { GOROSCOPE_SMTP_CA: tls.certFile }, { smtp: { ca: other } })?.ca,
      resolveSmtp({ smtpHost: 'h' }, {}, { smtp: { ca: tls.certFile } })?.ca,
      resolveSmtp({ smtpHost: 'h' }, {}, {})?.ca,
    ];
    expect(got).toEqual([tls.cert, tls.cert, tls.cert, undefined]);
    const failures = [join(dir, 'missing.pem'), other].map((f) => {
      try {
        resolveSmtp({ smtpHost: 'h', smtpCa: f }, {}, {});
        return null;
      } catch (err) {
        return [(err as GoroscopeError).exitCode, (err as Error).message];
      }
    });
    expect(failures).toEqual([
      [66, 'cannot read the SMTP CA file'],
      [66, 'the SMTP CA file holds no PEM certificate'],
    ]);
  });
});
