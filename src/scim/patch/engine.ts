import { ScimError, ScimType } from '../errors/scim-error.js';
import type { Filter } from '../filter/ast.js';
import {
  assertSinglePrimary,
  canonicalizeElement,
  canonicalizeValue,
  findSubAttribute,
  isRecord,
  isUnassigned,
  type Json,
  type ValueOptions,
} from '../resource/canonical-value.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { AttributeDefinition, ResourceTypeName, SchemaDefinition } from '../schema/types.js';
import { jsonEqual, sameValue } from './json.js';
import { parsePatchPath, type AttributePatchPath, type PatchPath } from './path.js';
import type { DeltaChange, DeltaValue, PatchOpName, PatchOperation } from './types.js';
import { matchesValueFilter } from './value-filter.js';

export interface PatchContext {
  readonly registry: SchemaRegistry;
  readonly resourceType: ResourceTypeName;
  /**
   * Multi-valued attributes kept outside the document (Groups: `['members']`): their operations
   * come back as `DeltaChange[]`, in order, instead of being applied to the document.
   */
  readonly deltaAttributes?: readonly string[];
}

export interface PatchResult {
  /** The new canonical document; the input is never mutated. */
  readonly resource: Record<string, unknown>;
  /**
   * Canonical paths of the attributes whose value changed, in schema order (for audit):
   * `name.givenName` for sub-attributes of a single-valued complex attribute, the attribute
   * (`emails`, `urn:…:User:department`) otherwise, and every delta attribute that got a change.
   */
  readonly changed: readonly string[];
  /** Changes to delta attributes, e.g. `{ members: [...] }`; only attributes that got one. */
  readonly deltas: Readonly<Record<string, readonly DeltaChange[]>>;
}

/**
 * Applies standard RFC 7644 §3.5.2 PATCH operations to a canonical document. Pure: no clock, no
 * I/O, `meta` untouched (the caller sets `meta.lastModified`). Operations apply in order and all
 * or nothing: the first failing one throws a `ScimError` (400 with `invalidSyntax`, `invalidPath`,
 * `noTarget`, `invalidValue` or `mutability`) naming its position, and nothing is returned.
 *
 * Semantics chosen where RFC 7644 leaves room (each has a fixture in test/fixtures/scim/patch/):
 * - `add` of a multi-valued attribute appends the values not already present (same value = equal
 *   JSON, strings compared without case where the schema says `caseExact: false`); a single
 *   value is wrapped. `replace` without a filter replaces the whole array.
 * - `add` and `replace` of a single-valued complex attribute (`name`, `manager`, an extension
 *   as a whole) merge the given sub-attributes into the existing value (§3.5.2.3: "Sub-attributes
 *   that are not specified in the value parameter are left unchanged"); `replace` of
 *   `attr[filter]` replaces each matching value whole, `add` of `attr[filter]` merges into it.
 * - Paths and the keys of a no-path value resolve through the registry, case-insensitively; a
 *   key may itself be a path (`name.givenName`, `urn:…:User:department`, an extension URN). An
 *   unknown attribute is `invalidPath`, never silently dropped: Entra would count it as done.
 *   `schemas` in a no-path value is ignored (the engine maintains it).
 * - A filtered path that matches nothing is `noTarget` for every op (creating the missing
 *   `emails[type eq "work"]` for Entra is the normaliser's job: it knows the current document).
 * - `remove` of an attribute that has no value is a no-op (RFC 7644 defines `noTarget` for
 *   filters that match nothing, and removals must be idempotent for Entra's retries).
 * - `null` is "unassigned" (RFC 7643 §2.5): `replace` with `null` removes, `add` with `null`
 *   does nothing, and a `null` sub-attribute inside a complex value clears that sub-attribute.
 * - `remove` with a `value` is `invalidSyntax`: reading Entra's `remove members` + value list as
 *   "remove all members" would be a disaster, and the Entra normaliser rewrites that form first.
 * - Setting `primary: true` on one value sets it to `false` on the values that had it
 *   (§3.5.2); one operation setting it on two values is `invalidValue`.
 * - Mutability: an operation that would change a `readOnly` attribute, change an `immutable` one
 *   that has a value, or unassign a `required` one is `mutability`; one that changes nothing
 *   (re-sending the current `id`, `meta` or an immutable value) is accepted. Read-only
 *   sub-attributes inside values (`manager.displayName`) are ignored, like unknown ones.
 * - Extensions: writing an attribute lists the extension URN in `schemas`; removing the last
 *   attribute of an extension removes its (empty) object and its URN, unless the resource type
 *   requires the extension.
 * - Delta attributes: see `DeltaChange`; the document is never touched for them.
 */
