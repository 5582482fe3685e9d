import { ScimError, ScimType } from '../errors/scim-error.js';

export interface Page {
  /** 1-based index of the first result (RFC 7644 §3.4.2.4). */
  readonly startIndex: number;
  /** How many results at most; 0 asks for the total only. */
  readonly count: number;
  /** SQL offset for `startIndex`. */
  readonly offset: number;
}

/**
 * Reads `startIndex` and `count` (query values or `.search` body members). Per RFC 7644 §3.4.2.4
 * a `startIndex` below 1 means 1 and a negative `count` means 0; `count` above the configured
 * maximum is capped to it (ServiceProviderConfig advertises the cap as `filter.maxResults`).
 * Values that are not integers are a 400 `invalidValue`.
 */
export function parsePage(
  startIndex: unknown,
  count: unknown,
  limits: { readonly defaultCount: number; readonly maxResults: number },
): Page {
  const start = Math.max(1, integer(startIndex, 'startIndex') ?? 1);
  const requested = integer(count, 'count');
  const size = Math.min(Math.max(0, requested ?? limits.defaultCount), limits.maxResults);
  return { startIndex: start, count: size, offset: start - 1 };
}

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(number)) {
    throw new ScimError(
      400,
      `${name} must be an integer, got ${JSON.stringify(value)}`,
      ScimType.InvalidValue,
    );
  }
  return number;
}

export type SortOrder = 'ascending' | 'descending';

/** `sortOrder` is case-insensitive; absent means ascending (RFC 7644 §3.4.2.3). */
export function parseSortOrder(value: unknown): SortOrder {
  if (value === undefined || value === null || value === '') return 'ascending';
  if (typeof value === 'string') {
    const order = value.trim().toLowerCase();
    if (order === 'ascending' || order === 'descending') return order;
  }
  throw new ScimError(
    400,
    `sortOrder must be "ascending" or "descending", got ${JSON.stringify(value)}`,
    ScimType.InvalidValue,
  );
}
