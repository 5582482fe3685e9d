import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { toGraphqlError } from '../graphql/graphql-error.js';
import { isScimPath, sendScimError } from '../scim-http/scim-error-response.js';
import { classifyError } from './http-status.js';

/**
 * The one global exception filter. It classifies any thrown value once and answers in the shape
 * of the transport: a SCIM Error document under `/scim`, a GraphQL error on `/graphql`, plain
 * JSON elsewhere. Unexpected errors are logged (with the request id) and answered with a generic 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): GraphQLError | void {
    // Already a client-facing GraphQL error (it carries its own code): pass it on.
    if (host.getType<string>() === 'graphql' && exception instanceof GraphQLError) {
      return exception;
    }
    const classified = classifyError(exception);
    if (classified.unexpected) this.logger.error(exception);

    if (host.getType<string>() === 'graphql') return toGraphqlError(classified);

    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;
    if (isScimPath(req.path)) {
      sendScimError(res, exception, classified);
      return;
    }
    res
      .status(classified.status)
      .json({ statusCode: classified.status, message: classified.message });
  }
}
