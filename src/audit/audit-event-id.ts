import { isUuid } from '../common/uuid.js';

/**
 * The primary key of one audit row, `(tenant_id, at, id)`, with `at` as whole microseconds since
 * the Unix epoch (a decimal string: PostgreSQL keeps microseconds, a JS Date only milliseconds).
 */
export interface AuditEventKey {
  readonly tenantId: string;
  readonly atMicros: string;
  readonly id: string;
}

const VERSION = 1;
const BYTES = 1 + 16 + 8 + 16;
/** Latest instant accepted: 9999-12-31T23:59:59.999999Z (PostgreSQL and JS both print it). */
const MAX_MICROS = 253_402_300_799_999_999n;

/** Whole microseconds since the epoch, 0 up to year 9999, as PostgreSQL's `bigint` text prints it. */
export function isEpochMicros(value: unknown): value is string {
  return typeof value === 'string' && /^(0|[1-9][0-9]{0,17})$/.test(value)
    ? BigInt(value) <= MAX_MICROS
    : false;
}

/**
 * The exact `timestamptz` literal of an instant given in microseconds, e.g.
 * `2026-05-01T10:00:00.123456Z` (a cast of it loses nothing, unlike a float epoch).
 */
export function microsToTimestamp(micros: string): string {
  const value = BigInt(micros);
  const iso = new Date(Number(value / 1000n)).toISOString();
  return `${iso.slice(0, -1)}${(value % 1000n).toString().padStart(3, '0')}Z`;
}

/** The instant in milliseconds (what GraphQL's DateTime shows). */
export const microsToDate = (micros: string): Date => new Date(Number(BigInt(micros) / 1000n));

/**
 * `AuditEvent.id`: opaque to clients, and self-locating, so that `auditEvent(id)` is one
 * primary-key lookup without any other index. base64url of 41 bytes: a version byte, the tenant
 * uuid, `at` in microseconds (int64, big-endian) and the row uuid.
 */
export function encodeAuditEventId(key: AuditEventKey): string {
  const bytes = Buffer.alloc(BYTES);
  bytes.writeUInt8(VERSION, 0);
  uuidBytes(key.tenantId).copy(bytes, 1);
  bytes.writeBigInt64BE(BigInt(key.atMicros), 17);
  uuidBytes(key.id).copy(bytes, 25);
  return bytes.toString('base64url');
}

/** The key of an `AuditEvent.id`, or null when the text is not one (any malformed id). */
export function decodeAuditEventId(text: string): AuditEventKey | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length !== BYTES || bytes.readUInt8(0) !== VERSION) return null;
  // One canonical spelling per id (base64url leaves some trailing bits free).
  if (bytes.toString('base64url') !== text) return null;
  const atMicros = bytes.readBigInt64BE(17).toString();
  if (!isEpochMicros(atMicros)) return null;
  return {
    tenantId: uuidText(bytes.subarray(1, 17)),
    atMicros,
    id: uuidText(bytes.subarray(25, 41)),
  };
}

function uuidBytes(uuid: string): Buffer {
  if (!isUuid(uuid)) throw new RangeError('an audit event key holds uuids');
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
