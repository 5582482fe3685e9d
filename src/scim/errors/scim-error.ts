/** The SCIM error message schema (RFC 7644 §3.12). */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** `scimType` values of RFC 7644 §3.12 (Table 9). */
export enum ScimType {
  InvalidFilter = 'invalidFilter',
  TooMany = 'tooMany',
  Uniqueness = 'uniqueness',
  Mutability = 'mutability',
  InvalidSyntax = 'invalidSyntax',
  InvalidPath = 'invalidPath',
  NoTarget = 'noTarget',
  InvalidValue = 'invalidValue',
  InvalidVers = 'invalidVers',
  Sensitive = 'sensitive',
}

/** A SCIM Error document exactly as sent on the wire (`status` is a string). */
export interface ScimErrorDocument {
  readonly schemas: [typeof SCIM_ERROR_SCHEMA];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

/** A protocol error raised by SCIM code: carries the HTTP status and, where defined, a scimType. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toDocument(): ScimErrorDocument {
    return scimErrorDocument(this.status, this.message, this.scimType);
  }
}

export function scimErrorDocument(
  status: number,
  detail: string,
  scimType?: ScimType,
): ScimErrorDocument {
  return {
    schemas: [SCIM_ERROR_SCHEMA],
    status: String(status),
    ...(scimType ? { scimType } : {}),
    detail,
  };
}
