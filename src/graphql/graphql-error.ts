import { GraphQLError } from 'graphql';
import { DomainErrorCode } from '../common/domain-error.js';
import type { ClassifiedError } from '../common/http-status.js';

/**
 * A classified error as a GraphQL error with `extensions.code` (UNAUTHENTICATED, FORBIDDEN,
 * NOT_FOUND, CONFLICT, BAD_USER_INPUT, …). The HTTP status stays 200 once execution has run, as
 * @nestjs/apollo enforces, so clients read `errors[].extensions.code`.
 */
export function toGraphqlError(classified: ClassifiedError): GraphQLError {
  return new GraphQLError(classified.message, { extensions: { code: graphqlCode(classified) } });
}

/**
 * The `extensions.code` of a classified error. Input a client must fix (a domain InvalidInput,
 * a class-validator refusal, a bad cursor) is Apollo's `BAD_USER_INPUT`, like the errors
 * Apollo itself raises for variables of the wrong type.
 */
export function graphqlCode(classified: Pick<ClassifiedError, 'code'>): string {
  switch (classified.code) {
    case 'INTERNAL':
      return 'INTERNAL_SERVER_ERROR';
    case DomainErrorCode.InvalidInput:
    case 'BAD_REQUEST':
      return 'BAD_USER_INPUT';
    case DomainErrorCode.Unauthenticated:
    case DomainErrorCode.Forbidden:
    case DomainErrorCode.NotFound:
    case DomainErrorCode.Conflict:
    case DomainErrorCode.NotImplemented:
      return classified.code;
  }
}
