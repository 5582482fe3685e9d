import {
  attribute,
  COMMON_ATTRIBUTES,
  complexAttribute,
  type AttributeDefinition,
  type Mutability,
  type SchemaDefinition,
} from './types.js';

export const CORE_USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';

const typeLabel = (description: string, canonicalValues?: readonly string[]): AttributeDefinition =>
  attribute('type', 'string', description, canonicalValues ? { canonicalValues } : {});

const primary = (description: string): AttributeDefinition =>
  attribute(
    'primary',
    'boolean',
    `Whether this is the primary or preferred ${description}; true at most once.`,
  );

const display = (mutability: Mutability = 'readWrite'): AttributeDefinition =>
  attribute('display', 'string', 'A human-readable name, primarily used for display purposes.', {
    mutability,
  });

/**
 * The core User schema of RFC 7643 §4.1 and §8.7.1, plus the common attributes. Deviations, each
 * for Entra (entra.md):
 * - no `display` under `emails`, `phoneNumbers` (or `addresses`, which never had one): the SCIM
 *   Validator rejects them (§5 item 14);
 * - `type` sub-attributes keep their canonical values, so the gallery harness derives
 *   `emails[type eq "work"].value` paths (§2.5);
 * - `addresses.primary` is declared (RFC 7643 §4.1.2 defines it, §8.7.1 forgot it; Entra sends it);
 * - `groups.value` is case-exact like every id (§3.3).
 */
