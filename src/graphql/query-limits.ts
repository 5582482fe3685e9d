import { Plugin } from '@nestjs/apollo';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ASTVisitor } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { AppConfig } from '../config/app-config.js';

/** The `extensions.code` of an operation refused for its depth or its complexity. */
export const QUERY_TOO_LARGE = 'GRAPHQL_VALIDATION_FAILED';

/**
 * A validation rule refusing operations nested deeper than `maxDepth` (fragments count as the
 * fields they hold; introspection is exempt). Refused before anything runs, with a 400.
 */
export function depthLimitRule(maxDepth: number): (context: ValidationContext) => ASTVisitor {
  return maxDepthRule({
    n: maxDepth,
    flattenFragments: true,
    ignoreIntrospection: true,
    propagateOnRejection: false,
    onReject: [
      (context, error) => {
        const found = /found (\d+)/.exec(error.message)?.[1] ?? 'more';
        context?.reportError(
          new GraphQLError(
            `the query is nested ${found} levels deep; at most ${maxDepth} are allowed`,
            { extensions: { code: QUERY_TOO_LARGE } },
          ),
        );
      },
    ],
  });
}

/**
 * Refuses operations whose complexity is over GRAPHQL_MAX_COMPLEXITY before they run: every field
 * costs 1, and a connection costs its nodes' fields once per node it may return (see
 * `connectionComplexity`), so `groups(first: 100) { members(first: 100) { … } }` is priced as
 * the 10 000 members it could read.
 */
@Plugin()
export class QueryComplexityPlugin implements ApolloServerPlugin {
  constructor(
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly config: AppConfig,
  ) {}

  // Apollo's plugin interface is promise-based.
  // eslint-disable-next-line @typescript-eslint/require-await
  async requestDidStart(): Promise<GraphQLRequestListener<BaseContext>> {
    const { schema } = this.schemaHost;
    const max = this.config.GRAPHQL_MAX_COMPLEXITY;
    return {
      // eslint-disable-next-line @typescript-eslint/require-await
      didResolveOperation: async ({ request, document }) => {
        let complexity: number;
        try {
          complexity = getComplexity({
            schema,
            operationName: request.operationName,
            query: document,
            variables: request.variables ?? {},
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
        } catch {
          // Variables that do not fit their types: execution refuses them next, as BAD_USER_INPUT.
          return;
        }
        if (complexity > max) {
          throw new GraphQLError(
            `the query's complexity is ${complexity}, over the limit of ${max}: ask for fewer nodes (first) or fewer nested fields`,
            { extensions: { code: QUERY_TOO_LARGE, http: { status: 400 } } },
          );
        }
      },
    };
  }
}
