import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { encodeCursor } from '../graphql/connection.js';
import {
  assembleCycles,
  type CycleAggregateRow,
  cycleCursorStart,
  cycleId,
  errorWindowMs,
  likePrefixPattern,
  NO_RESOURCE_TYPE,
} from './sync-cycles.js';

const TENANT = '3f1c1f0e-8d0a-4a57-9d52-1b7f1c3b9a10';
const OTHER = '9a0e2b7c-2f44-4c1b-8f0e-6d5a4c3b2a19';
const GAP = 10 * 60_000;

const row = (
  startMicros: string,
  startedAt: string,
  endedAt: string,
  resourceType: string | null,
  counts: [number, number, number, number, number],
): CycleAggregateRow => {
  const [requests, creates, updates, deletes, failures] = counts;
  return {
    startMicros,
    startedAt: new Date(startedAt),
    endedAt: new Date(endedAt),
    resourceType,
    requests,
    creates,
    updates,
    deletes,
    failures,
  };
};

describe('assembleCycles', () => {
  const rows = [
    row(
      '1772366400000123',
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T12:05:00.000Z',
      'Group',
      [4, 1, 2, 0, 1],
    ),
    row(
      '1772366400000123',
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T12:05:00.000Z',
      'User',
      [6, 3, 1, 1, 0],
    ),
    row(
      '1772366400000123',
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T12:05:00.000Z',
      null,
      [2, 0, 0, 0, 2],
    ),
    row(
      '1772359200000000',
      '2026-03-01T10:00:00.000Z',
      '2026-03-01T10:30:00.000Z',
      'User',
      [5, 5, 0, 0, 0],
    ),
  ];

  it('sums the resource types of each cycle, keeps the order, names the missing type', () => {
    const [newest, older] = assembleCycles(TENANT, rows, new Date('2026-03-01T13:00:00Z'), GAP);
    expect(newest).toEqual({
      id: cycleId(TENANT, '1772366400000123'),
      startedAt: new Date('2026-03-01T12:00:00.000Z'),
      endedAt: new Date('2026-03-01T12:05:00.000Z'),
      inProgress: false,
      requests: 12,
      creates: 4,
      updates: 3,
      deletes: 1,
      failures: 3,
      errorRate: 0.25,
      byResourceType: [
        { resourceType: 'Group', requests: 4, creates: 1, updates: 2, deletes: 0, failures: 1 },
        { resourceType: 'User', requests: 6, creates: 3, updates: 1, deletes: 1, failures: 0 },
        {
          resourceType: NO_RESOURCE_TYPE,
          requests: 2,
          creates: 0,
          updates: 0,
          deletes: 0,
          failures: 2,
        },
      ],
    });
    expect(older?.requests).toBe(5);
    expect(older?.errorRate).toBe(0);
  });

  it.each([
    ['at the gap', '2026-03-01T12:15:00.000Z', true],
    ['a millisecond after the gap', '2026-03-01T12:15:00.001Z', false],
  ])('is in progress while now - endedAt <= gap (%s)', (_, now, inProgress) => {
    const [newest] = assembleCycles(TENANT, rows, new Date(now), GAP);
    expect(newest?.inProgress).toBe(inProgress);
  });

  it('gives nothing for no rows', () => {
    expect(assembleCycles(TENANT, [], new Date(), GAP)).toEqual([]);
  });
});

describe('cycle cursors', () => {
  it('round-trips the start to the microsecond', () => {
    expect(cycleCursorStart(TENANT, cycleId(TENANT, '1772366400000123'))).toBe('1772366400000123');
  });

  it.each([
    ['garbage', 'not a cursor'],
    ["another tenant's cycle", cycleId(OTHER, '1772366400000123')],
    ['another list', encodeCursor(['2026-03-01T12:00:00.000Z', TENANT])],
    ['a non-integer start', encodeCursor([TENANT, '12.5'])],
    ['a numeric start', encodeCursor([TENANT, 1772366400000123])],
  ])('refuses %s as BAD_USER_INPUT', (_, cursor) => {
    expect(() => cycleCursorStart(TENANT, cursor)).toThrow(
      new DomainError(DomainErrorCode.InvalidInput, 'after is not a cursor of this list'),
    );
  });
});

describe('errorWindowMs', () => {
  it.each([
    ['24h', 86_400_000],
    ['90min', 5_400_000],
    ['90d', 90 * 86_400_000],
  ])('%s is %d ms', (window, ms) => {
    expect(errorWindowMs(window)).toBe(ms);
  });

  it.each([
    ['91d', 'window must be at most 90d, not "91d"'],
    ['0s', 'window "0s" is too short'],
    ['1 day', 'window "1 day" is not an interval such as 30s, 90min, 24h or 7d'],
    ['24m', 'window "24m" is not an interval such as 30s, 90min, 24h or 7d'],
  ])('refuses %p', (window, message) => {
    expect(() => errorWindowMs(window)).toThrow(
      new DomainError(DomainErrorCode.InvalidInput, message),
    );
  });
});

describe('likePrefixPattern', () => {
  it.each([
    ['role.', 'role.%'],
    ['role_', 'role\\_%'],
    ['100%', '100\\%%'],
    ['a\\b', 'a\\\\b%'],
  ])('%s becomes %s', (prefix, pattern) => {
    expect(likePrefixPattern(prefix)).toBe(pattern);
  });
});