export function applyPatch(
  resource: Record<string, unknown>,
  operations: readonly PatchOperation[],
  context: PatchContext,
): PatchResult {
  // The document comes from storage, not from the client: a bad one is a programming error.
  if (!isRecord(resource)) throw new TypeError('applyPatch needs a resource document (an object)');
  if (!Array.isArray(operations)) {
    throw new ScimError(400, '"Operations" must be an array', ScimType.InvalidSyntax);
  }
  const patch = new Patch(structuredClone(resource), context);
  operations.forEach((operation: unknown, index) => {
    try {
      patch.apply(operation);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      throw new ScimError(
        error.status,
        `Operation ${index + 1} (${describeOperation(operation)}): ${error.message}`,
        error.scimType,
      );
    }
  });
  patch.reconcileSchemas();
  return {
    resource: patch.document,
    changed: patch.changedPaths(resource),
    deltas: patch.deltaRecord(),
  };
}

const OPS: readonly PatchOpName[] = ['add', 'replace', 'remove'];
const SCHEMAS = 'schemas';

function fail(scimType: ScimType, detail: string): never {
  throw new ScimError(400, detail, scimType);
}

function describeOperation(operation: unknown): string {
  if (!isRecord(operation)) return 'not an object';
  const op = typeof operation.op === 'string' ? operation.op : '?';
  const path = typeof operation.path === 'string' ? operation.path : undefined;
  const shown = path === undefined ? 'without path' : JSON.stringify(clip(path));
  return `${clip(op)} ${shown}`;
}

const clip = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

/** The result of an operation on one attribute's value. */
interface Outcome {
  readonly value: unknown;
  /** Complex values changed in place (old, new), for sub-attribute mutability checks. */
  readonly pairs: readonly (readonly [unknown, unknown])[];
}

class Patch {
  private readonly registry: SchemaRegistry;
  private readonly resourceType: ResourceTypeName;
  private readonly core: SchemaDefinition;
  /** Lower-cased delta attribute name → canonical name. */
  private readonly deltaNames = new Map<string, string>();
  private readonly deltas = new Map<string, DeltaChange[]>();
  /** Extension URNs whose object this patch wrote or removed. */
  private readonly touchedExtensions = new Set<string>();

  constructor(
    readonly document: Json,
    context: PatchContext,
  ) {
    this.registry = context.registry;
    this.resourceType = context.resourceType;
    this.core = this.registry.coreSchemaOf(this.resourceType);
    for (const name of context.deltaAttributes ?? []) {
      const attribute = this.registry.findAttribute(this.core.id, name);
      if (attribute) this.deltaNames.set(attribute.name.toLowerCase(), attribute.name);
    }
  }

