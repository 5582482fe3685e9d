import { addDuration, isValidTokenLifetime, parseDuration } from './duration.js';

describe('token lifetimes', () => {
  it.each([
    ['30d', { amount: 30, unit: 'd' }],
    ['12w', { amount: 12, unit: 'w' }],
    ['6m', { amount: 6, unit: 'm' }],
    ['1y', { amount: 1, unit: 'y' }],
    [' 2Y ', { amount: 2, unit: 'y' }],
  ])('parses %p', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['', 'never', '0d', '-1d', '1h', '1.5y', 'y', '10000d', '1 y', 'infinity'])(
    'rejects %p',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
      expect(isValidTokenLifetime(text)).toBe(false);
    },
  );

  it.each([
    ['30d', '2026-01-31T10:00:00.000Z'],
    ['12w', '2026-03-26T10:00:00.000Z'],
    ['6m', '2026-07-01T10:00:00.000Z'],
    ['1y', '2027-01-01T10:00:00.000Z'],
  ])('adds %s with calendar arithmetic', (text, expected) => {
    expect(
      addDuration(new Date('2026-01-01T10:00:00.000Z'), parseDuration(text)!).toISOString(),
    ).toBe(expected);
  });

  it('caps lifetimes at three years', () => {
    expect(isValidTokenLifetime('3y')).toBe(true);
    expect(isValidTokenLifetime('36m')).toBe(true);
    expect(isValidTokenLifetime('4y')).toBe(false);
    expect(isValidTokenLifetime('1200d')).toBe(false);
  });
});
