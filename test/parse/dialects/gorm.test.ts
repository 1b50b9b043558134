// Table tests of the GORM dialect (and the [mysql] line that often follows it).
import { describe, expect, it } from 'vitest';
import { gorm } from '../../../src/parse/dialects/gorm.js';
import { CONTINUATION, DETAIL_START, STDLOG_START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'GORM record not found and SLOW SQL: no event; [error]: db_error; [mysql]: db_error',
    input: [
      '\r',
      '2025/02/21 19:31:07 \x1b[31;1mgithub.com/songquanpeng/one-api/model/cache.go:40 \x1b[35;1mrecord not found',
      "\x1b[0m\x1b[33m[0.812ms] \x1b[34;1m[rows:0]\x1b[0m SELECT * FROM `tokens` WHERE `key` = 'AbCdEf...' ORDER BY `tokens`.`id` LIMIT 1",
      '\r',
      '2025/02/21 19:31:09 \x1b[32mgithub.com/songquanpeng/one-api/model/user.go:402 \x1b[33mSLOW SQL >= 200ms',
      '\x1b[0m\x1b[31;1m[231.554ms] \x1b[33m[rows:1]\x1b[35m UPDATE `users` SET `quota`=quota - 1335 WHERE id = 1\x1b[0m',
      '\r',
      '2023/04/24 01:30:38 \x1b[35m/build/model/main.go:49',
      '\x1b[0m\x1b[31m[error] \x1b[0mfailed to initialize database, got error unable to open database file: no such file or directory',
      { text: '[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF', stream: 'stderr' },
    ],
    want: [
      { kind: 'db_error', ...base('2023/04/24 01:30:38 /build/model/main.go:49', '2023-04-23T17:30:38.000Z'), message: 'failed to initialize database, got error unable to open database file: no such file or directory', origin: 'gorm' },
      { kind: 'db_error', ...base('[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF', '2025-03-26T08:03:02.000Z', { stream: 'stderr' }), message: 'unexpected EOF', origin: 'mysql' },
    ],
  },
  {
    name: 'GORM trace with an error in the head line',
    input: [
      '',
      '2025/02/21 19:31:10 \x1b[31;1m/build/model/log.go:51 \x1b[35;1mError 1062 (23000): Duplicate entry \'5\' for key \'PRIMARY\'',
      "\x1b[0m\x1b[33m[1.201ms] \x1b[34;1m[rows:0]\x1b[0m INSERT INTO `logs` ...",
    ],
    want: [{ kind: 'db_error', ...base("2025/02/21 19:31:10 /build/model/log.go:51 Error 1062 (23000): Duplicate entry '5' for key 'PRIMARY'", '2025-02-21T11:31:10.000Z'), message: "Error 1062 (23000): Duplicate entry '5' for key 'PRIMARY'", origin: 'gorm' }],
  },
  {
    name: '[error] without its head line (grep kept only it) is a db_error of its own, without a time',
    input: ['[error] failed to initialize database, got error dial tcp 10.0.8.5:3306: connect: connection refused'],
    want: [{ kind: 'db_error', ...base('[error] failed to initialize database, got error dial tcp 10.0.8.5:3306: connect: connection refused', null), message: 'failed to initialize database, got error dial tcp 10.0.8.5:3306: connect: connection refused', origin: 'gorm' }],
  },
  {
    name: '[error] right after a one-line One API record opens its own record (it is not that record\'s detail)',
    input: ['[SYS] 2024/04/16 - 02:10:39 | using MySQL as database ', '[error] failed to initialize database, got error driver: bad connection', '[error] record not found'],
    want: [{ kind: 'db_error', ...base('[error] failed to initialize database, got error driver: bad connection', null), message: 'failed to initialize database, got error driver: bad connection', origin: 'gorm' }],
  },
  {
    name: 'with its head line the [error] line is the head\'s detail: one event, the head\'s time; a second [error] is a second error',
    input: ['2024/04/16 02:10:39 /build/model/main.go:79', '[error] failed to initialize database, got error driver: bad connection', '[error] failed to initialize database, got error driver: bad connection'],
    want: [
      { kind: 'db_error', ...base('2024/04/16 02:10:39 /build/model/main.go:79', '2024-04-15T18:10:39.000Z'), message: 'failed to initialize database, got error driver: bad connection', origin: 'gorm' },
      { kind: 'db_error', ...base('[error] failed to initialize database, got error driver: bad connection', null), message: 'failed to initialize database, got error driver: bad connection', origin: 'gorm' },
    ],
  },
];

describe('gorm', () => {
  runTable(cases);
  it.each([
    { name: 'a GORM head', input: '2023/04/24 01:30:38 /build/model/main.go:49', want: STDLOG_START },
    { name: '[error] detail', input: '[error] failed to initialize database', want: DETAIL_START },
    { name: 'another std-log line', input: '2025/02/21 19:31:07 http: Accept error', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(gorm.start(input)).toBe(want));
});
