import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsString } from 'class-validator';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { ScimError } from '../scim/errors/scim-error.js';
import {
  compileFilter,
  type SqlFilterTarget,
  type SqlFragment,
} from '../scim/filter/compile-sql.js';
import type { Filter } from '../scim/filter/ast.js';
import { parseFilter } from '../scim/filter/parser.js';
import {
  decodeCursor,
  encodeCursor,
  type Page,
  PageArgs,
  pageOf,
  type PageRequest,
} from './connection.js';

/** The arguments of a directory list (`users`, `groups`): tenant, SCIM filter, page. */
@ArgsType()
export class DirectoryListArgs extends PageArgs {
  @Field(() => ID)
  @IsString()
  tenantId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A SCIM filter (RFC 7644 §3.4.2.2) as /scim/v2 takes it, e.g. userName sw "a".',
  })
  @IsOptional()
  @IsString()
  filter?: string | null;
}

/** A directory list's filter, compiled. */
export interface CompiledFilterArgument {
  /** The condition (undefined: no filter). */
  readonly where?: SqlFragment;
  /**
   * `<orderAttribute> sw "<prefix>"` is a conjunct of the filter's top level, so every match has
   * a key (the lower-cased attribute) at or after `lower(prefix)`: the list can start its index
   * scan there instead of filtering every key before it.
   */
  readonly prefix?: string;
}

/**
 * A SCIM filter given as a GraphQL argument (`users(filter: …)`), compiled exactly as `/scim/v2`
 * compiles its `filter` parameter: parsed, resolved through the tenant's schema registry, bound
 * parameters from `$firstParam` on. Absent or blank: no condition. A filter SCIM would refuse with
 * 400 `invalidFilter` is BAD_USER_INPUT with the same message (it names the position of the fault).
 * `orderAttribute` is the core attribute the list is ordered by (`userName`, `displayName`).
 */
export function compileFilterArgument(
  text: string | null | undefined,
  target: SqlFilterTarget,
  firstParam: number,
  orderAttribute: string,
): CompiledFilterArgument {
  if (text === null || text === undefined || text.trim() === '') return {};
  try {
    const filter = parseFilter(text);
    const where = compileFilter(filter, target, firstParam);
    const coreUrn = target.registry.coreSchemaOf(target.resourceType).id;
    const prefix = startsWith(filter, orderAttribute.toLowerCase(), coreUrn.toLowerCase());
    return prefix === undefined ? { where } : { where, prefix };
  } catch (error) {
    if (error instanceof ScimError && error.status < 500) {
      throw new DomainError(DomainErrorCode.InvalidInput, error.message);
    }
    throw error;
  }
}

/** The value of a top-level conjunct `<attribute> sw "<value>"` (core attribute, any case). */
function startsWith(filter: Filter, attribute: string, coreUrn: string): string | undefined {
  if (filter.op === 'and') {
    return (
      startsWith(filter.left, attribute, coreUrn) ?? startsWith(filter.right, attribute, coreUrn)
    );
  }
  if (filter.op !== 'sw' || typeof filter.value !== 'string') return undefined;
  const { path } = filter;
  if (path.sub !== undefined || path.attr.toLowerCase() !== attribute) return undefined;
  if (path.uri !== undefined && path.uri.toLowerCase() !== coreUrn) return undefined;
  return filter.value;
}

/** A directory list's page, with its total counted only when asked. */
export type CountedPage<T> = Page<T> & { readonly totalCount: () => Promise<number> };

/** Which keys of a name-ordered list a page reads. */
export interface KeysetRange {
  /** Keys after this one (the cursor's key); null: from the start. */
  readonly after: string | null;
  /** Keys at or after `lower(from)` (a `sw` prefix of the filter); null: no such bound. */
  readonly from: string | null;
  /** Rows to read: the page size plus one. */
  readonly limit: number;
}

/** The queries a name-ordered directory list (users, groups) answers a page with. */
export interface NamedListSource<R> {
  page(where: SqlFragment | undefined, range: KeysetRange): Promise<R[]>;
  count(where: SqlFragment | undefined): Promise<number>;
}

/**
 * One page of a directory list ordered by a unique lower-cased name (`key`): the rows after the
 * cursor's key (and from the filter's `sw` prefix), `first + 1` of them, and a lazy total.
 */
export async function namedListPage<R extends { readonly key: string }, T>(
  request: PageRequest,
  filter: CompiledFilterArgument,
  source: NamedListSource<R>,
  toNode: (row: R) => T,
): Promise<CountedPage<T>> {
  const rows = await source.page(filter.where, {
    after: request.after === null ? null : keyCursor(request.after),
    from: filter.prefix ?? null,
    limit: request.first + 1,
  });
  return {
    ...pageOf(rows, request, (row) => encodeCursor([row.key]), toNode),
    totalCount: () => source.count(filter.where),
  };
}

/** The keyset key a users or groups cursor carries (the lower-cased name). */
export function keyCursor(cursor: string): string {
  const [key] = decodeCursor(cursor, 1);
  if (typeof key !== 'string') {
    throw new DomainError(DomainErrorCode.InvalidInput, 'after is not a cursor of this list');
  }
  return key;
}
