import { attribute, COMMON_ATTRIBUTES, complexAttribute, type SchemaDefinition } from './types.js';

export const CORE_GROUP_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * The core Group schema of RFC 7643 §4.2 and §8.7.1, plus the common attributes. For Entra
 * (entra.md §2.4, §3.3): `displayName` is required and unique per tenant, compared without case;
 * member ids are case-exact. `members.display` (RFC 7643 §2.4) is read-only: the server fills it
 * from the member, it does not store what a client sent.
 */
export const CORE_GROUP_SCHEMA: SchemaDefinition = {
  id: CORE_GROUP_SCHEMA_URN,
  name: 'Group',
  description: 'Group',
  attributes: [
    ...COMMON_ATTRIBUTES.filter((a) => a.name !== 'meta'),
    attribute('displayName', 'string', 'A human-readable name for the Group. REQUIRED.', {
      required: true,
      uniqueness: 'server',
    }),
    complexAttribute(
      'members',
      'A list of members of the Group.',
      [
        attribute('value', 'string', 'Identifier of the member of this Group.', {
          caseExact: true,
          mutability: 'immutable',
        }),
        attribute(
          '$ref',
          'reference',
          'The URI corresponding to a SCIM resource that is a member of this Group.',
          { referenceTypes: ['User', 'Group'], mutability: 'immutable' },
        ),
        attribute('display', 'string', 'A human-readable name of the member.', {
          mutability: 'readOnly',
        }),
        attribute('type', 'string', "A label indicating the type of resource, 'User' or 'Group'.", {
          canonicalValues: ['User', 'Group'],
          mutability: 'immutable',
        }),
      ],
      { multiValued: true },
    ),
    ...COMMON_ATTRIBUTES.filter((a) => a.name === 'meta'),
  ],
};
