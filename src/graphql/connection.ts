import type { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { ComplexityEstimatorArgs, FieldMiddleware } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString } from 'class-validator';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';

/** Most nodes one page of any connection returns; a larger `first` is refused (BAD_USER_INPUT). */
export const MAX_PAGE_SIZE = 100;
/** Page size when `first` is left out. */
export const DEFAULT_PAGE_SIZE = 20;

/** Relay `PageInfo`. Pages go forward only (`first`/`after`), newest or lowest key first. */
@ObjectType('PageInfo', { description: 'Where a page sits in its connection (Relay).' })
export class PageInfoModel {
  @Field({ description: 'More nodes follow: pass endCursor as `after`.' })
  hasNextPage!: boolean;

  @Field({ description: 'This page was asked for with `after`.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * `first` and `after`, as every connection field takes them. The global ValidationPipe
 * (`whitelist`, `forbidNonWhitelisted`) refuses properties without a class-validator decorator,
 * and `@Args()` receives every argument of the field: a subclass must declare the field's other
 * arguments too (with a decorator each).
 */
@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Nodes in the page, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
  })
  @IsOptional()
  @IsInt()
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  after?: string | null;
}

/** A validated page request: `first` within bounds, `after` still opaque. */
export interface PageRequest {
  readonly first: number;
  readonly after: string | null;
}

/** Checks `first` (1..MAX_PAGE_SIZE, default DEFAULT_PAGE_SIZE); anything else is BAD_USER_INPUT. */
export function pageRequest(args: PageArgs, defaultSize = DEFAULT_PAGE_SIZE): PageRequest {
  const first = args.first ?? defaultSize;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new DomainError(
      DomainErrorCode.InvalidInput,
      `first must be between 1 and ${MAX_PAGE_SIZE}, not ${String(args.first)}`,
    );
  }
  return { first, after: args.after ?? null };
}

/**
 * Cursors are opaque to clients: base64url of a JSON array of the keyset values of the last node
 * (for example `[at, id]`). A cursor that does not decode to an array of `arity` strings or
 * numbers is BAD_USER_INPUT.
 */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== arity ||
    !values.every((value) => typeof value === 'string' || typeof value === 'number')
  ) {
    throw new DomainError(DomainErrorCode.InvalidInput, 'after is not a cursor of this list');
  }
  return values;
}

/** One page of a connection, before it is shaped into edges. */
export interface Page<T> {
  readonly edges: ReadonlyArray<{ readonly node: T; readonly cursor: string }>;
  readonly pageInfo: PageInfoModel;
}

/**
 * Shapes the rows of a keyset query into a page. Query `first + 1` rows: the extra row only says
 * that a next page exists and is not returned.
 */
export function pageOf<R, T>(
  rows: readonly R[],
  request: PageRequest,
  cursorOf: (row: R) => string,
  toNode: (row: R) => T,
): Page<T> {
  const visible = rows.slice(0, request.first);
  const edges = visible.map((row) => ({ node: toNode(row), cursor: cursorOf(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > request.first,
      hasPreviousPage: request.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * Complexity of a connection field: its children's cost once per node it may return (`first`,
 * else the default page size), plus one. Use as `@Field(..., { complexity: connectionComplexity })`.
 */
export function connectionComplexity(options: ComplexityEstimatorArgs): number {
  const first = (options.args as { first?: unknown }).first;
  const size = typeof first === 'number' && first > 0 ? first : DEFAULT_PAGE_SIZE;
  return 1 + size * Math.max(1, options.childComplexity);
}

/**
 * Nest's code-first default field resolver returns a property as it is (graphql-js' would call a
 * function): this calls a lazy value (`totalCount: () => Promise<number>`) when the field is
 * selected, and only then.
 */
const callLazyValue: FieldMiddleware = async (_context, next) => {
  const value: unknown = await next();
  return typeof value === 'function' ? (value as () => unknown)() : value;
};

/**
 * The Relay edge and connection object types for a node type, e.g.
 * `const { Connection: UserConnection } = connectionTypes(UserModel, 'User')` gives
 * `UserEdge { node cursor }` and `UserConnection { edges pageInfo }`. `withTotalCount` adds
 * `totalCount: Int!`: give the page a `totalCount` *function* returning a promise (the field's
 * middleware calls it), so that the count query runs only when a client selects the field.
 */
export function connectionTypes<T>(
  node: Type<T>,
  name: string,
  options: { readonly withTotalCount?: boolean } = {},
): { Edge: Type<{ node: T; cursor: string }>; Connection: Type<Page<T>> } {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node)
    node!: T;

    @Field()
    cursor!: string;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfoModel)
    pageInfo!: PageInfoModel;
  }

  if (options.withTotalCount) {
    Field(() => Int, {
      description: 'Nodes in the whole connection (all pages).',
      middleware: [callLazyValue],
    })(Connection.prototype, 'totalCount');
  }
  return { Edge, Connection };
}
