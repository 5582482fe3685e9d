import { GraphQLError } from 'graphql';
import type { ClassifiedError } from '../common/http-status.js';

/**
 * A classified error as a GraphQL error with `extensions.code` (UNAUTHENTICATED, FORBIDDEN,
 * NOT_FOUND, CONFLICT, INVALID_INPUT, …). The HTTP status stays 200 once execution has run, as
 * @nestjs/apollo enforces, so clients read `errors[].extensions.code`.
 */
export function toGraphqlError(classified: ClassifiedError): GraphQLError {
  const code = classified.code === 'INTERNAL' ? 'INTERNAL_SERVER_ERROR' : classified.code;
  return new GraphQLError(classified.message, { extensions: { code } });
}
