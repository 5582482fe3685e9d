import { ScimError, ScimType } from '../errors/scim-error.js';
import type { ResolvedAttribute, SchemaRegistry } from '../schema/registry.js';
import type { AttributeDefinition, ResourceTypeName } from '../schema/types.js';
import type { AttrPath, CompareOp, CompareValue, Filter } from './ast.js';
import { parseDateTime, type DateTimeKey } from './date-time.js';
import { printPath, printValue } from './printer.js';

/**
 * A filter resolved against a resource type's schemas: the one meaning that both the SQL compiler
 * (`compile-sql.ts`) and the in-memory matcher (`matcher.ts`) implement, so they cannot drift.
 *
 * Binding resolves every attribute path through the registry (names in any case), checks each
 * comparison against the attribute's type, and reduces the operators to a small core:
 * - `a ne v` becomes `not (a eq v)`: it also matches resources where `a` is absent, and for a
 *   multi-valued attribute it means "no value equals v";
 * - `a eq null` becomes `not (a pr)` and `a ne null` becomes `a pr` (RFC 7643 §2.5: null is
 *   unassigned); other operators with `null` are rejected;
 * - a comparison on a multi-valued attribute (`emails.value eq "x"`, `tags eq "x"`) matches when
 *   some value matches (RFC 7644 §3.4.2.2).
 *
 * Every error is a 400 `invalidFilter` naming the attribute.
 */
export type BoundFilter =
  | { readonly kind: 'and' | 'or'; readonly left: BoundFilter; readonly right: BoundFilter }
  | { readonly kind: 'not'; readonly filter: BoundFilter }
  | {
      readonly kind: 'compare';
      readonly op: BoundCompareOp;
      readonly ref: ValueRef;
      readonly value: BoundValue;
    }
  | { readonly kind: 'present'; readonly ref: ValueRef }
  /** `attr[filter]` on a multi-valued attribute: some element satisfies `filter`, whose refs are
   *  `element`-scoped. `ref` designates the attribute itself. */
  | { readonly kind: 'some'; readonly ref: ValueRef; readonly filter: BoundFilter }
  /** `attr[filter]` on a single-valued complex attribute: the attribute is a JSON object and
   *  `filter` (whose refs are `document`-scoped, e.g. `name.givenName`) holds. */
  | { readonly kind: 'object'; readonly ref: ValueRef; readonly filter: BoundFilter };

export type BoundCompareOp = Exclude<CompareOp, 'ne'>;

/** A member of a JSON object, as the registry spells its key; a multi-valued one is an array. */
export interface JsonStep {
  readonly key: string;
  readonly multiValued: boolean;
}

/** Where a compared attribute's values are. */
export interface ValueRef {
  /**
   * `document`: `steps` start at the resource document (an extension attribute's first step is
   * its schema URN). `element`: they start at one element of the enclosing `some`; no steps means
   * the element itself.
   */
  readonly scope: 'document' | 'element';
  readonly steps: readonly JsonStep[];
  /** The attribute or sub-attribute designated, with its canonical path. */
  readonly resolved: ResolvedAttribute;
  /** `resolved.subAttribute ?? resolved.attribute`: type and `caseExact` come from here. */
  readonly definition: AttributeDefinition;
}

export type BoundValue =
  | { readonly type: 'string'; readonly value: string; readonly caseExact: boolean }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'number'; readonly value: number }
  /** `value` is the filter text (PostgreSQL reads it as `key`). */
  | { readonly type: 'dateTime'; readonly value: string; readonly key: DateTimeKey };

const ORDERING_OPS: ReadonlySet<CompareOp> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPS: ReadonlySet<CompareOp> = new Set(['co', 'sw', 'ew']);
/** A lone surrogate, which no stored string can contain (PostgreSQL would see U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The canonical path of the attribute itself: `emails`, `urn:…:User:manager`. */
export function attributePathOf(resolved: ResolvedAttribute): string {
  return resolved.isExtension
    ? `${resolved.schema.id}:${resolved.attribute.name}`
    : resolved.attribute.name;
}

export function invalidFilter(reason: string): ScimError {
  return new ScimError(400, `invalid filter: ${reason}`, ScimType.InvalidFilter);
}

/** Binds `filter` for `resourceType` (see {@link BoundFilter}). */
export function bindFilter(
  filter: Filter,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): BoundFilter {
  return new Binder(registry, resourceType).bind(filter, undefined);
}

