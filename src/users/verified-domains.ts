import { ScimError, ScimType } from '../scim/errors/scim-error.js';

/**
 * The tenant setting `verifiedDomains` (issue 4, item 9): when it lists domains, a user's
 * `userName` (when it has an `@`) and every one of its `emails` must be at one of them.
 *
 * - The domain is what follows the last `@`, compared without regard to case; subdomains are not
 *   implied (`eu.contoso.com` must be listed itself).
 * - An email without an `@` has no domain that could be verified, so it is refused; a `userName`
 *   without one (`jdoe`) is not an address and is accepted.
 * - No setting, or an empty list: every domain is accepted.
 *
 * Refusals are 400 `invalidValue` naming the attribute and the value's domain.
 */
export function checkVerifiedDomains(
  resource: Readonly<Record<string, unknown>>,
  verifiedDomains: readonly string[] | null | undefined,
): void {
  if (!verifiedDomains || verifiedDomains.length === 0) return;
  const allowed = new Set(verifiedDomains.map((domain) => domain.trim().toLowerCase()));
  const listed = [...allowed].join(', ');

  const userName = resource['userName'];
  if (typeof userName === 'string' && userName.includes('@')) {
    const domain = domainOf(userName);
    if (!allowed.has(domain)) refuse('userName', domain, listed);
  }
  const emails = resource['emails'];
  if (!Array.isArray(emails)) return;
  emails.forEach((email: unknown, position) => {
    const value = (email as { value?: unknown } | null)?.value;
    if (typeof value !== 'string') return;
    if (!value.includes('@')) {
      throw new ScimError(
        400,
        `Attribute "emails[${position}].value" ${JSON.stringify(value)} has no domain; this tenant accepts only addresses at ${listed}`,
        ScimType.InvalidValue,
      );
    }
    const domain = domainOf(value);
    if (!allowed.has(domain)) refuse(`emails[${position}].value`, domain, listed);
  });
}

function domainOf(address: string): string {
  return address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
}

function refuse(attribute: string, domain: string, listed: string): never {
  throw new ScimError(
    400,
    `Attribute "${attribute}": the domain ${JSON.stringify(domain)} is not a verified domain of this tenant (${listed})`,
    ScimType.InvalidValue,
  );
}

/** Reads `settings.verifiedDomains` as stored (JSONB): a list of strings, anything else is none. */
export function verifiedDomainsOf(stored: unknown): string[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter((domain): domain is string => typeof domain === 'string' && domain !== '');
}
