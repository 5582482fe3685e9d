import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { checkVerifiedDomains, verifiedDomainsOf } from './verified-domains.js';

interface Case {
  name: string;
  domains: string[] | null;
  resource: Record<string, unknown>;
  /** The attribute the 400 names; absent when the resource is accepted. */
  error?: string;
}

const CASES = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/scim/users/verified-domains.json'), 'utf8'),
) as Case[];

describe('checkVerifiedDomains', () => {
  it.each(CASES)('$name', ({ domains, resource, error }) => {
    const check = () => checkVerifiedDomains(resource, domains);
    if (error === undefined) {
      expect(check).not.toThrow();
      return;
    }
    let thrown: unknown;
    try {
      check();
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(ScimError);
    expect(thrown).toMatchObject({ status: 400, scimType: ScimType.InvalidValue });
    expect((thrown as ScimError).message).toContain(`"${error}"`);
  });

  it.each([
    [
      ['a.com', 'b.com'],
      ['a.com', 'b.com'],
    ],
    [['a.com', 7, '', null], ['a.com']],
    [{ not: 'a list' }, []],
    [null, []],
  ])('reads the stored setting %j as %j', (stored, expected) => {
    expect(verifiedDomainsOf(stored)).toEqual(expected);
  });
});
