import { ScimError, ScimType } from '../../errors/scim-error.js';
import { isRecord, type Json } from './context.js';

/** The schema of a PATCH request message (RFC 7644 §3.5.2). */
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** One operation as sent: `op` not yet validated, `value` untouched. */
export interface RawOperation {
  readonly op: string;
  readonly path?: string;
  readonly value?: unknown;
}

function invalidSyntax(detail: string): never {
  throw new ScimError(400, detail, ScimType.InvalidSyntax);
}

/** The member of `object` named `name` in any case (undefined when absent). */
function member(object: Json, name: string, where: string): unknown {
  const keys = Object.keys(object).filter((key) => key.toLowerCase() === name.toLowerCase());
  if (keys.length > 1) {
    invalidSyntax(
      `${where} has "${name}" more than once (${keys.map((k) => `"${k}"`).join(', ')})`,
    );
  }
  const [key] = keys;
  return key === undefined ? undefined : object[key];
}

/**
 * The PatchOp message around the operations (RFC 7644 §3.5.2), read before any quirk.
 *
 * - The body must be a JSON object whose `schemas` is an array listing
 *   `urn:ietf:params:scim:api:messages:2.0:PatchOp` (URN compared without case, entra.md §3.3).
 *   Entra and Microsoft's Postman collection always send it (entra.md §2.3, §2.4, §8.1), so a
 *   body without it is not one of theirs: 400 `invalidSyntax`.
 * - `Operations` must be an array of objects, each with a string `op` (validated by `op-case.ts`)
 *   and, when present and not `null`, a string `path`. Member names of the message are matched
 *   without case like every SCIM attribute name (`operations` is accepted; two spellings of one
 *   member are `invalidSyntax`). Other members are ignored: the Postman collection's "Group tests
 *   with garbage" send `"id"` in the message and `"name": "addMember"` in an operation (§8.1).
 * - Empty `Operations: []` is accepted and yields no operation: the caller answers success
 *   without changing anything (entra.md §5 item 16: Microsoft's SCIM Validator sends it, and
 *   scimmyjs/scimmy#59 shows the alternative, a 400, failing the validator).
 */
export function readEnvelope(body: unknown): RawOperation[] {
  if (!isRecord(body)) {
    invalidSyntax(`The PATCH body must be a JSON object with "schemas" and "Operations"`);
  }
  const schemas = member(body, 'schemas', 'The PATCH body');
  const listed =
    Array.isArray(schemas) &&
    schemas.some(
      (urn) => typeof urn === 'string' && urn.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase(),
    );
  if (!listed)
    invalidSyntax(`The PATCH body's "schemas" must be an array listing ${PATCH_OP_SCHEMA}`);

  const operations = member(body, 'Operations', 'The PATCH body');
  if (!Array.isArray(operations)) {
    invalidSyntax(
      operations === undefined
        ? 'The PATCH body has no "Operations" array'
        : '"Operations" must be an array of operations',
    );
  }
  return operations.map((operation: unknown, index): RawOperation => {
    const where = `Operation ${index + 1}`;
    if (!isRecord(operation)) invalidSyntax(`${where} must be a JSON object`);
    const op = member(operation, 'op', where);
    if (typeof op !== 'string') {
      invalidSyntax(`${where} needs "op" as a string ("add", "replace" or "remove")`);
    }
    const path = member(operation, 'path', where);
    if (path !== undefined && path !== null && typeof path !== 'string') {
      throw new ScimError(400, `${where}: "path" must be a string`, ScimType.InvalidPath);
    }
    const value = member(operation, 'value', where);
    return {
      op,
      ...(typeof path === 'string' ? { path } : {}),
      ...(value === undefined ? {} : { value }),
    };
  });
}
