import type { Filter } from '../filter/ast.js';

/**
 * PATCH types shared by the Entra normaliser (`entra/`) and the engine (`engine.ts`).
 *
 * Resources handed to the engine are *canonical documents*: the SCIM JSON of one resource with
 * attribute names spelled as the schema registry spells them (`userName`, `name.givenName`),
 * extension attributes nested under their correctly-cased URN key
 * (`{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "R&D"}}`), and
 * values exactly as the client sent them (no case folding). The same shape is stored in the
 * `resource` JSONB column, which is what the filter→SQL compiler reads.
 */

/** RFC 7644 §3.5.2 `op`, after normalisation (lower-case). */
export type PatchOpName = 'add' | 'replace' | 'remove';

/** One standard (RFC 7644) operation, as the engine accepts it. */
export interface PatchOperation {
  readonly op: PatchOpName;
  /** Absent for the no-path forms of `add` / `replace`. */
  readonly path?: string;
  /** Absent only for `remove`. JSON value as sent (after normalisation). */
  readonly value?: unknown;
}

/** Values of a delta attribute (e.g. group `members`) as they arrived. */
export interface DeltaValue {
  readonly value: string;
  readonly type?: string;
  readonly display?: string;
  readonly $ref?: string | null;
}

/**
 * A change to a delta attribute (one that is not stored in the document, such as group `members`,
 * which live in `group_members`). Changes are applied in order by the caller, in the same
 * transaction; the engine never needs the current member list.
 */
export type DeltaChange =
  | { readonly kind: 'add'; readonly values: readonly DeltaValue[] }
  | { readonly kind: 'remove'; readonly values: readonly string[] }
  | { readonly kind: 'removeAll' }
  | { readonly kind: 'replace'; readonly values: readonly DeltaValue[] }
  /** `remove members[<filter>]` where the filter is not a plain `value eq` list: the caller
   *  compiles `filter` (relative to one member: `value`, `type`, `display`) to SQL. */
  | { readonly kind: 'removeWhere'; readonly filter: Filter };
