import { GraphQLError } from 'graphql';
import type { ClassifiedError } from '../common/http-status.js';

/** A classified error as a GraphQL error with `extensions.code` (and the HTTP status Apollo uses). */
export function toGraphqlError(classified: ClassifiedError): GraphQLError {
  const code = classified.code === 'INTERNAL' ? 'INTERNAL_SERVER_ERROR' : classified.code;
  return new GraphQLError(classified.message, {
    extensions: {
      code,
      // Unauthenticated requests get HTTP 401; other errors stay 200 as GraphQL clients expect.
      ...(classified.status === 401 ? { http: { status: 401 } } : {}),
    },
  });
}
