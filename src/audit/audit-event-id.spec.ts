import {
  decodeAuditEventId,
  encodeAuditEventId,
  isEpochMicros,
  microsToDate,
  microsToTimestamp,
} from './audit-event-id.js';

const KEY = {
  tenantId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  atMicros: '1795448780798123',
  id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
};

describe('AuditEvent.id (self-locating primary key)', () => {
  it('round-trips tenant, microsecond instant and row id', () => {
    const id = encodeAuditEventId(KEY);
    expect(id).toMatch(/^[A-Za-z0-9_-]{55}$/);
    expect(decodeAuditEventId(id)).toEqual(KEY);
  });

  it('two rows of the same millisecond get different ids', () => {
    const other = { ...KEY, atMicros: '1795448780798124' };
    expect(encodeAuditEventId(other)).not.toBe(encodeAuditEventId(KEY));
    expect(decodeAuditEventId(encodeAuditEventId(other))).toEqual(other);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'not an id!'],
    ['a uuid', KEY.id],
    ['too short', encodeAuditEventId(KEY).slice(0, -2)],
    ['too long', `${encodeAuditEventId(KEY)}AA`],
    ['another version', `B${encodeAuditEventId(KEY).slice(1)}`],
    ['a negative instant', Buffer.alloc(41, 0xff).fill(1, 0, 1).toString('base64url')],
  ])('a malformed id (%s) decodes to null', (_, text) => {
    expect(decodeAuditEventId(text)).toBeNull();
  });
});

describe('microsecond instants', () => {
  it('prints the exact timestamptz literal and the millisecond Date', () => {
    expect(microsToTimestamp('1795448780798123')).toBe('2026-11-23T15:46:20.798123Z');
    expect(microsToTimestamp('5')).toBe('1970-01-01T00:00:00.000005Z');
    expect(microsToDate('1795448780798123').toISOString()).toBe('2026-11-23T15:46:20.798Z');
  });

  it.each([
    ['0', true],
    ['1795448780798123', true],
    ['253402300799999999', true],
    ['253402300800000000', false],
    ['-1', false],
    ['01', false],
    ['1.5', false],
    ['', false],
  ])('isEpochMicros(%s) is %s', (value, expected) => {
    expect(isEpochMicros(value)).toBe(expected);
  });
});
