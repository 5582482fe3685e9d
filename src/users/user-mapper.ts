import { toScimUserGroup, type UserGroupRecord } from '../groups/group-mapper.js';
import { versionETag } from '../scim/etag/etag.js';

type Json = Record<string, unknown>;

/** A user as the repository reads it: the columns SCIM responses are built from. */
export interface UserRecord {
  readonly id: string;
  /** The canonical document (see `src/scim/patch/types.ts`): no `id`, `meta` or `password`. */
  readonly resource: Json;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Its direct groups (read with the user, in the same statement). */
  readonly groups: readonly UserGroupRecord[];
}

/** `meta.location` of a user: `<base>/Users/<id>`. */
export const userLocation = (baseUrl: string, id: string): string => `${baseUrl}/Users/${id}`;

/**
 * The SCIM JSON of a stored user: `schemas`, `id`, the stored attributes exactly as they were
 * sent, its direct groups as the read-only `groups` (when given and not empty: an empty
 * multi-valued attribute is left out, as every other one), then `meta` (`resourceType`,
 * `created`, `lastModified`, `location`, `version` = the ETag). `password` is never stored in the
 * document, so it is never returned.
 */
export function toScimUser(record: UserRecord, baseUrl: string): Json {
  const { groups } = record;
  const { schemas, ...attributes } = record.resource;
  return {
    schemas,
    id: record.id,
    ...attributes,
    ...(groups.length > 0
      ? { groups: groups.map((group) => toScimUserGroup(group, baseUrl)) }
      : {}),
    meta: {
      resourceType: 'User',
      created: record.createdAt.toISOString(),
      lastModified: record.updatedAt.toISOString(),
      location: userLocation(baseUrl, record.id),
      version: versionETag(record.version),
    },
  };
}

/** Keys the server maintains: never stored in the document, whatever a PATCH did with them. */
const SERVER_KEYS = new Set(['id', 'meta', 'groups']);

/**
 * The document from a full SCIM user (as `toScimUser` built it and PATCH changed it) without the
 * keys the server maintains (`id`, `meta`, `groups`). A `password` PATCH wrote stays, for the
 * caller to hash and take out (`splitPassword`).
 */
export function storableDocument(user: Json): Json {
  const document: Json = {};
  for (const [key, value] of Object.entries(user)) {
    if (SERVER_KEYS.has(key)) continue;
    document[key] = value;
  }
  return document;
}
