import type { TokenState } from './api-tokens.repository.js';
import { TokenStateCache } from './token-state-cache.js';

const state = (overrides: Partial<TokenState> = {}): TokenState => ({
  revokedAt: null,
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  lastUsedAt: null,
  identityId: 'b2f0c1de-0000-4000-8000-000000000001',
  ...overrides,
});

describe('TokenStateCache', () => {
  let now = 0;
  const cache = (maxAgeMs = 60_000, maxEntries = 3) =>
    new TokenStateCache(() => now, maxAgeMs, maxEntries);

  beforeEach(() => {
    now = 1_000;
  });

  it('serves nothing and keeps nothing while it is not listening', () => {
    const c = cache();
    c.set('a', state(), c.epoch);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('serves what it keeps while listening', () => {
    const c = cache();
    c.setListening(true);
    const kept = state();
    c.set('a', kept, c.epoch);
    expect(c.get('a')).toBe(kept);
    expect(c.get('b')).toBeUndefined();
  });

  it('does not keep a state read before an invalidation (a revocation racing the read)', () => {
    const c = cache();
    c.setListening(true);
    const epoch = c.epoch; // the read starts
    c.invalidate('a'); // the revocation's notification arrives meanwhile
    c.set('a', state(), epoch); // the (older) read completes
    expect(c.get('a')).toBeUndefined();
    c.set('a', state({ revokedAt: new Date() }), c.epoch);
    expect(c.get('a')?.revokedAt).toBeInstanceOf(Date);
  });

  it('invalidate drops one token; losing the connection drops all and stops serving', () => {
    const c = cache();
    c.setListening(true);
    c.set('a', state(), c.epoch);
    c.set('b', state(), c.epoch);
    c.invalidate('a');
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBeDefined();
    c.setListening(false);
    expect(c.get('b')).toBeUndefined();
    c.setListening(true);
    expect(c.get('b')).toBeUndefined();
  });

  it('reads again after the maximum age, even without a notification', () => {
    const c = cache(100);
    c.setListening(true);
    c.set('a', state(), c.epoch);
    now += 99;
    expect(c.get('a')).toBeDefined();
    now += 1;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the least recently stored', () => {
    const c = cache(60_000, 2);
    c.setListening(true);
    c.set('a', state(), c.epoch);
    c.set('b', state(), c.epoch);
    c.set('a', state(), c.epoch); // stored again: now the newest
    c.set('c', state(), c.epoch);
    expect(c.size).toBe(2);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.get('c')).toBeDefined();
  });
});
