import { ScimError, ScimType } from '../errors/scim-error.js';
import type { AttributeDefinition } from '../schema/types.js';

/**
 * Validation and canonicalisation of attribute values (RFC 7643 §2.3 data types, §2.4
 * multi-valued attributes, §2.5 unassigned values), shared by the PATCH engine and POST/PUT.
 *
 * "Canonical" means: complex values' keys spelled as the registry spells the sub-attributes,
 * `null`, `[]` and empty complex values left out (RFC 7643 §2.5: they are all "unassigned"), and
 * every other value exactly as sent. Two things are deliberately lenient:
 * - a multi-valued attribute given a single value gets it wrapped in an array;
 * - a boolean given the strings `"true"`/`"false"` (any case) gets the boolean: Entra sends
 *   `"active":"True"` in POSTs and PATCHes (entra.md §2.3, §5 item 2, §11 item 13).
 * Unknown sub-attributes and read-only sub-attributes (which the server maintains) are left out
 * and reported through `ValueOptions.ignored`; wrong types are a 400 `invalidValue`.
 */

export interface ValueOptions {
  /** Keep read-only (sub-)attributes instead of ignoring them (default: ignore, RFC 7644 §3.5.1). */
  readonly keepReadOnly?: boolean;
  /** Receives the path of every key that was ignored (unknown or read-only). */
  readonly ignored?: string[];
}

export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7643 §2.5: absent, `null`, `[]` and `{}` are all "unassigned". */
export function isUnassigned(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isRecord(value)) return Object.values(value).every(isUnassigned);
  return false;
}

function invalid(detail: string): never {
  throw new ScimError(400, detail, ScimType.InvalidValue);
}

const quote = (path: string): string => JSON.stringify(path);

/**
 * The canonical form of `value` for `attribute` (multi-valued attributes: an array), or
 * `undefined` when the value is unassigned. `path` names the attribute in error messages
 * (`emails`, `name.givenName`, `urn:…:User:manager`).
 */
export function canonicalizeValue(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
  options: ValueOptions = {},
): unknown {
  if (value === undefined || value === null) return undefined;
  if (!attribute.multiValued) {
    if (Array.isArray(value)) return invalid(`Attribute ${quote(path)} is single-valued`);
    return canonicalizeElement(attribute, value, path, options);
  }
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  const result: unknown[] = [];
  items.forEach((item, position) => {
    const where = `${path}[${position}]`;
    if (item === null || item === undefined) {
      invalid(`Attribute ${quote(where)}: a multi-valued attribute cannot hold null`);
    }
    if (Array.isArray(item)) invalid(`Attribute ${quote(where)} must not be an array`);
    const canonical = canonicalizeElement(attribute, item, where, options);
    if (canonical !== undefined) result.push(canonical);
  });
  assertSinglePrimary(attribute, result, path);
  return result.length === 0 ? undefined : result;
}

/**
 * The canonical form of one value of `attribute`: the attribute's value when single-valued, one
 * element when multi-valued (`undefined` when unassigned). Arrays are rejected.
 */
export function canonicalizeElement(
  attribute: AttributeDefinition,
  value: unknown,
  path: string,
  options: ValueOptions = {},
): unknown {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    return invalid(`Attribute ${quote(path)} takes one value here, not an array`);
  }
  if (attribute.type !== 'complex') return canonicalizeSimple(attribute, value, path);
  if (!isRecord(value)) {
    return invalid(`Attribute ${quote(path)} is complex: its value must be a JSON object`);
  }
  const result: Json = {};
  for (const [key, subValue] of Object.entries(value)) {
    const sub = findSubAttribute(attribute, key);
    const where = `${path}.${sub?.name ?? key}`;
    if (!sub || (sub.mutability === 'readOnly' && !options.keepReadOnly)) {
      options.ignored?.push(where);
      continue;
    }
    if (Object.hasOwn(result, sub.name) || hasOtherSpelling(value, key, sub.name)) {
      return invalid(`Attribute ${quote(where)} is given twice (names are case-insensitive)`);
    }
    const canonical = canonicalizeValue(sub, subValue, where, options);
    if (canonical !== undefined) result[sub.name] = canonical;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/** A sub-attribute of a complex attribute by name, in any case. */
export function findSubAttribute(
  attribute: AttributeDefinition,
  name: string,
): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return attribute.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}

/** Whether `value` has another key than `key` that also spells `name` (case-insensitively). */
function hasOtherSpelling(value: Json, key: string, name: string): boolean {
  const lower = name.toLowerCase();
  for (const other of Object.keys(value)) {
    if (other === key) return false; // only keys before `key` count: each pair reported once
    if (other.toLowerCase() === lower) return true;
  }
  return false;
}

/** RFC 7643 §2.4: the `primary` value `true` appears no more than once. */
export function assertSinglePrimary(
  attribute: AttributeDefinition,
  elements: readonly unknown[],
  path: string,
): void {
  if (attribute.type !== 'complex' || !findSubAttribute(attribute, 'primary')) return;
  const primaries = elements.filter((element) => isRecord(element) && element.primary === true);
  if (primaries.length > 1) {
    invalid(`Attribute ${quote(path)} has more than one value with "primary": true`);
  }
}

function canonicalizeSimple(attribute: AttributeDefinition, value: unknown, path: string): unknown {
  switch (attribute.type) {
    case 'string':
    case 'reference':
      if (typeof value !== 'string') return invalid(`Attribute ${quote(path)} must be a string`);
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      }
      return invalid(`Attribute ${quote(path)} must be a boolean`);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return invalid(`Attribute ${quote(path)} must be an integer`);
      }
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return invalid(`Attribute ${quote(path)} must be a number`);
      }
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || !isDateTime(value)) {
        return invalid(
          `Attribute ${quote(path)} must be an xsd:dateTime such as "2008-01-23T04:56:22Z"`,
        );
      }
      return value;
    case 'binary':
      if (typeof value !== 'string' || !BASE64.test(value)) {
        return invalid(`Attribute ${quote(path)} must be base64-encoded binary data`);
      }
      return value;
    case 'complex':
      return invalid(`Attribute ${quote(path)} is complex`);
  }
}

/** RFC 4648 §4 base64, padded. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** xsd:dateTime (RFC 7643 §2.3.5): `[-]YYYY-MM-DDThh:mm:ss[.s+][Z|(+|-)hh:mm]`. */
const DATE_TIME =
  /^(-?(?:[1-9]\d{4,}|\d{4}))-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))?$/;

/** Whether `text` is a valid xsd:dateTime, field ranges and month lengths included. */
export function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, zoneHour, zoneMinute] = match.map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour === undefined || minute === undefined || second === undefined) return false;
  // 24:00:00 is midnight at the end of the day (XML Schema 1.0 §3.2.7).
  const endOfDay = hour === 24 && minute === 0 && second === 0 && !/\.\d*[1-9]/.test(text);
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) return false;
  if (zoneHour !== undefined && !Number.isNaN(zoneHour)) {
    if (zoneHour > 14 || (zoneMinute ?? 0) > 59 || (zoneHour === 14 && zoneMinute !== 0)) {
      return false;
    }
  }
  return true;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
