export { applyPatch, type PatchContext, type PatchResult } from './engine.js';
export {
  parsePatchPath,
  resolveValueFilter,
  type AttributePatchPath,
  type PatchPath,
  type SchemaPath,
} from './path.js';
export type { DeltaChange, DeltaValue, PatchOpName, PatchOperation } from './types.js';
export { matchesValueFilter } from './value-filter.js';
