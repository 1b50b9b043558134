// Liberal reading: what copies put in front of a known line is peeled once, before any dialect sees it (peel.ts), and
// the record's continuation lines lose the same prefix. Lines in → the exact events.
import { describe, expect, it } from 'vitest';
import { peelStart, prefixLength } from '../../src/parse/peel.js';
import { startKind, START } from '../../src/parse/starts.js';
import { base, parse, runTable, type Case } from './helpers.js';

const GOR = '[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234 ';
const GOR_RAW = '[SYS] 2025/11/03 - 16:41:05 | ⚠️ High goroutine count detected: 5234';
const GOR_EVENT = { kind: 'goroutine', ...base(GOR_RAW, '2025-11-03T08:41:05.000Z'), count: 5234, level: 'high' };
const REL = '[ERR] 2024/09/10 - 11:02:33 | 2024091011023348291533751023948 | relay error (channel id 3, user id: 1): bad response status code 503 ';
const REL_EVENT = {
  kind: 'relay_error',
  ...base(REL.trimEnd(), '2024-09-10T03:02:33.000Z', { requestId: '2024091011023348291533751023948' }),
  channel: 3, userId: 1, statusCode: 503, cause: 'upstream_5xx', timeoutClass: null, message: 'bad response status code 503',
};
/** A crash whose dump lines all carry `prefix`. */
const crash = (prefix: string) => [`${prefix}panic: boom`, prefix.trimEnd(), `${prefix}goroutine 1 [running]:`, `${prefix}main.main()`, `${prefix}\t/app/main.go:5 +0x1d`];
const CRASH_EVENT = { kind: 'crash', ...base('panic: boom', null), message: 'boom', crashKind: 'panic', signature: expect.stringMatching(/^[0-9a-f]{8} main\.main$/), frames: ['main.main'], truncated: false };

/** A one-line frame header before `text`, as Docker writes it: type, three zero bytes, the size big-endian. */
const frame = (type: number, text: string) => {
  const n = Buffer.byteLength(text) + 1;
  return String.fromCharCode(type, 0, 0, 0, 0, 0, (n >> 8) & 0xff, n & 0xff) + text;
};

const cases: Case[] = [
  { name: 'Docker Desktop time in front', input: [`2025-06-11 09:14:02 ${GOR}`], want: [GOR_EVENT] },
  { name: "a docker logs -t stamp left in a mixed paste: it is the record's Docker time", input: [`2025-11-03T08:41:05.123456789Z ${GOR}`], want: [{ ...GOR_EVENT, time: '2025-11-03T08:41:05.123Z' }] },
  { name: 'compose prefix, padded', input: [`one-api  | ${GOR}`], want: [GOR_EVENT] },
  { name: 'compose prefix, padding collapsed by an issue renderer', input: [`new-api-1 | ${GOR}`], want: [GOR_EVENT] },
  { name: 'a reply quote', input: [`> ${REL}`, '>', `> ${GOR}`], want: [REL_EVENT, GOR_EVENT] },
  { name: 'markdown indentation', input: [`    ${REL}`, `    ${GOR}`], want: [REL_EVENT, GOR_EVENT] },
  { name: 'frame header with its NULs and a printable size byte (71 = "G")', input: [frame(1, GOR.replace('5234', '52'))], want: [{ ...GOR_EVENT, raw: GOR_RAW.replace('5234', '52'), count: 52 }] },
  { name: 'frame header with a control size byte', input: [frame(2, REL)], want: [REL_EVENT] },
  { name: 'only U+FFFD left of the header', input: [`\ufffd\ufffd${GOR}`], want: [GOR_EVENT] },
  { name: 'layers combined: GUI time, then compose', input: [`2025-06-11 09:14:02 one-api  | ${GOR}`], want: [GOR_EVENT] },
  { name: 'compose prefix in colour, as `docker compose logs` prints it to a terminal', input: [`\x1b[36mone-api  |\x1b[0m ${GOR}`], want: [GOR_EVENT] },
  { name: 'compose prefix in colour, the colour ending before the bar', input: [`\x1b[33mnew-api-1  \x1b[0m| ${REL}`], want: [REL_EVENT] },
  { name: 'a crash dump, every line compose-prefixed in colour', input: crash('\x1b[36mone-api  |\x1b[0m '), want: [CRASH_EVENT] },
  { name: 'journalctl of the journald driver: syslog time, host, the container id as tag', input: [`Nov 03 16:41:05 gw-host 7f2a3c1b9d4e[812]: ${GOR}`], want: [GOR_EVENT] },
  { name: '/var/log/syslog of the syslog driver: a day under 10 padded with a space, a tag without a pid', input: [`Nov  3 16:41:05 gw-host one-api: ${REL}`], want: [REL_EVENT] },
  { name: 'journalctl -o short-iso / rsyslog on Debian: an ISO time with an offset, then host and tag', input: [`2025-11-03T16:41:05.123456+08:00 gw-host one-api[812]: ${GOR}`], want: [{ ...GOR_EVENT }] },
  { name: 'a crash dump from journalctl: every line with its syslog prefix (the times differ)', input: crash('Nov 03 16:41:05 gw-host one-api[812]: ').map((l, i) => l.replace('16:41:05', `16:41:0${i}`)), want: [CRASH_EVENT] },
  {
    name: 'a crash dump, every line with a GUI time: its continuation lines lose it too; the GUI time (read in the zone) is the crash time',
    input: crash('2025-06-11 09:14:02 '),
    want: [{ ...CRASH_EVENT, time: '2025-06-11T01:14:02.000Z' }],
  },
  { name: 'a crash dump, every line compose-prefixed (blank line: `one-api  |`)', input: crash('one-api  | '), want: [CRASH_EVENT] },
  { name: 'a crash dump indented four spaces', input: crash('    '), want: [CRASH_EVENT] },
  {
    name: "a re-panic's indented `\\tpanic:` line stays in its crash (indentation alone is not peeled inside a stack)",
    input: ['panic: boom [recovered]', '\tpanic: boom', '', 'goroutine 1 [running]:', 'main.main()', '\t/app/main.go:5 +0x1d'],
    want: [{ ...CRASH_EVENT, ...base('panic: boom [recovered]', null), message: 'boom [recovered]' }],
  },
  {
    name: 'a continuation line that does not start a known line keeps its text (a JSON body after a channel test)',
    input: ['[SYS] 2024/09/10 - 11:05:20 | testing channel #5, response: ', '  {"id":"chatcmpl-1"}', '  one-api | not a start'],
    want: [],
  },
  { name: 'a prefix before an unknown line is not peeled: the line is unparsed', input: ['one-api  | hello world'], want: [], unparsed: 1 },
];

