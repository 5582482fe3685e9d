import {
  DEGRADED_ERROR_RATE,
  errorRate,
  FAILING_ERROR_RATE,
  isStale,
  needsNewestCycle,
  percent,
  quietTime,
  STALE_AFTER_MS,
  syncHealth,
  SyncStatus,
} from './sync-status.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** Health of a tenant whose last request was a minute ago and whose newest cycle is given. */
const withCycle = (requests: number, failures: number, inProgress = false) =>
  syncHealth({
    now: NOW,
    lastRequestAt: ago(MINUTE),
    newestCycle: { requests, failures, inProgress },
  });

describe('syncHealth', () => {
  it('is IDLE without any provisioning request (the cycle is not looked at)', () => {
    expect(syncHealth({ now: NOW, lastRequestAt: null, newestCycle: null })).toEqual({
      status: SyncStatus.IDLE,
      reason: 'No provisioning request has been received yet.',
    });
  });

  it.each([
    ['2 h - 1 s', STALE_AFTER_MS - SECOND, SyncStatus.HEALTHY],
    ['exactly 2 h', STALE_AFTER_MS, SyncStatus.HEALTHY],
    ['2 h + 1 s', STALE_AFTER_MS + SECOND, SyncStatus.STALE],
    ['3 days', 3 * 24 * 60 * MINUTE, SyncStatus.STALE],
  ])('last request %s ago: %s', (_, quiet, status) => {
    const health = syncHealth({
      now: NOW,
      lastRequestAt: ago(quiet),
      newestCycle: { requests: 10, failures: 0, inProgress: false },
    });
    expect(health.status).toBe(status);
  });

  it('is STALE whatever the last cycle looked like, and says for how long', () => {
    const health = syncHealth({
      now: NOW,
      lastRequestAt: ago(STALE_AFTER_MS + 5 * MINUTE),
      newestCycle: { requests: 10, failures: 10, inProgress: false },
    });
    expect(health).toEqual({
      status: SyncStatus.STALE,
      reason: 'No provisioning request for 2 h 5 min (more than 2 hours).',
    });
  });

  it.each([
    // [requests, failures, status]: at and around 5 % and 40 %
    [1000, 0, SyncStatus.HEALTHY],
    [1000, 49, SyncStatus.HEALTHY],
    [1000, 50, SyncStatus.HEALTHY], // exactly 5 %: not over it
    [1000, 51, SyncStatus.DEGRADED],
    [1000, 399, SyncStatus.DEGRADED],
    [1000, 400, SyncStatus.DEGRADED], // exactly 40 %: not over it
    [1000, 401, SyncStatus.FAILING],
    [1000, 1000, SyncStatus.FAILING],
    [20, 1, SyncStatus.HEALTHY],
    [20, 2, SyncStatus.DEGRADED],
    [5, 2, SyncStatus.DEGRADED],
    [5, 3, SyncStatus.FAILING],
  ])('%d requests, %d failed: %s', (requests, failures, status) => {
    expect(withCycle(requests, failures).status).toBe(status);
  });

  it('keeps the thresholds of the issue (Entra quarantines above 40 %)', () => {
    expect(DEGRADED_ERROR_RATE).toBe(0.05);
    expect(FAILING_ERROR_RATE).toBe(0.4);
    expect(STALE_AFTER_MS).toBe(2 * 60 * MINUTE);
  });

  it('says why, in one sentence naming the cycle', () => {
    expect(withCycle(100, 12).reason).toBe(
      '12 of the 100 requests of the last cycle failed (12 %): over 5 %.',
    );
    expect(withCycle(10, 5, true).reason).toBe(
      '5 of the 10 requests of the current cycle failed (50 %): over 40 %, the level at which Entra quarantines provisioning.',
    );
    expect(withCycle(1000, 3).reason).toBe(
      '3 of the 1000 requests of the last cycle failed (0.3 %).',
    );
    expect(withCycle(7, 0, true).reason).toBe('All 7 requests of the current cycle succeeded.');
  });

  it('is HEALTHY when the newest cycle is missing or empty (not expected, never a crash)', () => {
    expect(syncHealth({ now: NOW, lastRequestAt: ago(MINUTE), newestCycle: null }).status).toBe(
      SyncStatus.HEALTHY,
    );
    expect(withCycle(0, 0).status).toBe(SyncStatus.HEALTHY);
  });
});

describe('helpers', () => {
  it('errorRate is failures / requests, 0 without requests', () => {
    expect(errorRate(8, 2)).toBe(0.25);
    expect(errorRate(0, 0)).toBe(0);
  });

  it('isStale and needsNewestCycle agree with the 2 h edge', () => {
    expect(isStale(NOW, ago(STALE_AFTER_MS))).toBe(false);
    expect(isStale(NOW, ago(STALE_AFTER_MS + 1))).toBe(true);
    expect(needsNewestCycle(NOW, null)).toBe(false);
    expect(needsNewestCycle(NOW, ago(STALE_AFTER_MS + SECOND))).toBe(false);
    expect(needsNewestCycle(NOW, ago(STALE_AFTER_MS - SECOND))).toBe(true);
  });

  it.each([
    [0, '0 %'],
    [0.003, '0.3 %'],
    [0.051, '5.1 %'],
    [0.12, '12 %'],
    [0.405, '41 %'],
    [1, '100 %'],
  ])('percent(%d) is %s', (rate, text) => {
    expect(percent(rate)).toBe(text);
  });

  it.each([
    [2 * 60 * MINUTE, '2 h'],
    [(2 * 60 + 1) * MINUTE + 59 * SECOND, '2 h 1 min'],
    [24 * 60 * MINUTE, '1 day'],
    [(3 * 24 + 4) * 60 * MINUTE, '3 days 4 h'],
  ])('quietTime(%d) is %s', (ms, text) => {
    expect(quietTime(ms)).toBe(text);
  });
});
