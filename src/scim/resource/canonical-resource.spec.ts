import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimError, type ScimType } from '../errors/scim-error.js';
import { SchemaRegistry } from '../schema/registry.js';
import type { ExtensionDefinition, ResourceTypeName } from '../schema/types.js';
import { canonicalizeResource, type CanonicalizeResourceOptions } from './index.js';

/** One case of test/fixtures/scim/resource/canonicalize.json. */
interface CanonicalizeCase {
  readonly name: string;
  readonly resourceType: ResourceTypeName;
  readonly options?: CanonicalizeResourceOptions;
  readonly extensions?: readonly ExtensionDefinition[];
  readonly input: unknown;
  readonly expected:
    | { readonly resource: Record<string, unknown>; readonly ignored: readonly string[] }
    | { readonly error: { status: number; scimType: ScimType; detail: string } };
}

const cases = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/scim/resource/canonicalize.json'), 'utf8'),
) as CanonicalizeCase[];

describe('canonicalizeResource (test/fixtures/scim/resource/canonicalize.json)', () => {
  it.each(cases)('$name', ({ resourceType, options, extensions, input, expected }) => {
    const registry = SchemaRegistry.builtIn().withExtensions(extensions ?? []);
    const before = structuredClone(input);
    if ('error' in expected) {
      let error: unknown;
      try {
        canonicalizeResource(input, registry, resourceType, options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ScimError);
      const scimError = error as ScimError;
      expect({ status: scimError.status, scimType: scimError.scimType }).toEqual({
        status: expected.error.status,
        scimType: expected.error.scimType,
      });
      expect(scimError.message).toContain(expected.error.detail);
    } else {
      const result = canonicalizeResource(input, registry, resourceType, options);
      expect(result.resource).toStrictEqual(expected.resource);
      expect(result.ignored).toEqual(expected.ignored);
    }
    expect(input).toStrictEqual(before);
  });

  it('puts schemas first, then core attributes as sent, then extensions in registry order', () => {
    const registry = SchemaRegistry.builtIn();
    const { resource } = canonicalizeResource(
      {
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'D' },
        displayName: 'B',
        userName: 'b',
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      },
      registry,
      'User',
    );
    expect(Object.keys(resource)).toEqual([
      'schemas',
      'displayName',
      'userName',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ]);
  });

  it('does not share objects with the input', () => {
    const unknown = { x: { y: 1 } };
    const input = { userName: 'b', 'urn:example:other': unknown };
    const { resource } = canonicalizeResource(input, SchemaRegistry.builtIn(), 'User');
    expect(resource['urn:example:other']).toStrictEqual(unknown);
    expect(resource['urn:example:other']).not.toBe(unknown);
  });
});
