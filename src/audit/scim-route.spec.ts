import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditTarget } from './audit-context.js';
import { describeScimRequest, isAuditedScimPath } from './scim-route.js';

interface RouteCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly target: AuditTarget;
}

const cases = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/scim/audit/routes.json'), 'utf8'),
) as RouteCase[];

describe('describeScimRequest', () => {
  it.each(cases)('$name: $method $path', ({ method, path, target }) => {
    expect(describeScimRequest(method, path)).toEqual(target);
  });

  it('cuts a resource id longer than 256 characters', () => {
    const { resourceId } = describeScimRequest('GET', `/scim/v2/Users/${'a'.repeat(300)}`);
    expect(resourceId).toBe('a'.repeat(256));
  });
});

describe('isAuditedScimPath', () => {
  it.each([
    ['/scim/v2', true],
    ['/scim/v2/Users', true],
    ['/SCIM/V2/users', true],
    ['/scim/v2x', false],
    ['/scim/v1/Users', false],
    ['/graphql', false],
    ['/health', false],
  ] as const)('%s → %s', (path, audited) => {
    expect(isAuditedScimPath(path)).toBe(audited);
  });
});
