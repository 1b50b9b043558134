// The relay error head read by hand (commonRelayHead) must be the pattern's own match wherever it answers.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { commonRelayHead, headOf, type RelayHead } from '../../src/parse/message.js';
import { RELAY_ERROR } from '../../src/parse/patterns.js';

const fresh = (): RelayHead => ({ end: -1, channel: undefined, user: undefined, status: undefined, channelName: undefined });

/** What RELAY_ERROR makes of `msg` (the head the parser used before), or null. */
function byPattern(msg: string): RelayHead | null {
  const m = RELAY_ERROR.exec(msg);
  return m === null ? null : { ...headOf(m, fresh()) };
}

describe('commonRelayHead: the hand-read head is the pattern match', () => {
  it.each([
    ['relay error (userId #34,channel #12): Incorrect API key provided', { end: 38, channel: '12', user: '34' }],
    ['relay error (userId #34, channel #12): x', { end: 39, channel: '12', user: '34' }],
    ['relay error (channel id 3, user id: 1): Rate limit reached', { end: 40, channel: '3', user: '1' }],
    ['relay error (userId #34,channel #12) no colon', { end: 37, channel: '12', user: '34' }],
    ['relay error (userId #34,channel #12):no space', { end: 37, channel: '12', user: '34' }],
  ])('%s', (msg, want) => {
    const h = fresh();
    expect(commonRelayHead(msg, h)).toBe(true);
    expect(h).toEqual({ ...want, status: undefined, channelName: undefined });
    expect(h).toEqual(byPattern(msg));
  });

  it.each([
    'relay error (channel #8): invalid character',
    'relay error (channel #3, status code: 500): do request failed',
    'relay error (channel #4(openai-a)): x',
    'Relay error (channel #2): x',
    'channel error (channel #3, status code: 500): x',
    'relay error (userId #,channel #12): x',
    'relay error (userId #34,channel #12x): x',
    'relay error (userId #34;channel #12): x then relay error (userId #1,channel #2): y',
    'relay error (channel id 3, user id: ): x',
    'text before relay error (userId #34,channel #12): x',
  ])('left to the pattern: %s', (msg) => {
    expect(commonRelayHead(msg, fresh())).toBe(false);
  });

  // heads of both forms with their parts varied (digits or not, separators, the close), then any text
  const head = fc.record({
    form: fc.constantFrom('userId', 'channel id'),
    a: fc.stringMatching(/^[0-9x]{0,3}$/),
    sep: fc.constantFrom(',', ', ', ';', '', ', user id: ', ',user id: '),
    b: fc.stringMatching(/^[0-9x]{0,3}$/),
    close: fc.constantFrom(')', '):', '): ', ') ', '):  ', '', 'x)', ')(x)'),
    tail: fc.string({ maxLength: 20 }),
  });
  test.prop([head], { numRuns: 3000 })('any head of the two forms: where the hand answers, it is the pattern; a well-formed one is answered', (p) => {
    const msg =
      p.form === 'userId' ? `relay error (userId #${p.a}${p.sep}channel #${p.b}${p.close}${p.tail}` : `relay error (channel id ${p.a}${p.sep}${p.b}${p.close}${p.tail}`;
    const h = fresh();
    const answered = commonRelayHead(msg, h);
    if (answered) expect(h).toEqual(byPattern(msg));
    // well-formed: judged on the whole message, as the tail may carry the close or more digits (`…user id: 0` + `5)`)
    const wellFormed = p.form === 'userId' ? /^relay error \(userId #\d+, ?channel #\d+\)/ : /^relay error \(channel id \d+, user id: \d+\)/;
    expect(answered).toBe(wellFormed.test(msg));
  });
});
