import { isRecord } from '../resource/canonical-value.js';
import type { AttributeDefinition } from '../schema/types.js';

/** Structural equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const keys = Object.keys(a).filter((key) => a[key] !== undefined);
    if (keys.length !== Object.keys(b).filter((key) => b[key] !== undefined).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/**
 * Whether two values of an attribute are the same value: like `jsonEqual`, except that strings of
 * attributes and sub-attributes that are not `caseExact` compare without case (RFC 7643 §2.2), so
 * re-adding `{"value":"Bob@Example.com"}` next to `{"value":"bob@example.com"}` changes nothing.
 */
export function sameValue(attribute: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (attribute.type === 'complex' && isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const sub = attribute.subAttributes?.find((candidate) => candidate.name === key);
      const equal = sub ? sameValue(sub, a[key], b[key]) : jsonEqual(a[key], b[key]);
      if (!equal) return false;
    }
    return true;
  }
  if (typeof a === 'string' && typeof b === 'string' && !attribute.caseExact) {
    return a === b || a.toLowerCase() === b.toLowerCase();
  }
  return jsonEqual(a, b);
}