export const CORE_USER_SCHEMA: SchemaDefinition = {
  id: CORE_USER_SCHEMA_URN,
  name: 'User',
  // The Microsoft Postman collection checks for this exact text (entra.md §8.1).
  description: 'User Account',
  attributes: [
    ...COMMON_ATTRIBUTES.filter((a) => a.name !== 'meta'),
    attribute(
      'userName',
      'string',
      'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. REQUIRED.',
      { required: true, uniqueness: 'server' },
    ),
    complexAttribute('name', "The components of the user's real name.", [
      attribute(
        'formatted',
        'string',
        'The full name, including all middle names, titles and suffixes, formatted for display.',
      ),
      attribute('familyName', 'string', 'The family name of the User, or last name.'),
      attribute('givenName', 'string', 'The given name of the User, or first name.'),
      attribute('middleName', 'string', 'The middle name(s) of the User.'),
      attribute(
        'honorificPrefix',
        'string',
        'The honorific prefix(es) of the User, or title (e.g. "Ms.").',
      ),
      attribute('honorificSuffix', 'string', 'The honorific suffix(es) of the User (e.g. "III").'),
    ]),
    attribute('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    attribute('nickName', 'string', 'The casual way to address the user in real life.'),
    attribute(
      'profileUrl',
      'reference',
      "A fully qualified URL pointing to a page representing the User's online profile.",
      { referenceTypes: ['external'] },
    ),
    attribute('title', 'string', 'The user\'s title, such as "Vice President".'),
    attribute(
      'userType',
      'string',
      'The relationship between the organization and the user, e.g. "Employee" or "Contractor".',
    ),
    attribute(
      'preferredLanguage',
      'string',
      "The User's preferred written or spoken language (RFC 7231 Accept-Language syntax).",
    ),
    attribute(
      'locale',
      'string',
      "The User's default location for localizing currency, dates and numbers (e.g. en-US).",
    ),
    attribute(
      'timezone',
      'string',
      'The User\'s time zone in IANA "Olson" format, e.g. "America/Los_Angeles".',
    ),
    attribute('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    attribute(
      'password',
      'string',
      "The User's cleartext password, to set an initial password or reset it. Never returned.",
      { mutability: 'writeOnly', returned: 'never' },
    ),
    complexAttribute(
      'emails',
      "Email addresses for the User. Canonical type values of 'work', 'home' and 'other'.",
      [
        attribute('value', 'string', 'Email address for the User.'),
        typeLabel("A label indicating the email's function, e.g. 'work' or 'home'.", [
          'work',
          'home',
          'other',
        ]),
        primary('email address'),
      ],
      { multiValued: true },
    ),
    complexAttribute(
      'phoneNumbers',
      "Phone numbers for the User. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager' and 'other'.",
      [
        attribute('value', 'string', 'Phone number of the User.'),
        typeLabel("A label indicating the phone number's function, e.g. 'work' or 'mobile'.", [
          'work',
          'home',
          'mobile',
          'fax',
          'pager',
          'other',
        ]),
        primary('phone number'),
      ],
      { multiValued: true },
    ),
    complexAttribute(
      'ims',
      'Instant messaging addresses for the User.',
      [
        attribute('value', 'string', 'Instant messaging address for the User.'),
        display(),
        typeLabel("A label indicating the messenger, e.g. 'aim', 'gtalk' or 'xmpp'.", [
          'aim',
          'gtalk',
          'icq',
          'xmpp',
          'msn',
          'skype',
          'qq',
          'yahoo',
        ]),
        primary('messenger'),
      ],
      { multiValued: true },
    ),
    complexAttribute(
      'photos',
      'URLs of photos of the User.',
      [
        attribute('value', 'reference', 'URL of a photo of the User.', {
          referenceTypes: ['external'],
        }),
        display(),
        typeLabel("A label indicating the photo's function, 'photo' or 'thumbnail'.", [
          'photo',
          'thumbnail',
        ]),
        primary('photo or thumbnail'),
      ],
      { multiValued: true },
    ),
    complexAttribute(
      'addresses',
      "A physical mailing address for this User. Canonical type values of 'work', 'home' and 'other'.",
      [
        attribute(
          'formatted',
          'string',
          'The full mailing address, formatted for display or use with a mailing label.',
        ),
        attribute('streetAddress', 'string', 'The full street address component.'),
        attribute('locality', 'string', 'The city or locality component.'),
        attribute('region', 'string', 'The state or region component.'),
        attribute('postalCode', 'string', 'The zip code or postal code component.'),
        attribute('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
        typeLabel("A label indicating the address's function, e.g. 'work' or 'home'.", [
          'work',
          'home',
          'other',
        ]),
        primary('mailing address'),
      ],
      { multiValued: true },
    ),
    complexAttribute(
      'groups',
      'A list of groups to which the user belongs, either directly, through nested groups, or dynamically. Read-only: change memberships on the Group.',
      [
        attribute('value', 'string', "The identifier of the User's group.", {
          caseExact: true,
          mutability: 'readOnly',
        }),
        attribute('$ref', 'reference', "The URI of the corresponding 'Group' resource.", {
          referenceTypes: ['Group'],
          mutability: 'readOnly',
        }),
        display('readOnly'),
        attribute('type', 'string', "A label indicating the membership, 'direct' or 'indirect'.", {
          canonicalValues: ['direct', 'indirect'],
          mutability: 'readOnly',
        }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    complexAttribute(
      'entitlements',
      'A list of entitlements for the User that represent a thing the User has.',
      [
        attribute('value', 'string', 'The value of an entitlement.'),
        display(),
        typeLabel("A label indicating the entitlement's function."),
        primary('entitlement'),
      ],
      { multiValued: true },
    ),
    complexAttribute(
      'roles',
      "A list of roles for the User that collectively represent who the User is, e.g. 'Student', 'Faculty'.",
      [
        attribute('value', 'string', 'The value of a role.'),
        display(),
        typeLabel("A label indicating the role's function."),
        primary('role'),
      ],
      { multiValued: true },
    ),
    complexAttribute(
      'x509Certificates',
      'A list of certificates issued to the User.',
      [
        attribute('value', 'binary', 'The value of an X.509 certificate (base64, DER).'),
        display(),
        typeLabel("A label indicating the certificate's function."),
        primary('certificate'),
      ],
      { multiValued: true },
    ),
    ...COMMON_ATTRIBUTES.filter((a) => a.name === 'meta'),
  ],
};