describe('peel: prefixes in front of a known line', () => {
  runTable(cases);

  it('a record keeps its peeled prefix for its continuation lines: the relay panic stack under GUI times', () => {
    const rid = '2025110316500312345678987654321';
    const t = '2025-11-03 16:50:03 ';
    const got = parse([
      `${t}[ERR] 2025/11/03 - 16:50:03 | ${rid} | panic detected: boom `,
      `${t}[ERR] 2025/11/03 - 16:50:03 | ${rid} | stacktrace from panic: goroutine 7 [running]:`,
      `${t}panic({0x1, 0x2})`,
      `${t}\t/usr/local/go/src/runtime/panic.go:785 +0x132`,
      `${t}one-api/relay/adaptor/gemini.StreamHandler(0xc000a8e100)`,
      `${t}\t/build/relay/adaptor/gemini/main.go:301 +0x2f4`,
      `${t}[ERR] 2025/11/03 - 16:50:03 | ${rid} | request body: {} `,
    ]);
    expect(got.records.map((r) => r.lines)).toEqual([
      [`[ERR] 2025/11/03 - 16:50:03 | ${rid} | panic detected: boom `],
      [`[ERR] 2025/11/03 - 16:50:03 | ${rid} | stacktrace from panic: goroutine 7 [running]:`, 'panic({0x1, 0x2})', '\t/usr/local/go/src/runtime/panic.go:785 +0x132', 'one-api/relay/adaptor/gemini.StreamHandler(0xc000a8e100)', '\t/build/relay/adaptor/gemini/main.go:301 +0x2f4'],
      [`[ERR] 2025/11/03 - 16:50:03 | ${rid} | request body: {} `],
    ]);
    expect(got.events).toEqual([
      {
        kind: 'panic',
        ...base(`[ERR] 2025/11/03 - 16:50:03 | ${rid} | panic detected: boom`, '2025-11-03T08:50:03.000Z', { requestId: rid }),
        message: 'boom',
        signature: expect.stringMatching(/^[0-9a-f]{8} gemini\.StreamHandler$/),
        frames: ['gemini.StreamHandler'],
        recoveredBy: 'relay',
      },
    ]);
  });

  it.each([
    { name: 'GUI time', line: `2025-06-11 09:14:02 ${GOR}`, length: 20 },
    { name: 'compose, padded', line: `one-api  | ${GOR}`, length: 11 },
    { name: 'compose in colour', line: `\x1b[36mone-api  |\x1b[0m ${GOR}`, length: 20 },
    { name: 'journalctl', line: `Nov 03 16:41:05 gw-host 7f2a3c1b9d4e[812]: ${GOR}`, length: 43 },
    { name: 'quote then indentation', line: `>     ${GOR}`, length: 6 },
    { name: 'U+FFFD residue', line: `\ufffd${GOR}`, length: 1 },
  ])('peelStart: $name', ({ line, length }) => {
    const p = peelStart(line, startKind, false);
    expect(p?.length).toBe(length);
    expect(p?.kind).toBe(START);
    expect(prefixLength(line, p!.prefix)).toBe(length);
  });

  it.each([
    { name: 'a Go file line', line: '\t/build/main.go:90 +0x3f0' },
    { name: 'a function line', line: 'github.com/songquanpeng/one-api/model.InitChannelCache()' },
    { name: 'an SSE line', line: 'data: {"choices":[]}' },
    { name: 'a date that is not a GUI time', line: '2025-06-11 hello [SYS] 2025/11/03 - 16:41:05 | x' },
    { name: 'a month name that is not a syslog time', line: 'Nov 03 was the day [SYS] 2025/11/03 - 16:41:05 | x' },
    { name: 'words and a colon before an unknown line', line: 'gw-host one-api[812]: hello' },
  ])('peelStart leaves alone: $name', ({ line }) => expect(peelStart(line, startKind, false)).toBeNull());
});