  apply(operation: unknown): void {
    if (!isRecord(operation)) fail(ScimType.InvalidSyntax, 'an operation must be a JSON object');
    const { op, path, value } = operation;
    const name = OPS.find((candidate) => candidate === op);
    if (name === undefined) {
      fail(
        ScimType.InvalidSyntax,
        `"op" must be "add", "replace" or "remove", not ${op === undefined ? 'missing' : clip(JSON.stringify(op))}`,
      );
    }
    if (path !== undefined && typeof path !== 'string') {
      fail(ScimType.InvalidPath, '"path" must be a string');
    }
    if (name === 'remove') {
      if (value !== undefined && value !== null) {
        fail(
          ScimType.InvalidSyntax,
          '"remove" takes no "value"; select the values to remove with a filter in "path"',
        );
      }
      if (path === undefined) fail(ScimType.NoTarget, '"remove" needs a "path"');
    } else if (value === undefined) {
      fail(ScimType.InvalidValue, `"${name}" needs a "value"`);
    }
    if (path === undefined) {
      this.applyObject(name, value, undefined);
      return;
    }
    this.applyAt(name, parsePatchPath(path, this.registry, this.resourceType), value);
  }

  /** `add`/`replace` of a set of attributes: without path, or at a schema URN path. */
  private applyObject(op: PatchOpName, value: unknown, schema: SchemaDefinition | undefined): void {
    if (!isRecord(value)) {
      fail(
        ScimType.InvalidValue,
        schema
          ? `the value for ${schema.id} must be a JSON object of its attributes`
          : 'without "path", the value must be a JSON object of attributes',
      );
    }
    for (const [key, item] of Object.entries(value)) {
      if (schema === undefined && key.toLowerCase() === SCHEMAS) continue; // kept by the server
      const path = schema ? `${schema.id}:${key}` : key;
      this.applyAt(op, parsePatchPath(path, this.registry, this.resourceType), item);
    }
  }

  private applyAt(op: PatchOpName, path: PatchPath, value: unknown): void {
    if (op === 'add' && value === null) return; // adding "unassigned" changes nothing
    const effective: PatchOpName = op === 'replace' && value === null ? 'remove' : op;
    if (path.kind === 'schema') {
      if (effective !== 'remove') {
        this.applyObject(effective, value, path.schema);
        return;
      }
      for (const attribute of path.schema.attributes) {
        this.applyAt('remove', this.wholeAttribute(path.schema, attribute), undefined);
      }
      return;
    }
    if (!path.isExtension && this.deltaNames.has(path.attribute.name.toLowerCase())) {
      this.applyDelta(effective, path, value);
      return;
    }
    const container = this.container(path);
    const before = container?.[path.attribute.name];
    const outcome = this.compute(effective, path, before, value);
    this.guard(path, before, outcome);
    this.write(path, outcome.value);
  }

  private wholeAttribute(schema: SchemaDefinition, attribute: AttributeDefinition): PatchPath {
    const isExtension = schema.id !== this.core.id;
    return {
      kind: 'attribute',
      schema,
      isExtension,
      attribute,
      text: isExtension ? `${schema.id}:${attribute.name}` : attribute.name,
    };
  }

  // ----- the document -----

  private container(path: AttributePatchPath): Json | undefined {
    if (!path.isExtension) return this.document;
    const extension = this.document[path.schema.id];
    return isRecord(extension) ? extension : undefined;
  }

  private write(path: AttributePatchPath, value: unknown): void {
    const name = path.attribute.name;
    if (!path.isExtension) {
      if (value === undefined) delete this.document[name];
      else this.document[name] = value;
      return;
    }
    const urn = path.schema.id;
    const current = this.container(path);
    if (value === undefined) {
      if (!current || !Object.hasOwn(current, name)) return;
      delete current[name];
      if (Object.keys(current).length === 0) delete this.document[urn];
    } else if (current) {
      current[name] = value;
    } else {
      this.document[urn] = { [name]: value };
    }
    this.touchedExtensions.add(urn);
  }

  /** Lists written extensions in `schemas`, and drops the URN of extensions emptied by the patch. */
  reconcileSchemas(): void {
    if (this.touchedExtensions.size === 0) return;
    const required = new Set(this.registry.classifySchemas(this.resourceType, []).missingRequired);
    const current = this.document[SCHEMAS];
    let schemas: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [this.core.id];
    for (const urn of this.touchedExtensions) {
      const listed = schemas.some(
        (entry) => typeof entry === 'string' && entry.toLowerCase() === urn.toLowerCase(),
      );
      const present = isRecord(this.document[urn]);
      if (present && !listed) schemas.push(urn);
      if (!present && listed && !required.has(urn)) {
        schemas = schemas.filter(
          (entry) => !(typeof entry === 'string' && entry.toLowerCase() === urn.toLowerCase()),
        );
      }
    }
    if (!jsonEqual(schemas, current)) this.document[SCHEMAS] = schemas;
  }

