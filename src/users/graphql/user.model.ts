import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { connectionTypes } from '../../graphql/connection.js';
import type { DirectoryUserRow } from '../users-directory.repository.js';

type Json = Record<string, unknown>;

/**
 * A SCIM user as the host product reads it: the attributes a product needs as typed fields, the
 * whole SCIM representation as `scim`. `scim` and `groups` are resolved by UsersResolver through
 * per-request DataLoaders; other modules may add fields the same way (effective roles).
 */
@ObjectType('User', { description: 'A user provisioned through SCIM (never a deleted one).' })
export class UserModel {
  @Field(() => ID) id!: string;
  @Field() userName!: string;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field(() => String, { nullable: true }) displayName!: string | null;
  @Field() active!: boolean;
  @Field(() => String, { nullable: true, description: 'name.givenName' })
  givenName!: string | null;
  @Field(() => String, { nullable: true, description: 'name.familyName' })
  familyName!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The value of the primary email, else of the first one.',
  })
  email!: string | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => Int, { description: 'Row version, as in the ETag and meta.version.' })
  version!: number;

  /** Not a field: the tenant, for the field resolvers. */
  tenantId!: string;
  /** Not a field: the stored SCIM document, for `scim`. */
  resource!: Json;
}

export const { Connection: UserConnection } = connectionTypes(UserModel, 'User', {
  withTotalCount: true,
});

export function toUserModel(tenantId: string, row: DirectoryUserRow): UserModel {
  const name = isRecord(row.resource.name) ? row.resource.name : {};
  return {
    id: row.id,
    userName: row.userName,
    externalId: row.externalId,
    displayName: row.displayName,
    active: row.active,
    givenName: stringOrNull(name.givenName),
    familyName: stringOrNull(name.familyName),
    email: emailOf(row.resource),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
    tenantId,
    resource: row.resource,
  };
}

/** The primary email's value, else the first email's. */
function emailOf(resource: Json): string | null {
  const emails = Array.isArray(resource.emails) ? resource.emails.filter(isRecord) : [];
  const email = emails.find((candidate) => candidate.primary === true) ?? emails[0];
  return stringOrNull(email?.value);
}

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
