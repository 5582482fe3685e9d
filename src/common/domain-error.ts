/**
 * Every way a service can refuse a request. Transport filters map each code exhaustively: SCIM to
 * an Error document, GraphQL to `extensions.code`, plain HTTP to a status.
 */
export enum DomainErrorCode {
  /** Missing, malformed, expired, revoked or wrong-kind credentials. */
  Unauthenticated = 'UNAUTHENTICATED',
  /** Authenticated, but not allowed to do this. */
  Forbidden = 'FORBIDDEN',
  /** Does not exist, or belongs to another tenant (indistinguishable on purpose). */
  NotFound = 'NOT_FOUND',
  /** A uniqueness rule would be broken. */
  Conflict = 'CONFLICT',
  /** The input is well-formed but not acceptable. */
  InvalidInput = 'INVALID_INPUT',
  /** The operation exists in the API but is not available yet. */
  NotImplemented = 'NOT_IMPLEMENTED',
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** For Unauthenticated: credentials were presented but are not valid (RFC 6750 `invalid_token`). */
    readonly invalidToken = false,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string): DomainError =>
  new DomainError(DomainErrorCode.NotFound, `${what} not found`);
