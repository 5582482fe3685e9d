import { ScimError, ScimType } from '../errors/scim-error.js';
import type { AttrPath, CompareOp, CompareValue, Filter } from '../filter/ast.js';
import { parseFilter } from '../filter/parser.js';
import { printFilter } from '../filter/printer.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { AttributeDefinition, ResourceTypeName, SchemaDefinition } from '../schema/types.js';

/**
 * A PATCH `path` (RFC 7644 §3.5.2, Figure 1):
 *
 *     PATH = attrPath / valuePath [subAttr]
 *
 * e.g. `userName`, `name.givenName`, `emails[type eq "work"]`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`,
 * `members[value eq "2819c223"]`. Also accepted: a bare schema URN of the resource type (the whole
 * extension object, or the core schema), which some clients use for `add`/`replace` of a set of
 * extension attributes and for removing an extension.
 *
 * Everything is resolved through the schema registry, case-insensitively; the result carries the
 * registry's spelling. Unknown attributes and malformed paths are 400 `invalidPath`.
 */
export type PatchPath = SchemaPath | AttributePatchPath;

/** A path that is a schema URN: the whole extension object (or, for the core URN, the resource). */
export interface SchemaPath {
  readonly kind: 'schema';
  readonly schema: SchemaDefinition;
  readonly isExtension: boolean;
  /** The URN, correctly cased. */
  readonly text: string;
}

export interface AttributePatchPath {
  readonly kind: 'attribute';
  readonly schema: SchemaDefinition;
  readonly isExtension: boolean;
  readonly attribute: AttributeDefinition;
  /**
   * The value selection filter of `attr[filter]`, relative to one value of the attribute. Its
   * attribute paths are rewritten to the registry's spelling of the sub-attribute (`{ attr: 'type' }`);
   * for a multi-valued attribute of simple values, `{ attr: 'value' }` stands for the value itself.
   */
  readonly filter?: Filter;
  /** `name.givenName`, or `emails[…].value`: the sub-attribute (after the filter, if any). */
  readonly subAttribute?: AttributeDefinition;
  /** The path written canonically, e.g. `emails[type eq "work"].value`, `urn:…:User:manager.value`. */
  readonly text: string;
}

function invalidPath(path: string, reason: string): never {
  throw new ScimError(400, `Invalid path ${JSON.stringify(path)}: ${reason}`, ScimType.InvalidPath);
}

/** Parses and resolves a PATCH path for a resource type. */
export function parsePatchPath(
  path: string,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): PatchPath {
  const text = path.trim();
  if (text === '') return invalidPath(path, 'it is empty');

  const schema = registry.schema(text);
  if (schema) {
    const core = registry.coreSchemaOf(resourceType);
    if (schema.id === core.id)
      return { kind: 'schema', schema, isExtension: false, text: schema.id };
    if (registry.isExtensionOf(resourceType, schema.id)) {
      return { kind: 'schema', schema, isExtension: true, text: schema.id };
    }
    return invalidPath(path, `${schema.id} is not a schema of the ${resourceType} resource type`);
  }

  const open = text.indexOf('[');
  if (open < 0) {
    if (text.includes(']')) return invalidPath(path, '"]" without "["');
    const resolved = registry.resolve(resourceType, text);
    if (!resolved) return invalidPath(path, unknownReason(text, registry, resourceType));
    return {
      kind: 'attribute',
      schema: resolved.schema,
      isExtension: resolved.isExtension,
      attribute: resolved.attribute,
      ...(resolved.subAttribute ? { subAttribute: resolved.subAttribute } : {}),
      text: resolved.canonicalPath,
    };
  }

  // `attrPath "[" valFilter "]" ["." subAttr]`: the filter cannot nest brackets, and what follows
  // it contains none, so the last "]" closes the first "[" (a "]" inside a quoted string is fine).
  const close = text.lastIndexOf(']');
  if (close < open) return invalidPath(path, '"[" without a closing "]"');
  const head = text.slice(0, open);
  const filterText = text.slice(open + 1, close);
  const tail = text.slice(close + 1);
  if (tail !== '' && !/^\.[^.]+$/.test(tail)) {
    return invalidPath(path, 'only ".subAttribute" may follow "]"');
  }

  const parsed = registry.parsePath(head);
  if (!parsed) return invalidPath(path, unknownReason(head, registry, resourceType));
  if (parsed.sub !== undefined) {
    return invalidPath(path, '"[" must follow an attribute, not a sub-attribute');
  }
  const resolved = registry.resolvePath(resourceType, parsed);
  if (!resolved) return invalidPath(path, unknownReason(head, registry, resourceType));
  const { attribute } = resolved;
  if (!attribute.multiValued && attribute.type !== 'complex') {
    return invalidPath(path, `${resolved.canonicalPath} is neither multi-valued nor complex`);
  }

  let subAttribute: AttributeDefinition | undefined;
  if (tail !== '') {
    const sub = registry.resolvePath(resourceType, { ...parsed, sub: tail.slice(1) });
    if (!sub?.subAttribute) {
      return invalidPath(path, `${resolved.canonicalPath} has no sub-attribute "${tail.slice(1)}"`);
    }
    subAttribute = sub.subAttribute;
  }

  let raw: Filter;
  try {
    raw = parseFilter(filterText);
  } catch (error) {
    if (error instanceof ScimError) return invalidPath(path, error.message);
    throw error;
  }
  const filter = resolveValueFilter(raw, attribute, registry, path);
  const printed = `${resolved.canonicalPath}[${printFilter(filter)}]`;
  return {
    kind: 'attribute',
    schema: resolved.schema,
    isExtension: resolved.isExtension,
    attribute,
    filter,
    ...(subAttribute ? { subAttribute } : {}),
    text: subAttribute ? `${printed}.${subAttribute.name}` : printed,
  };
}

