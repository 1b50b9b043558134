// Table tests of the GORM dialect (and the [mysql] line that often follows it).
import { describe } from 'vitest';
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
];

describe('gorm', () => runTable(cases));
