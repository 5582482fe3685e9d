import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { DomainError, DomainErrorCode } from './domain-error.js';
import { classifyError } from './http-status.js';

describe('classifyError', () => {
  it.each([
    [DomainErrorCode.Unauthenticated, 401],
    [DomainErrorCode.Forbidden, 403],
    [DomainErrorCode.NotFound, 404],
    [DomainErrorCode.Conflict, 409],
    [DomainErrorCode.InvalidInput, 400],
    [DomainErrorCode.NotImplemented, 501],
  ])('maps domain code %s to %i', (code, status) => {
    expect(classifyError(new DomainError(code, 'why'))).toEqual({
      status,
      message: 'why',
      code,
      unexpected: false,
    });
  });

  it('keeps a ScimError status', () => {
    expect(classifyError(new ScimError(400, 'bad filter', ScimType.InvalidFilter))).toMatchObject({
      status: 400,
      unexpected: false,
    });
  });

  it('turns body-parser failures into client errors with a fixed message', () => {
    const cause = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), {
      status: 400,
      type: 'entity.parse.failed',
    });
    expect(classifyError(new BadRequestException(cause.message, { cause }))).toEqual({
      status: 400,
      message: 'the request body is not valid JSON',
      code: 'BAD_REQUEST',
      unexpected: false,
    });
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      type: 'entity.too.large',
    });
    expect(classifyError(new HttpException('too large', 413, { cause: tooLarge }))).toMatchObject({
      status: 413,
    });
  });

  it('keeps HttpException statuses and hides unexpected errors', () => {
    expect(classifyError(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(classifyError(new TypeError('secret internals'))).toEqual({
      status: 500,
      message: 'internal server error',
      code: 'INTERNAL',
      unexpected: true,
    });
  });
});