  // ----- operations on one attribute's value -----

  private compute(
    op: PatchOpName,
    path: AttributePatchPath,
    before: unknown,
    value: unknown,
  ): Outcome {
    const { attribute, filter, subAttribute } = path;
    if (filter) return this.computeFiltered(op, path, filter, before, value);
    if (subAttribute) {
      return attribute.multiValued
        ? this.computeEverySub(op, path, subAttribute, before, value)
        : this.computeSub(op, path, subAttribute, before, value);
    }
    if (op === 'remove') return { value: undefined, pairs: [] };
    if (attribute.multiValued) {
      const values = canonicalizeValue(attribute, value, path.text, valueOptions(path)) as
        unknown[] | undefined;
      if (op === 'replace') return { value: values, pairs: [] };
      return this.append(path, before, values ?? []);
    }
    if (attribute.type === 'complex') {
      const merged = this.merge(path, isRecord(before) ? before : undefined, value);
      return { value: merged, pairs: [[before, merged]] };
    }
    return { value: canonicalizeValue(attribute, value, path.text, valueOptions(path)), pairs: [] };
  }

  /** `add` to a multi-valued attribute: append what is not there yet. */
  private append(path: AttributePatchPath, before: unknown, values: unknown[]): Outcome {
    const result = [...asArray(before)];
    const touched: number[] = [];
    for (const item of values) {
      if (result.some((present) => sameValue(path.attribute, present, item))) continue;
      touched.push(result.length);
      result.push(item);
    }
    if (touched.length === 0) return { value: before, pairs: [] };
    return { value: this.settlePrimary(path, result, touched), pairs: [] };
  }

  /** `name.givenName`: one sub-attribute of a single-valued complex attribute. */
  private computeSub(
    op: PatchOpName,
    path: AttributePatchPath,
    sub: AttributeDefinition,
    before: unknown,
    value: unknown,
  ): Outcome {
    const current = isRecord(before) ? before : undefined;
    const updated = this.setSub(op, path, sub, current, value);
    return { value: updated, pairs: [[current, updated]] };
  }

  /** `emails.value` (no filter): the sub-attribute of every value. */
  private computeEverySub(
    op: PatchOpName,
    path: AttributePatchPath,
    sub: AttributeDefinition,
    before: unknown,
    value: unknown,
  ): Outcome {
    const elements = asArray(before);
    if (elements.length === 0) {
      // RFC 7644 §3.5.2.1: "If the target location does not exist, the attribute and value are added."
      if (op === 'remove') return { value: before, pairs: [] };
      const created = this.setSub(op, path, sub, undefined, value);
      return { value: created === undefined ? undefined : [created], pairs: [] };
    }
    return this.updateElements(op, path, sub, elements, [...elements.keys()], value);
  }

