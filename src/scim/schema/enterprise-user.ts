import { attribute, complexAttribute, type SchemaDefinition } from './types.js';

export const ENTERPRISE_USER_SCHEMA_URN =
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * The Enterprise User extension of RFC 7643 §4.3 and §8.7.1. `manager.value` holds the manager's
 * `id`, so it is case-exact like every id (entra.md §3.3); its type stays `string` as in §8.7.1
 * (Entra sends a bare id, which is not a URI reference). `manager.displayName` is read-only.
 */
export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute(
      'employeeNumber',
      'string',
      'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
    ),
    attribute('costCenter', 'string', 'Identifies the name of a cost center.'),
    attribute('organization', 'string', 'Identifies the name of an organization.'),
    attribute('division', 'string', 'Identifies the name of a division.'),
    attribute('department', 'string', 'Identifies the name of a department.'),
    complexAttribute('manager', "The User's manager: a reference to the 'id' of another User.", [
      attribute('value', 'string', "The id of the SCIM resource representing the User's manager.", {
        caseExact: true,
      }),
      attribute(
        '$ref',
        'reference',
        "The URI of the SCIM resource representing the User's manager.",
        { referenceTypes: ['User'] },
      ),
      attribute('displayName', 'string', "The displayName of the User's manager.", {
        mutability: 'readOnly',
      }),
    ]),
  ],
};
