import { ScimError, ScimType } from '../errors/scim-error.js';

/**
 * A filter the grammar rejects: HTTP 400, scimType `invalidFilter`. Positions are 0-based offsets
 * into the filter text in UTF-16 code units (JavaScript string indices), i.e. after URL decoding.
 * It is a `ScimError`, so the SCIM error mapping needs nothing extra; `position` is for callers
 * (and tests) that want it without parsing the message.
 */
export class FilterSyntaxError extends ScimError {
  constructor(
    readonly position: number,
    reason: string,
  ) {
    super(400, `invalid filter at position ${position}: ${reason}`, ScimType.InvalidFilter);
  }
}
