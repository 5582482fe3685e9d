import { checkInterval, parseInterval } from './interval.js';

describe('parseInterval', () => {
  it.each([
    ['30s', 30_000],
    ['90min', 5_400_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    [' 2H ', 7_200_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });

  it.each(['', '10', '10m', '1y', '1.5h', '-1h', 'h', '10 h', '12345678s'])(
    'refuses %p',
    (text) => {
      expect(parseInterval(text)).toBeUndefined();
    },
  );
});

describe('checkInterval', () => {
  const bounds = { minMs: 0, maxMs: 30 * 86_400_000, maxText: '30d' };

  it('accepts an interval within bounds', () => {
    expect(checkInterval('overlap', '24h', bounds)).toEqual({ ok: true, ms: 86_400_000 });
  });

  it('names the argument and the bound', () => {
    expect(checkInterval('overlap', '31d', bounds)).toEqual({
      ok: false,
      message: 'overlap must be at most 30d, not "31d"',
    });
    expect(checkInterval('overlap', '1w', bounds)).toEqual({
      ok: false,
      message: 'overlap "1w" is not an interval such as 30s, 90min, 24h or 7d',
    });
  });
});
