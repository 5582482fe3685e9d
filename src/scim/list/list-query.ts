import { ScimError, ScimType } from '../errors/scim-error.js';
import type { Filter } from '../filter/ast.js';
import { parseFilter, type FilterLimits } from '../filter/parser.js';
import type { ResolvedAttribute, SchemaRegistry } from '../schema/registry.js';
import type { ResourceTypeName } from '../schema/types.js';
import { parsePage, parseSortOrder, type Page, type SortOrder } from './paging.js';
import { parseAttributeList } from './projection.js';

/** The `POST /.search` request message (RFC 7644 §3.4.3). */
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** A list request, from a GET query or a `.search` body: what to match, show, order and page. */
export interface ListQuery {
  readonly filter?: Filter;
  readonly attributes: readonly string[];
  readonly excludedAttributes: readonly string[];
  readonly page: Page;
  /** As sent; {@link resolveSortBy} checks it against the schema registry. */
  readonly sortBy?: string;
  readonly sortOrder: SortOrder;
}

export interface ListQueryLimits {
  /** Page size when `count` is absent. */
  readonly defaultCount: number;
  /** Largest page (ServiceProviderConfig `filter.maxResults`); a larger `count` is capped. */
  readonly maxResults: number;
  readonly filter?: Partial<FilterLimits>;
}

/** The list parameters of RFC 7644 §3.4.2. */
const PARAMETER_NAMES = [
  'filter',
  'attributes',
  'excludedAttributes',
  'startIndex',
  'count',
  'sortBy',
  'sortOrder',
] as const;
type Parameter = (typeof PARAMETER_NAMES)[number];
/** Lower-cased name → spelling used in messages. */
const PARAMETERS = new Map<string, Parameter>(
  PARAMETER_NAMES.map((name) => [name.toLowerCase(), name]),
);

/**
 * Reads the list parameters of a GET query (already URL-decoded, `+` as space). Parameter names
 * match without regard to case (`startindex`, `Count`); other parameters (`aadOptscim062020`) are
 * ignored. The same parameter in two spellings is a 400 `invalidValue`; an empty value counts as
 * absent.
 */
export function parseListQuery(
  query: Readonly<Record<string, unknown>>,
  limits: ListQueryLimits,
): ListQuery {
  const values = collect(query, false);
  return build(values, limits);
}

/**
 * Reads a `POST /.search` body (RFC 7644 §3.4.3): a JSON object whose `schemas` lists
 * `urn:ietf:params:scim:api:messages:2.0:SearchRequest`, with the list parameters as members
 * (`attributes` and `excludedAttributes` as arrays of names; a comma-separated string is accepted
 * too). Member names match without regard to case, like every SCIM attribute name. A body that is
 * not such an object, or carries a member the message does not define, is a 400 `invalidSyntax`:
 * a misspelt `filtre` must not silently widen the search.
 */
export function parseSearchRequest(body: unknown, limits: ListQueryLimits): ListQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidSyntax('a search request body must be a JSON object');
  }
  const record = body as Record<string, unknown>;
  const schemasKey = Object.keys(record).filter((key) => key.toLowerCase() === 'schemas');
  const schemas = schemasKey.length === 1 ? record[schemasKey[0]!] : undefined;
  if (
    !Array.isArray(schemas) ||
    !schemas.some(
      (urn) => typeof urn === 'string' && urn.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase(),
    )
  ) {
    throw invalidSyntax(`a search request must have "schemas": ["${SEARCH_REQUEST_SCHEMA}"]`);
  }
  const rest = Object.fromEntries(
    Object.entries(record).filter(([key]) => key.toLowerCase() !== 'schemas'),
  );
  return build(collect(rest, true), limits);
}

/**
 * Resolves `sortBy` for a resource type (RFC 7644 §3.4.2.3): a known attribute or sub-attribute,
 * any case, URN-qualified or not. An unknown path, or one never returned (`password`: sorting by
 * it would reveal its order), is a 400 `invalidValue`.
 */
export function resolveSortBy(
  sortBy: string,
  registry: SchemaRegistry,
  resourceType: ResourceTypeName,
): ResolvedAttribute {
  const resolved = registry.resolve(resourceType, sortBy);
  if (!resolved) {
    throw new ScimError(
      400,
      `sortBy ${JSON.stringify(sortBy)} is not an attribute of ${resourceType}`,
      ScimType.InvalidValue,
    );
  }
  if ((resolved.subAttribute ?? resolved.attribute).returned === 'never') {
    throw new ScimError(
      400,
      `sortBy ${JSON.stringify(sortBy)} names an attribute that is never returned`,
      ScimType.InvalidValue,
    );
  }
  return resolved;
}

type Values = Partial<Record<Parameter, unknown>>;

/** Picks the known parameters out of `source`, matching names without regard to case. */
function collect(source: Readonly<Record<string, unknown>>, rejectUnknown: boolean): Values {
  const values: Values = {};
  const seen = new Map<Parameter, string>();
  for (const [key, value] of Object.entries(source)) {
    const name = PARAMETERS.get(key.toLowerCase());
    if (!name) {
      if (rejectUnknown) {
        throw invalidSyntax(`a search request has no member ${JSON.stringify(key)}`);
      }
      continue;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new ScimError(
        400,
        `${name} is given twice (as ${JSON.stringify(earlier)} and ${JSON.stringify(key)})`,
        ScimType.InvalidValue,
      );
    }
    seen.set(name, key);
    values[name] = value;
  }
  return values;
}

function build(values: Values, limits: ListQueryLimits): ListQuery {
  const filter = parseFilterValue(values.filter, limits.filter);
  const sortBy = optionalString(values.sortBy, 'sortBy');
  return {
    ...(filter ? { filter } : {}),
    attributes: parseAttributeList(values.attributes, 'attributes'),
    excludedAttributes: parseAttributeList(values.excludedAttributes, 'excludedAttributes'),
    page: parsePage(values.startIndex, values.count, limits),
    ...(sortBy === undefined ? {} : { sortBy }),
    sortOrder: parseSortOrder(values.sortOrder),
  };
}

function parseFilterValue(
  value: unknown,
  limits: Partial<FilterLimits> | undefined,
): Filter | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ScimError(
      400,
      Array.isArray(value) ? 'filter must be given once' : 'filter must be a string',
      ScimType.InvalidFilter,
    );
  }
  if (value.trim() === '') return undefined;
  return parseFilter(value, limits);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ScimError(
      400,
      `${name} must be a single string, got ${JSON.stringify(value)}`,
      ScimType.InvalidValue,
    );
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const invalidSyntax = (detail: string): ScimError =>
  new ScimError(400, detail, ScimType.InvalidSyntax);