/** The attribute of the value filter `attr[…]` being bound. */
interface Parent {
  readonly resolved: ResolvedAttribute;
}

class Binder {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly resourceType: ResourceTypeName,
  ) {}

  bind(filter: Filter, parent: Parent | undefined): BoundFilter {
    switch (filter.op) {
      case 'and':
      case 'or':
        return {
          kind: filter.op,
          left: this.bind(filter.left, parent),
          right: this.bind(filter.right, parent),
        };
      case 'not':
        return { kind: 'not', filter: this.bind(filter.filter, parent) };
      case 'valuePath':
        return this.bindValuePath(filter.path, filter.filter, parent);
      case 'pr':
        return this.leaf(filter.path, parent, (ref) => ({ kind: 'present', ref }));
      case 'eq':
      case 'ne':
      case 'co':
      case 'sw':
      case 'ew':
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le': {
        const { op, value, path } = filter;
        // Outside the leaf, so that on a multi-valued attribute `ne` means "no value equals"
        // and `eq null` means "no value is present".
        if (value === null && (op === 'eq' || op === 'ne')) {
          const present = this.leaf(path, parent, (ref) => ({ kind: 'present', ref }));
          return op === 'eq' ? { kind: 'not', filter: present } : present;
        }
        const text = `${printPath(path)} ${op} ${printValue(value)}`;
        const node = this.leaf(path, parent, (ref) => compare(op, ref, value, text));
        return op === 'ne' ? { kind: 'not', filter: node } : node;
      }
    }
  }

  private bindValuePath(
    path: Omit<AttrPath, 'sub'>,
    inner: Filter,
    parent: Parent | undefined,
  ): BoundFilter {
    const text = printPath(path);
    if (parent !== undefined) {
      throw invalidFilter(`value filters cannot be nested ("${text}[" inside "[…]")`);
    }
    const resolved = this.resolve(path, text);
    const { attribute } = resolved;
    if (attribute.type !== 'complex') {
      throw invalidFilter(
        `"${text}" is not a complex attribute, so it cannot take a value filter "[…]"`,
      );
    }
    const ref = documentRef(resolved, attribute);
    const bound = this.bind(inner, { resolved });
    return attribute.multiValued
      ? { kind: 'some', ref, filter: bound }
      : { kind: 'object', ref, filter: bound };
  }

  /** Resolves a comparison's path (relative to `parent` inside `[…]`) and builds its node. */
  private leaf(
    path: AttrPath,
    parent: Parent | undefined,
    build: (ref: ValueRef) => BoundFilter,
  ): BoundFilter {
    if (parent === undefined) {
      const resolved = this.resolve(path, printPath(path));
      const { attribute, subAttribute } = resolved;
      if (!attribute.multiValued) {
        return build(documentRef(resolved, subAttribute ?? attribute));
      }
      // `emails.value op x` ≡ `emails[value op x]`: some element's value matches.
      const container = documentRef(
        this.registry.resolvePath(this.resourceType, {
          uri: resolved.schema.id,
          attr: attribute.name,
        }) ?? resolved,
        attribute,
      );
      const definition = subAttribute ?? attribute;
      const steps = subAttribute ? [step(subAttribute)] : [];
      return {
        kind: 'some',
        ref: container,
        filter: build({ scope: 'element', steps, resolved, definition }),
      };
    }

    const parentAttribute = parent.resolved.attribute;
    const where = `${parent.resolved.canonicalPath}[…]`;
    if (path.uri !== undefined || path.sub !== undefined) {
      throw invalidFilter(
        `inside ${where} name a sub-attribute of ${parentAttribute.name} alone, not "${printPath(path)}"`,
      );
    }
    const sub = this.registry.subAttributeOf(parentAttribute, path.attr);
    const resolved =
      sub &&
      this.registry.resolvePath(this.resourceType, {
        uri: parent.resolved.schema.id,
        attr: parentAttribute.name,
        sub: sub.name,
      });
    if (!sub || !resolved) {
      throw invalidFilter(
        `unknown attribute "${parent.resolved.canonicalPath}.${path.attr}" for resource type ${this.resourceType}`,
      );
    }
    checkFilterable(resolved);
    if (parentAttribute.multiValued) {
      return build({ scope: 'element', steps: [step(sub)], resolved, definition: sub });
    }
    return build(documentRef(resolved, sub));
  }

  private resolve(path: AttrPath, text: string): ResolvedAttribute {
    const resolved = this.registry.resolvePath(this.resourceType, path);
    if (!resolved) {
      throw invalidFilter(`unknown attribute "${text}" for resource type ${this.resourceType}`);
    }
    checkFilterable(resolved);
    return resolved;
  }
}

