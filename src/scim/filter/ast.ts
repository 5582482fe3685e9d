/**
 * Typed AST of a SCIM filter (RFC 7644 §3.4.2.2). Plain JSON-serialisable objects, no classes.
 *
 * The parser only checks grammar: names keep the case they were written in and are not resolved
 * against any schema. Resolution (unknown attribute → invalidFilter) and case-insensitive matching
 * belong to the compiler, which has the schema registry.
 */

/** The comparison operators of RFC 7644 Table 3 (`pr` is separate: it takes no value). */
export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

/** `compValue` of the grammar: JSON false / null / true / number / string. */
export type CompareValue = string | number | boolean | null;

/**
 * `[URI ":"] ATTRNAME ["." subAttr]`, e.g. `name.familyName` → `{ attr: 'name', sub: 'familyName' }`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` →
 * `{ uri: 'urn:…:2.0:User', attr: 'manager', sub: 'value' }`. Absent parts are absent keys (never
 * `undefined`), so ASTs compare cleanly as JSON.
 */
export interface AttrPath {
  readonly uri?: string;
  readonly attr: string;
  readonly sub?: string;
}

/** `attrPath op value`, e.g. `userName eq "alice@contoso.com"`. */
export interface CompareFilter {
  readonly op: CompareOp;
  readonly path: AttrPath;
  readonly value: CompareValue;
}

/** `attrPath pr` (attribute has a non-empty value). */
export interface PresentFilter {
  readonly op: 'pr';
  readonly path: AttrPath;
}

/** Binary and left-associative: `a and b and c` is `and(and(a, b), c)`. */
export interface AndFilter {
  readonly op: 'and';
  readonly left: Filter;
  readonly right: Filter;
}

export interface OrFilter {
  readonly op: 'or';
  readonly left: Filter;
  readonly right: Filter;
}

/** `not (filter)`. */
export interface NotFilter {
  readonly op: 'not';
  readonly filter: Filter;
}

/**
 * `attr[filter]`: some element of the multi-valued (or complex) attribute `attr` matches `filter`,
 * whose paths are relative to that element (`emails[type eq "work"]` → `path: { attr: 'emails' }`,
 * inner path `{ attr: 'type' }`). Value paths never nest, so `filter` contains no `valuePath`.
 *
 * The common form `emails[type eq "work"].value eq "x"` has the same meaning as
 * `emails[type eq "work" and value eq "x"]` (the same element must satisfy both), so the parser
 * produces exactly that: `filter` is `and(<bracket filter>, <comparison on the sub-attribute>)`.
 * One shape per meaning keeps the compiler simple; the printer emits the bracketed form.
 */
export interface ValuePathFilter {
  readonly op: 'valuePath';
  readonly path: Omit<AttrPath, 'sub'>;
  readonly filter: Filter;
}

export type Filter =
  CompareFilter | PresentFilter | AndFilter | OrFilter | NotFilter | ValuePathFilter;