  private computeFiltered(
    op: PatchOpName,
    path: AttributePatchPath,
    filter: Filter,
    before: unknown,
    value: unknown,
  ): Outcome {
    const { attribute, subAttribute } = path;
    const single = !attribute.multiValued;
    const elements = single ? (isRecord(before) ? [before] : []) : asArray(before);
    const matched = [...elements.keys()].filter((i) =>
      matchesValueFilter(filter, attribute, elements[i]),
    );
    if (matched.length === 0) {
      return fail(ScimType.NoTarget, `no value of ${attribute.name} matches the filter`);
    }
    if (subAttribute) {
      const outcome = this.updateElements(op, path, subAttribute, elements, matched, value);
      return single ? { ...outcome, value: asArray(outcome.value)[0] } : outcome;
    }
    if (op === 'remove') {
      const kept = elements.filter((_, i) => !matched.includes(i));
      return { value: single || kept.length === 0 ? undefined : kept, pairs: [] };
    }
    const result = [...elements];
    const pairs: (readonly [unknown, unknown])[] = [];
    for (const i of matched) {
      const old = result[i];
      const next =
        op === 'add' && attribute.type === 'complex'
          ? this.merge(path, isRecord(old) ? old : undefined, value)
          : canonicalizeElement(attribute, value, path.text, valueOptions(path));
      result[i] = next;
      pairs.push([old, next]);
    }
    const kept: unknown[] = result.filter((element) => element !== undefined);
    if (single) return { value: kept[0], pairs };
    const settled = this.settlePrimary(
      path,
      kept,
      matched.filter((i) => result[i] !== undefined).map((i) => kept.indexOf(result[i])),
    );
    return { value: settled, pairs };
  }

  /** Sets (or removes) `sub` in the elements at `indices`; drops elements left empty. */
  private updateElements(
    op: PatchOpName,
    path: AttributePatchPath,
    sub: AttributeDefinition,
    elements: readonly unknown[],
    indices: readonly number[],
    value: unknown,
  ): Outcome {
    const result: unknown[] = [...elements];
    const pairs: (readonly [unknown, unknown])[] = [];
    for (const i of indices) {
      const old = result[i];
      const next = this.setSub(op, path, sub, isRecord(old) ? old : undefined, value);
      result[i] = next;
      pairs.push([old, next]);
    }
    const kept: unknown[] = result.filter((element) => element !== undefined);
    const touched = indices
      .map((i) => result[i])
      .filter((element) => element !== undefined)
      .map((element) => kept.indexOf(element));
    const settled = this.settlePrimary(path, kept, touched);
    return { value: settled.length === 0 ? undefined : settled, pairs };
  }

  /** A copy of `current` with `sub` set to `value` (or removed); undefined when left empty. */
  private setSub(
    op: PatchOpName,
    path: AttributePatchPath,
    sub: AttributeDefinition,
    current: Json | undefined,
    value: unknown,
  ): Json | undefined {
    const next: Json = { ...current };
    const canonical = op === 'remove' ? undefined : canonicalizeValue(sub, value, path.text);
    if (canonical === undefined) delete next[sub.name];
    else next[sub.name] = canonical;
    return Object.keys(next).length === 0 ? undefined : next;
  }

