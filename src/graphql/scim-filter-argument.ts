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
import { PageArgs } from './connection.js';

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
