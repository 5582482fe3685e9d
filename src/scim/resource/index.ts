export {
  canonicalizeResource,
  type CanonicalizeResourceOptions,
  type CanonicalResource,
} from './canonical-resource.js';
export {
  assertSinglePrimary,
  canonicalizeElement,
  canonicalizeValue,
  findSubAttribute,
  isDateTime,
  isRecord,
  isUnassigned,
  type Json,
  type ValueOptions,
} from './canonical-value.js';
