import { parseAttributeList, type Projection } from '../scim/list/projection.js';

/** Query parameters as Express parsed them. */
export type QueryParams = Readonly<Record<string, unknown>>;

/** The conditional-request headers of a SCIM request (RFC 7644 §3.14). */
export interface Preconditions {
  readonly ifMatch?: string | readonly string[];
  readonly ifNoneMatch?: string | readonly string[];
}

/** `attributes` / `excludedAttributes` of a query, parameter names matched without regard to case. */
export function projectionOf(query: QueryParams): Required<Projection> {
  let attributes: unknown;
  let excludedAttributes: unknown;
  for (const [key, value] of Object.entries(query)) {
    const name = key.toLowerCase();
    if (name === 'attributes') attributes = value;
    else if (name === 'excludedattributes') excludedAttributes = value;
  }
  return {
    attributes: parseAttributeList(attributes, 'attributes'),
    excludedAttributes: parseAttributeList(excludedAttributes, 'excludedAttributes'),
  };
}

/** Whether a write asked for the resource back (PATCH: then 200 with it, else 204). */
export function wantsBody(query: QueryParams): boolean {
  const { attributes, excludedAttributes } = projectionOf(query);
  return attributes.length > 0 || excludedAttributes.length > 0;
}
