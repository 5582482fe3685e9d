import type { Filter } from '../../filter/ast.js';
import type { SchemaRegistry } from '../../schema/registry.js';
import type { AttributeDefinition } from '../../schema/types.js';
import type { AttributePatchPath } from '../path.js';
import type { PatchOperation } from '../types.js';
import { matchesValueFilter } from '../value-filter.js';
import {
  booleanFromString,
  isRecord,
  setKey,
  targetOf,
  type Json,
  type NormalizeContext,
} from './context.js';

/**
 * The values of the document as the operations seen so far will leave them, for the quirks whose
 * rewrite depends on what is there (does `emails[type eq "work"]` select anything? is this the
 * manager named in `manager[value eq "…"]`?). Entra sends several operations on one missing
 * element in one request (`addresses[type eq "work"].streetAddress`, then `….locality`): the first
 * creates the element, the others must find it, so looking at the stored document alone is wrong.
 *
 * This is a model, not a second engine: it follows the operations' effect on which values exist
 * and what their sub-attributes hold, with the normaliser's semantics (a filtered `add`/`replace`
 * that selects nothing creates the element, see `missingElement`), and validates nothing: a
 * value the engine will reject only has to be modelled well enough not to crash. Not modelled:
 * `primary` being cleared on the other values, mutability, type coercion beyond the quirks'.
 */
export class DocumentView {
  private readonly document: Json;

  constructor(private readonly context: NormalizeContext) {
    this.document = structuredClone(context.resource);
  }

  /** The values the path's attribute holds now (a single-valued one as a list of 0 or 1). */
  values(path: AttributePatchPath): unknown[] {
    const current = this.container(path)?.[path.attribute.name];
    if (current === undefined || current === null) return [];
    return path.attribute.multiValued && Array.isArray(current) ? current : [current];
  }

  /** The values the path's filter selects (all values when it has none). */
  selected(path: AttributePatchPath): unknown[] {
    const { filter, attribute } = path;
    const values = this.values(path);
    return filter ? values.filter((value) => matchesValueFilter(filter, attribute, value)) : values;
  }

  /** Records the effect of one (already normalised) operation. */
  apply(operation: PatchOperation): void {
    const path = targetOf(operation, this.context);
    if (!path) return;
    if (path.kind === 'schema') {
      if (operation.op === 'remove' && path.isExtension) delete this.document[path.schema.id];
      return;
    }
    const { attribute, filter, subAttribute } = path;
    const { op, value } = operation;
    const before = this.values(path);
    let after: unknown[];
    if (filter) {
      after = this.applyFiltered(path, filter, before, op, value);
    } else if (subAttribute) {
      after =
        before.length === 0 && op !== 'remove'
          ? [{ [subAttribute.name]: value }]
          : before.flatMap((element) => change(op, path, element, value, this.registry));
    } else if (op === 'remove') {
      after = [];
    } else if (attribute.multiValued) {
      const given = asArray(value).map((item) => canonicalKeys(attribute, item, this.registry));
      after = op === 'add' ? [...before, ...given] : given;
    } else {
      after = change(op, path, before[0], value, this.registry);
    }
    this.write(path, after);
  }

  private get registry(): SchemaRegistry {
    return this.context.registry;
  }

  private applyFiltered(
    path: AttributePatchPath,
    filter: Filter,
    before: unknown[],
    op: PatchOperation['op'],
    value: unknown,
  ): unknown[] {
    const { attribute } = path;
    const hits = before.map((element) => matchesValueFilter(filter, attribute, element));
    if (!hits.includes(true)) {
      const created = op === 'remove' ? undefined : missingElement(path, value, this.registry);
      return created ? [...before, created] : before;
    }
    return before.flatMap((element, i) =>
      hits[i] ? change(op, path, element, value, this.registry) : [element],
    );
  }

  private container(path: AttributePatchPath): Json | undefined {
    if (!path.isExtension) return this.document;
    const extension = this.document[path.schema.id];
    return isRecord(extension) ? extension : undefined;
  }

