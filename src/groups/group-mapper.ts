import { versionETag } from '../scim/etag/etag.js';
import type { MemberType } from './group-member.entity.js';

type Json = Record<string, unknown>;

/** A group as the repository reads it: the columns SCIM responses are built from. */
export interface GroupRecord {
  readonly id: string;
  /** The canonical document (see `src/scim/patch/types.ts`): no `id`, `meta` or `members`. */
  readonly resource: Json;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One direct member of a group, as read with its current display name. */
export interface MemberRecord {
  readonly id: string;
  readonly type: MemberType;
  /** The user's displayName (else its userName) or the group's displayName. */
  readonly display: string | null;
}

/** One group a user belongs to directly, for the user's read-only `groups` attribute. */
export interface UserGroupRecord {
  readonly id: string;
  readonly displayName: string;
}

/** `meta.location` of a group: `<base>/Groups/<id>`. */
export const groupLocation = (baseUrl: string, id: string): string => `${baseUrl}/Groups/${id}`;

const memberLocation = (baseUrl: string, member: MemberRecord): string =>
  `${baseUrl}/${member.type === 'User' ? 'Users' : 'Groups'}/${member.id}`;

/** A `members` value (RFC 7643 §4.2): `value`, `$ref`, `display` (when known) and `type`. */
export function toScimMember(member: MemberRecord, baseUrl: string): Json {
  return {
    value: member.id,
    $ref: memberLocation(baseUrl, member),
    ...(member.display === null ? {} : { display: member.display }),
    type: member.type,
  };
}

/** A user's `groups` value (RFC 7643 §4.1.2): direct memberships only, so `type` is `direct`. */
export function toScimUserGroup(group: UserGroupRecord, baseUrl: string): Json {
  return {
    value: group.id,
    $ref: groupLocation(baseUrl, group.id),
    display: group.displayName,
    type: 'direct',
  };
}

/**
 * The SCIM JSON of a stored group: `schemas`, `id`, the stored attributes exactly as they were
 * sent, `members` when given (undefined: not read, e.g. `excludedAttributes=members`), then `meta`
 * (`resourceType`, `created`, `lastModified`, `location`, `version` = the ETag).
 */
export function toScimGroup(
  record: GroupRecord,
  baseUrl: string,
  members?: readonly MemberRecord[],
): Json {
  const { schemas, ...attributes } = record.resource;
  return {
    schemas,
    id: record.id,
    ...attributes,
    ...(members === undefined
      ? {}
      : { members: members.map((member) => toScimMember(member, baseUrl)) }),
    meta: {
      resourceType: 'Group',
      created: record.createdAt.toISOString(),
      lastModified: record.updatedAt.toISOString(),
      location: groupLocation(baseUrl, record.id),
      version: versionETag(record.version),
    },
  };
}

/** Keys the server maintains or keeps outside the document (`members` live in `group_members`). */
const SERVER_KEYS = new Set(['id', 'meta', 'members']);

/** The document to store from a full SCIM group: without `id`, `meta` and `members`. */
export function storableGroupDocument(group: Json): Json {
  const document: Json = {};
  for (const [key, value] of Object.entries(group)) {
    if (SERVER_KEYS.has(key)) continue;
    document[key] = value;
  }
  return document;
}