  /**
   * Merges a complex value into `current` (RFC 7644 §3.5.2.3): given sub-attributes replace,
   * `null` ones are cleared, the others stay. Unknown and read-only sub-attributes are ignored.
   */
  private merge(path: AttributePatchPath, current: Json | undefined, value: unknown): unknown {
    const { attribute } = path;
    const options = valueOptions(path);
    const given = canonicalizeElement(attribute, value, path.text, options);
    const next: Json = { ...current };
    if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) {
        const sub = findSubAttribute(attribute, key);
        if (item !== null || !sub) continue;
        if (sub.mutability !== 'readOnly' || options.keepReadOnly) delete next[sub.name];
      }
    }
    if (isRecord(given)) Object.assign(next, given);
    return Object.keys(next).length === 0 ? undefined : next;
  }

  /**
   * RFC 7644 §3.5.2: "a PATCH operation that sets a value's "primary" sub-attribute to "true" SHALL
   * cause the server to automatically set "primary" to "false" for any other values". Only values
   * that had `primary: true` are rewritten; two values made primary by one operation are rejected.
   */
  private settlePrimary(
    path: AttributePatchPath,
    elements: unknown[],
    touched: number[],
  ): unknown[] {
    const { attribute } = path;
    if (attribute.type !== 'complex' || !findSubAttribute(attribute, 'primary')) return elements;
    const primaries = touched.filter((i) => isRecord(elements[i]) && elements[i].primary === true);
    if (primaries.length === 0) return elements;
    assertSinglePrimary(
      attribute,
      primaries.map((i) => elements[i]),
      path.attribute.name,
    );
    return elements.map((element, i) =>
      i !== primaries[0] && isRecord(element) && element.primary === true
        ? { ...element, primary: false }
        : element,
    );
  }

  // ----- mutability (RFC 7643 §2.2, RFC 7644 §3.5.2) -----

  private guard(path: AttributePatchPath, before: unknown, outcome: Outcome): void {
    if (jsonEqual(before, outcome.value)) return;
    const { attribute, subAttribute } = path;
    const target = subAttribute ?? attribute;
    if (attribute.mutability === 'readOnly' || target.mutability === 'readOnly') {
      fail(ScimType.Mutability, `${path.text} is read-only`);
    }
    if (attribute.mutability === 'immutable' && !isUnassigned(before)) {
      fail(ScimType.Mutability, `${attribute.name} is immutable and already has a value`);
    }
    if (attribute.required && !isUnassigned(before) && isUnassigned(outcome.value)) {
      fail(ScimType.Mutability, `${attribute.name} is required and cannot be removed`);
    }
    const subs = subAttribute ? [subAttribute] : (attribute.subAttributes ?? []);
    for (const sub of subs) {
      if (sub.mutability !== 'immutable' && !sub.required) continue;
      for (const [old, next] of outcome.pairs) {
        const was = isRecord(old) ? old[sub.name] : undefined;
        const now = isRecord(next) ? next[sub.name] : undefined;
        if (isUnassigned(was) || jsonEqual(was, now)) continue;
        if (sub.mutability === 'immutable') {
          fail(ScimType.Mutability, `${attribute.name}.${sub.name} is immutable`);
        }
        if (isUnassigned(now)) {
          fail(ScimType.Mutability, `${attribute.name}.${sub.name} is required`);
        }
      }
    }
  }

  // ----- delta attributes -----

  private applyDelta(op: PatchOpName, path: AttributePatchPath, value: unknown): void {
    const { attribute, filter, subAttribute } = path;
    const name = attribute.name;
    if (subAttribute) {
      if (subAttribute.mutability === 'readOnly' || subAttribute.mutability === 'immutable') {
        fail(ScimType.Mutability, `${path.text} cannot be changed (${subAttribute.mutability})`);
      }
      fail(ScimType.InvalidPath, `${name} values can only be added, replaced or removed whole`);
    }
    if (filter && op !== 'remove') {
      fail(
        ScimType.InvalidPath,
        `"${op}" of ${name} takes the attribute without a filter; filters select values to remove`,
      );
    }
    switch (op) {
      case 'add': {
        const values = this.deltaValues(attribute, value, path.text);
        if (values.length > 0) this.pushDelta(name, { kind: 'add', values });
        return;
      }
      case 'replace':
        this.pushDelta(name, {
          kind: 'replace',
          values: this.deltaValues(attribute, value, path.text),
        });
        return;
      case 'remove': {
        if (!filter) {
          this.pushDelta(name, { kind: 'removeAll' });
          return;
        }
        const values = valueList(filter);
        this.pushDelta(name, values ? { kind: 'remove', values } : { kind: 'removeWhere', filter });
        return;
      }
    }
  }

  private pushDelta(name: string, change: DeltaChange): void {
    const list = this.deltas.get(name) ?? [];
    list.push(change);
    this.deltas.set(name, list);
  }

  /**
   * Values of a delta attribute: objects with a non-empty string `value`, duplicates removed
   * (in linear time: a replace may carry a whole 100 000-member group).
   */
  private deltaValues(attribute: AttributeDefinition, value: unknown, path: string): DeltaValue[] {
    const items: readonly unknown[] = Array.isArray(value) ? value : [value];
    const result: DeltaValue[] = [];
    const caseExact = findSubAttribute(attribute, 'value')?.caseExact ?? true;
    const seen = new Set<string>();
    items.forEach((item, position) => {
      const where = `${path}[${position}]`;
      if (!isRecord(item)) {
        fail(ScimType.InvalidValue, `${where} must be an object such as {"value": "<id>"}`);
      }
      const fields: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(item)) {
        const sub = findSubAttribute(attribute, key);
        if (!sub) continue; // e.g. "displayName", which Microsoft's Postman collection sends
        if (Object.hasOwn(fields, sub.name)) {
          fail(ScimType.InvalidValue, `${where}.${sub.name} is given twice`);
        }
        fields[sub.name] = field;
      }
      const id = fields.value;
      if (typeof id !== 'string' || id === '') {
        fail(ScimType.InvalidValue, `${where}.value must be a non-empty string`);
      }
      const entry: { value: string; type?: string; display?: string; $ref?: string | null } = {
        value: id,
      };
      for (const key of ['type', 'display'] as const) {
        const field = fields[key];
        if (field === undefined || field === null) continue;
        if (typeof field !== 'string')
          fail(ScimType.InvalidValue, `${where}.${key} must be a string`);
        entry[key] = field;
      }
      const ref = fields.$ref;
      if (ref !== undefined) {
        if (ref !== null && typeof ref !== 'string') {
          fail(ScimType.InvalidValue, `${where}.$ref must be a string or null`);
        }
        entry.$ref = ref;
      }
      const key = caseExact ? id : id.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      result.push(entry);
    });
    return result;
  }

  deltaRecord(): Record<string, readonly DeltaChange[]> {
    return Object.fromEntries(this.deltas);
  }

  // ----- audit -----

  changedPaths(original: Json): string[] {
    const changed: string[] = [];
    const compare = (
      schema: SchemaDefinition,
      before: Json | undefined,
      after: Json | undefined,
    ): void => {
      const prefix = schema.id === this.core.id ? '' : `${schema.id}:`;
      for (const attribute of schema.attributes) {
        const name = attribute.name;
        if (prefix === '' && this.deltaNames.has(name.toLowerCase())) {
          if (this.deltas.has(name)) changed.push(name);
          continue;
        }
        const old = before?.[name];
        const now = after?.[name];
        if (jsonEqual(old, now)) continue;
        if (attribute.type !== 'complex' || attribute.multiValued) {
          changed.push(prefix + name);
          continue;
        }
        for (const sub of attribute.subAttributes ?? []) {
          const was = isRecord(old) ? old[sub.name] : undefined;
          const is = isRecord(now) ? now[sub.name] : undefined;
          if (!jsonEqual(was, is)) changed.push(`${prefix}${name}.${sub.name}`);
        }
      }
    };
    compare(this.core, original, this.document);
    for (const schema of this.registry.extensionSchemasOf(this.resourceType)) {
      const before = original[schema.id];
      const after = this.document[schema.id];
      compare(schema, isRecord(before) ? before : undefined, isRecord(after) ? after : undefined);
    }
    return changed;
  }
}

/**
 * Read-only sub-attributes inside a value are ignored (the server maintains them), except in a
 * read-only attribute, where they are the value: `add groups [{"value": …}]` must not pass as
 * "nothing to add" but fail with `mutability`.
 */
function valueOptions(path: AttributePatchPath): ValueOptions {
  return { keepReadOnly: path.attribute.mutability === 'readOnly' };
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/**
 * `value eq "a"`, or `value eq "a" or value eq "b" …`: the ids to remove; undefined for any other
 * filter (which becomes a `removeWhere` delta).
 */
function valueList(filter: Filter): string[] | undefined {
  switch (filter.op) {
    case 'eq':
      return filter.path.attr === 'value' && typeof filter.value === 'string'
        ? [filter.value]
        : undefined;
    case 'or': {
      const left = valueList(filter.left);
      const right = left && valueList(filter.right);
      return left && right ? [...left, ...right.filter((id) => !left.includes(id))] : undefined;
    }
    case 'and':
    case 'not':
    case 'pr':
    case 'ne':
    case 'co':
    case 'sw':
    case 'ew':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
    case 'valuePath':
      return undefined;
  }
}
