// Table tests of the mysql dialect: go-sql-driver/mysql's own logger lines.
import { describe, expect, it } from 'vitest';
import { mysql } from '../../../src/parse/dialects/mysql.js';
import { CONTINUATION, START } from '../../../src/parse/dialect.js';
import { base, runTable, type Case } from '../helpers.js';

const cases: Case[] = [
  {
    name: 'packets.go:37: unexpected EOF on stderr',
    input: [{ text: '[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF', stream: 'stderr' }],
    want: [{ kind: 'db_error', ...base('[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF', '2025-03-26T08:03:02.000Z', { stream: 'stderr' }), message: 'unexpected EOF', origin: 'mysql' }],
  },
  {
    name: 'closing bad idle connection (go-sql-driver #1140 shape)',
    input: ['[mysql] 2025/03/26 16:10:00 packets.go:122: closing bad idle connection: EOF'],
    want: [{ kind: 'db_error', ...base('[mysql] 2025/03/26 16:10:00 packets.go:122: closing bad idle connection: EOF', '2025-03-26T08:10:00.000Z'), message: 'closing bad idle connection: EOF', origin: 'mysql' }],
  },
  {
    name: 'a line without its file part keeps the whole text',
    input: ['[mysql] 2025/03/26 16:10:01 invalid connection'],
    want: [{ kind: 'db_error', ...base('[mysql] 2025/03/26 16:10:01 invalid connection', '2025-03-26T08:10:01.000Z'), message: 'invalid connection', origin: 'mysql' }],
  },
];

describe('mysql', () => {
  runTable(cases);
  it.each([
    { name: 'a [mysql] line', input: '[mysql] 2025/03/26 16:03:02 packets.go:37: unexpected EOF', want: START },
    { name: 'no date after it', input: '[mysql] packets.go:37: unexpected EOF', want: CONTINUATION },
    { name: 'another bracket', input: '[mysqld] 2025/03/26', want: CONTINUATION },
  ])('start: $name', ({ input, want }) => expect(mysql.start(input)).toBe(want));
});