  private write(path: AttributePatchPath, values: unknown[]): void {
    const name = path.attribute.name;
    let container = this.container(path);
    if (!container) {
      if (values.length === 0) return;
      container = {};
      this.document[path.schema.id] = container;
    }
    const next = path.attribute.multiValued ? values : values[0];
    if (values.length === 0) delete container[name];
    else setKey(container, name, next);
  }
}

/**
 * The value a filtered `add`/`replace` creates when its filter selects nothing (entra.md §2.3,
 * §5 item 5): for a multi-valued complex attribute and a filter that is `eq` comparisons joined by
 * `and`, the element those comparisons describe plus the operation's value, e.g.
 * `emails[type eq "work"].value` + `"a@b.c"` → `{type: "work", value: "a@b.c"}`. Undefined for
 * any other path, filter or value (the engine then answers `noTarget` or rejects the value).
 */
export function missingElement(
  path: AttributePatchPath,
  value: unknown,
  registry: SchemaRegistry,
): Json | undefined {
  const { attribute, filter, subAttribute } = path;
  if (!filter || !attribute.multiValued || attribute.type !== 'complex') return undefined;
  if (value === undefined || value === null) return undefined;
  const described = equalities(filter, attribute, registry);
  if (!described) return undefined;
  if (subAttribute) return { ...described, [subAttribute.name]: value };
  if (!isRecord(value)) return undefined;
  // The filter's attributes win: the element has to be the one the path addressed.
  return { ...canonicalRecord(attribute, value, registry), ...described };
}

/** `a eq x and b eq y …` as `{a: x, b: y}`; undefined for any other filter or a contradiction. */
function equalities(
  filter: Filter,
  attribute: AttributeDefinition,
  registry: SchemaRegistry,
): Json | undefined {
  const result: Json = {};
  const collect = (node: Filter): boolean => {
    if (node.op === 'and') return collect(node.left) && collect(node.right);
    if (node.op !== 'eq' || node.value === null) return false;
    const sub = registry.subAttributeOf(attribute, node.path.attr);
    if (!sub) return false;
    const value = sub.type === 'boolean' ? booleanFromString(node.value) : node.value;
    if (Object.hasOwn(result, sub.name)) return result[sub.name] === value;
    result[sub.name] = value;
    return true;
  };
  return collect(filter) ? result : undefined;
}

/** One element after an operation on it (`[]` when removed). */
function change(
  op: PatchOperation['op'],
  path: AttributePatchPath,
  element: unknown,
  value: unknown,
  registry: SchemaRegistry,
): unknown[] {
  const { attribute, subAttribute } = path;
  if (subAttribute) {
    const next: Json = isRecord(element) ? { ...element } : {};
    if (op === 'remove' || value === null) delete next[subAttribute.name];
    else next[subAttribute.name] = value;
    return Object.keys(next).length === 0 ? [] : [next];
  }
  if (op === 'remove') return [];
  const given = canonicalKeys(attribute, value, registry);
  if (attribute.type !== 'complex' || !isRecord(given)) return given === null ? [] : [given];
  // `add`, and `replace` of a single-valued complex attribute, merge (RFC 7644 §3.5.2.3).
  const merge = op === 'add' || !attribute.multiValued;
  const next: Json = merge && isRecord(element) ? { ...element } : {};
  for (const [key, item] of Object.entries(given)) {
    if (item === null) delete next[key];
    else setKey(next, key, item);
  }
  return Object.keys(next).length === 0 ? [] : [next];
}

/** A complex value with its keys spelt as the registry spells the sub-attributes. */
function canonicalKeys(
  attribute: AttributeDefinition,
  value: unknown,
  registry: SchemaRegistry,
): unknown {
  if (attribute.type !== 'complex' || !isRecord(value)) return value;
  return canonicalRecord(attribute, value, registry);
}

function canonicalRecord(
  attribute: AttributeDefinition,
  value: Json,
  registry: SchemaRegistry,
): Json {
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      registry.subAttributeOf(attribute, key)?.name ?? key,
      item,
    ]),
  );
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}
