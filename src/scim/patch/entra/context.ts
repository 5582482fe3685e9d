import { ScimError } from '../../errors/scim-error.js';
import type { Filter } from '../../filter/ast.js';
import { printFilter } from '../../filter/printer.js';
import type { SchemaRegistry } from '../../schema/registry.js';
import type { AttributeDefinition, ResourceTypeName } from '../../schema/types.js';
import { parsePatchPath, type AttributePatchPath, type PatchPath } from '../path.js';
import type { PatchOperation } from '../types.js';

/** What every Entra quirk may look at besides the operations. */
export interface NormalizeContext {
  readonly registry: SchemaRegistry;
  readonly resourceType: ResourceTypeName;
  /** The current canonical document (see `../types.ts`); never mutated. */
  readonly resource: Record<string, unknown>;
}

/**
 * One quirk: a pure function from standard operations to standard operations. It rewrites only
 * the operations it recognises and passes every other one through unchanged, invalid ones
 * included, so the engine reports those with its own error.
 */
export type Quirk = (
  operations: readonly PatchOperation[],
  context: NormalizeContext,
) => PatchOperation[];

export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The resolved target of an operation's path, or undefined when it has none or the engine would
 * reject it (the quirks leave such operations alone, and the engine answers `invalidPath`).
 */
export function targetOf(
  operation: PatchOperation,
  context: NormalizeContext,
): PatchPath | undefined {
  if (operation.path === undefined) return undefined;
  try {
    return parsePatchPath(operation.path, context.registry, context.resourceType);
  } catch (error) {
    if (error instanceof ScimError) return undefined;
    throw error;
  }
}

/** The attribute part of a resolved path: `emails`, `urn:…:enterprise:2.0:User:manager`. */
export function attributeText(path: AttributePatchPath): string {
  return path.isExtension ? `${path.schema.id}:${path.attribute.name}` : path.attribute.name;
}

/** A path written out from its parts, e.g. `roles[primary eq true].value`. */
export function pathText(
  path: AttributePatchPath,
  filter: Filter | undefined,
  subAttribute: AttributeDefinition | undefined,
): string {
  const bracket = filter ? `[${printFilter(filter)}]` : '';
  return `${attributeText(path)}${bracket}${subAttribute ? `.${subAttribute.name}` : ''}`;
}

/** `"true"`/`"false"` in any case as a boolean; anything else unchanged. */
export function booleanFromString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return value;
}

/** An operation with the same `op` and a new path and/or value (absent keys stay absent). */
export function withParts(
  op: PatchOperation['op'],
  path: string | undefined,
  value: unknown,
): PatchOperation {
  return {
    op,
    ...(path === undefined ? {} : { path }),
    ...(value === undefined ? {} : { value }),
  };
}

/** `target[key] = value` that also works for a key such as `__proto__` sent by a client. */
export function setKey(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Whether a path is the core `members` attribute of a Group (any case, with or without URN). */
export function isGroupMembers(
  path: PatchPath | undefined,
  context: NormalizeContext,
): path is AttributePatchPath {
  return (
    context.resourceType === 'Group' &&
    path?.kind === 'attribute' &&
    !path.isExtension &&
    path.attribute.name === 'members'
  );
}
