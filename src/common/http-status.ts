import { HttpException } from '@nestjs/common';
import { ScimError } from '../scim/errors/scim-error.js';
import { DomainError, DomainErrorCode } from './domain-error.js';

/** What any thrown value means to a client: a status and a message safe to show. */
export interface ClassifiedError {
  readonly status: number;
  readonly message: string;
  readonly code: DomainErrorCode | 'BAD_REQUEST' | 'INTERNAL';
  /** Unexpected: log it with its stack, answer a generic message. */
  readonly unexpected: boolean;
}

const STATUS_OF: Record<DomainErrorCode, number> = {
  [DomainErrorCode.Unauthenticated]: 401,
  [DomainErrorCode.Forbidden]: 403,
  [DomainErrorCode.NotFound]: 404,
  [DomainErrorCode.Conflict]: 409,
  [DomainErrorCode.InvalidInput]: 400,
  [DomainErrorCode.NotImplemented]: 501,
};

/** Errors of Express' body parser carry a status and a type. */
interface BodyParserError {
  status?: unknown;
  type?: unknown;
}

const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'the request body is not valid JSON',
  'entity.too.large': 'the request body is too large',
  'encoding.unsupported': 'the request body has an unsupported content encoding',
  'charset.unsupported': 'the request body has an unsupported charset',
  'request.aborted': 'the request was aborted',
};

export function classifyError(error: unknown): ClassifiedError {
  // Nest wraps the body parser's errors (invalid JSON, too large, …) in an HttpException.
  const bodyError = (error instanceof HttpException ? error.cause : error) as
    BodyParserError | undefined;
  if (
    typeof bodyError?.type === 'string' &&
    typeof bodyError.status === 'number' &&
    bodyError.status < 500
  ) {
    return {
      status: bodyError.status,
      message: BODY_PARSER_MESSAGES[bodyError.type] ?? 'the request body could not be read',
      code: 'BAD_REQUEST',
      unexpected: false,
    };
  }
  if (error instanceof DomainError) {
    return {
      status: STATUS_OF[error.code],
      message: error.message,
      code: error.code,
      unexpected: false,
    };
  }
  if (error instanceof ScimError) {
    return {
      status: error.status,
      message: error.message,
      code: error.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
      unexpected: error.status >= 500,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? [response.message].flat().join('; ')
        : error.message;
    return { status, message, code: codeOfStatus(status), unexpected: status >= 500 };
  }
  return { status: 500, message: 'internal server error', code: 'INTERNAL', unexpected: true };
}

function codeOfStatus(status: number): ClassifiedError['code'] {
  switch (status) {
    case 401:
      return DomainErrorCode.Unauthenticated;
    case 403:
      return DomainErrorCode.Forbidden;
    case 404:
      return DomainErrorCode.NotFound;
    case 409:
      return DomainErrorCode.Conflict;
    default:
      return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}