/**
 * Rewrites the attribute paths of a value filter to the registry's spelling of `attribute`'s
 * sub-attributes (or `value` for simple values). `emails[emails.type eq "work"]` (the attribute
 * repeated) is accepted as `type`. Nested value paths and unknown names are `invalidPath`.
 */
export function resolveValueFilter(
  filter: Filter,
  attribute: AttributeDefinition,
  registry: SchemaRegistry,
  path: string,
): Filter {
  const resolvePath = (attrPath: AttrPath): AttrPath => {
    let name = attrPath.attr;
    if (attrPath.sub !== undefined) {
      if (attrPath.attr.toLowerCase() !== attribute.name.toLowerCase()) {
        return invalidPath(path, `"${attrPath.attr}.${attrPath.sub}" is not relative to one value`);
      }
      name = attrPath.sub;
    }
    if (attrPath.uri !== undefined) {
      return invalidPath(path, `"${attrPath.uri}:…" inside "[…]" (names there are sub-attributes)`);
    }
    if (attribute.type !== 'complex') {
      if (name.toLowerCase() === 'value') return { attr: 'value' };
      return invalidPath(path, `${attribute.name} holds simple values: filter on "value"`);
    }
    const sub = registry.subAttributeOf(attribute, name);
    if (!sub) return invalidPath(path, `${attribute.name} has no sub-attribute "${name}"`);
    return { attr: sub.name };
  };
  const typeOf = (attrPath: AttrPath): string =>
    attribute.type === 'complex'
      ? (registry.subAttributeOf(attribute, attrPath.attr)?.type ?? 'string')
      : attribute.type;
  const comparison = (op: CompareOp, attrPath: AttrPath, value: CompareValue): Filter => {
    const resolved = resolvePath(attrPath);
    const type = typeOf(resolved);
    // RFC 7644 §3.4.2.2: gt/ge/lt/le on boolean (or binary) attributes fail.
    if (ORDERING.has(op) && (type === 'boolean' || type === 'binary')) {
      return invalidPath(path, `"${op}" is not defined for the ${type} "${resolved.attr}"`);
    }
    return { op, path: resolved, value };
  };
  const walk = (node: Filter): Filter => {
    switch (node.op) {
      case 'and':
      case 'or':
        return { op: node.op, left: walk(node.left), right: walk(node.right) };
      case 'not':
        return { op: 'not', filter: walk(node.filter) };
      case 'pr':
        return { op: 'pr', path: resolvePath(node.path) };
      case 'valuePath':
        return invalidPath(path, 'value filters cannot be nested');
      case 'eq':
      case 'ne':
      case 'co':
      case 'sw':
      case 'ew':
      case 'gt':
      case 'ge':
      case 'lt':
      case 'le':
        return comparison(node.op, node.path, node.value);
    }
  };
  return walk(filter);
}

const ORDERING: ReadonlySet<CompareOp> = new Set(['gt', 'ge', 'lt', 'le']);

function unknownReason(
  text: string,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): string {
  if (text.slice(0, 4).toLowerCase() === 'urn:' && !registry.parsePath(text)) {
    return `it does not start with a schema URN of the ${resourceType} resource type`;
  }
  return `no such attribute on the ${resourceType} resource type`;
}