function step(definition: AttributeDefinition): JsonStep {
  return { key: definition.name, multiValued: definition.multiValued };
}

/**
 * A `document` ref to `resolved`. The attribute's own step is single-valued here even when the
 * attribute is multi-valued: callers only build document refs for single-valued attributes, and
 * for the container of a `some` (whose elements the compilers enumerate themselves).
 */
function documentRef(resolved: ResolvedAttribute, definition: AttributeDefinition): ValueRef {
  return { scope: 'document', steps: documentSteps(resolved), resolved, definition };
}

/** Where an attribute is in the document: [extension URN,] attribute [, sub-attribute]. */
export function documentSteps(resolved: ResolvedAttribute): JsonStep[] {
  const steps: JsonStep[] = [];
  if (resolved.isExtension) steps.push({ key: resolved.schema.id, multiValued: false });
  steps.push({ key: resolved.attribute.name, multiValued: false });
  if (resolved.subAttribute) steps.push(step(resolved.subAttribute));
  return steps;
}

/** Write-only and never-returned attributes (`password`) must not become an oracle. */
function checkFilterable({ attribute, subAttribute, canonicalPath }: ResolvedAttribute): void {
  for (const definition of [attribute, subAttribute]) {
    if (definition && (definition.returned === 'never' || definition.mutability === 'writeOnly')) {
      throw invalidFilter(`"${canonicalPath}" is never returned, so it cannot be filtered on`);
    }
  }
}

/** `ref op value`; `ne` is bound as `eq` (the caller negates it). `text` shows the comparison. */
function compare(op: CompareOp, ref: ValueRef, value: CompareValue, text: string): BoundFilter {
  const { definition } = ref;
  const name = ref.resolved.canonicalPath;
  const reject = (reason: string): never => {
    throw invalidFilter(`${text}: ${reason}`);
  };
  if (value === null) return reject('null can only be compared with eq or ne');
  let bound: BoundValue;
  switch (definition.type) {
    case 'complex': {
      const sub =
        definition.subAttributes?.find((s) => s.name === 'value') ?? definition.subAttributes?.[0];
      return reject(
        `${name} is complex; compare one of its sub-attributes${sub ? ` (such as ${name}.${sub.name})` : ''} or use pr`,
      );
    }
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') reject(`${name} is a boolean, which only takes eq and ne`);
      // Entra sends booleans as the strings "True"/"False" (entra.md §3: roles[primary eq "True"]).
      const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
      const flag =
        typeof value === 'boolean'
          ? value
          : lower === 'true'
            ? true
            : lower === 'false'
              ? false
              : reject(`${name} is a boolean; compare it with true or false`);
      bound = { type: 'boolean', value: flag };
      break;
    }
    case 'integer':
    case 'decimal':
      if (SUBSTRING_OPS.has(op)) reject(`${name} is a number, which does not take ${op}`);
      if (typeof value !== 'number') reject(`${name} is a number; compare it with a number`);
      bound = { type: 'number', value: value as number };
      break;
    case 'dateTime': {
      if (SUBSTRING_OPS.has(op)) reject(`${name} is a dateTime, which does not take ${op}`);
      const key = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (!key) {
        return reject(
          `${name} is a dateTime; compare it with a string such as "2015-10-10T14:38:21Z" (time zone required)`,
        );
      }
      bound = { type: 'dateTime', value: value as string, key };
      break;
    }
    case 'binary':
      if (ORDERING_OPS.has(op)) reject(`${name} is binary, which does not take ${op}`);
      bound = { type: 'string', value: stringValue(value, name, reject), caseExact: true };
      break;
    case 'string':
    case 'reference':
      bound = {
        type: 'string',
        value: stringValue(value, name, reject),
        caseExact: definition.caseExact,
      };
      break;
  }
  return { kind: 'compare', op: op === 'ne' ? 'eq' : op, ref, value: bound };
}

function stringValue(value: CompareValue, text: string, reject: (reason: string) => never): string {
  if (typeof value !== 'string') {
    return reject(`${text} is a string; put the value in double quotes`);
  }
  // Neither can occur in a stored string (PostgreSQL text and jsonb refuse them).
  if (value.includes('\u0000')) return reject('a value cannot contain U+0000');
  if (LONE_SURROGATE.test(value)) return reject('a value cannot contain a lone surrogate');
  return value;
}
