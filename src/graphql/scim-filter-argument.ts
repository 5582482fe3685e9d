import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsString } from 'class-validator';
import { DomainError, DomainErrorCode } from '../common/domain-error.js';
import { ScimError } from '../scim/errors/scim-error.js';
import {
  compileFilter,
  type SqlFilterTarget,
  type SqlFragment,
} from '../scim/filter/compile-sql.js';
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

/**
 * A SCIM filter given as a GraphQL argument (`users(filter: …)`), compiled exactly as `/scim/v2`
 * compiles its `filter` parameter: parsed, resolved through the tenant's schema registry, bound
 * parameters from `$firstParam` on. Absent or blank: no condition. A filter SCIM would refuse with
 * 400 `invalidFilter` is BAD_USER_INPUT with the same message (it names the position of the fault).
 */
export function compileFilterArgument(
  text: string | null | undefined,
  target: SqlFilterTarget,
  firstParam: number,
): SqlFragment | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  try {
    return compileFilter(parseFilter(text), target, firstParam);
  } catch (error) {
    if (error instanceof ScimError && error.status < 500) {
      throw new DomainError(DomainErrorCode.InvalidInput, error.message);
    }
    throw error;
  }
}
