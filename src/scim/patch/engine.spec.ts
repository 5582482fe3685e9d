import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ScimError, ScimType } from '../errors/scim-error.js';
import { SchemaRegistry } from '../schema/registry.js';
import type { ExtensionDefinition, ResourceTypeName } from '../schema/types.js';
import { applyPatch, type PatchContext, type PatchOperation } from './index.js';

/** One case of test/fixtures/scim/patch/<theme>.json. */
interface PatchCase {
  readonly name: string;
  readonly resourceType: ResourceTypeName;
  /** Names of extension files under test/fixtures/scim/patch/extensions/. */
  readonly extensions?: readonly string[];
  /** Defaults to `['members']` for Groups and `[]` for Users. */
  readonly deltaAttributes?: readonly string[];
  readonly resource: Record<string, unknown>;
  readonly operations: PatchOperation[];
  readonly expected:
    | {
        readonly resource: Record<string, unknown>;
        readonly changed?: readonly string[];
        readonly deltas?: Record<string, unknown>;
      }
    | { readonly error: { readonly status: number; readonly scimType: ScimType } };
}

const FIXTURES = join(process.cwd(), 'test/fixtures/scim/patch');

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

const themes = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => [file, readJson<PatchCase[]>(join(FIXTURES, file))] as const);

function registryFor(extensions: readonly string[] = []): SchemaRegistry {
  if (extensions.length === 0) return SchemaRegistry.builtIn();
  return SchemaRegistry.builtIn().withExtensions(
    extensions.map((name) =>
      readJson<ExtensionDefinition>(join(FIXTURES, 'extensions', `${name}.json`)),
    ),
  );
}

function contextFor(testCase: PatchCase): PatchContext {
  return {
    registry: registryFor(testCase.extensions),
    resourceType: testCase.resourceType,
    deltaAttributes:
      testCase.deltaAttributes ?? (testCase.resourceType === 'Group' ? ['members'] : []),
  };
}

/** The error `fn` throws, or fails the test if it returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('applyPatch fixtures (test/fixtures/scim/patch)', () => {
  it('has at least 100 cases, each with a unique name', () => {
    const names = themes.flatMap(([, cases]) => cases.map((testCase) => testCase.name));
    expect(names.length).toBeGreaterThanOrEqual(100);
    expect(new Set(names).size).toBe(names.length);
  });

  describe.each(themes)('%s', (_file, cases) => {
    it.each(cases)('$name', (testCase) => {
      const input = structuredClone(testCase.resource);
      const context = contextFor(testCase);
      const { expected } = testCase;
      if ('error' in expected) {
        const error = thrown(() => applyPatch(input, testCase.operations, context));
        expect(error).toBeInstanceOf(ScimError);
        const scimError = error as ScimError;
        expect({ status: scimError.status, scimType: scimError.scimType }).toEqual(expected.error);
        expect(scimError.message).toMatch(/^Operation \d+ \(|^"Operations"/);
      } else {
        const result = applyPatch(input, testCase.operations, context);
        expect(result.resource).toStrictEqual(expected.resource);
        if (expected.changed) expect(result.changed).toEqual(expected.changed);
        expect(result.deltas).toEqual(expected.deltas ?? {});
      }
      // Pure: the input document is never mutated, whatever happened.
      expect(input).toStrictEqual(testCase.resource);
    });
  });
});

describe('applyPatch details', () => {
  const registry = SchemaRegistry.builtIn();
  const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', userName: 'b' };

  it('names the failing operation and keeps the scimType of the cause', () => {
    const error = thrown(() =>
      applyPatch(
        user,
        [
          { op: 'add', path: 'nickName', value: 'B' },
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'x' },
        ],
        { registry, resourceType: 'User' },
      ),
    ) as ScimError;
    expect(error.toDocument()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: ScimType.NoTarget,
      detail:
        'Operation 2 (replace "emails[type eq \\"work\\"].value"): no value of emails matches the filter',
    });
  });

  it('returns a new document that does not share objects with the input', () => {
    const input = { ...user, name: { givenName: 'B' } };
    const { resource } = applyPatch(input, [{ op: 'add', path: 'nickName', value: 'x' }], {
      registry,
      resourceType: 'User',
    });
    expect(resource).not.toBe(input);
    expect(resource.name).not.toBe(input.name);
  });

  it('accepts an empty list of operations as no change', () => {
    expect(applyPatch(user, [], { registry, resourceType: 'User' })).toEqual({
      resource: user,
      changed: [],
      deltas: {},
    });
  });
});

// ----- property tests -----

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const sampleUser: Record<string, unknown> = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'bjensen@example.com',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  roles: [{ value: 'Reader', primary: true }],
  [ENTERPRISE]: { department: 'Tours', manager: { value: 'm1', displayName: 'John' } },
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z' },
};

const sampleGroup: Record<string, unknown> = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'g1',
  displayName: 'Tour Guides',
};

const userPaths = [
  'userName',
  'displayName',
  'nickName',
  'active',
  'id',
  'meta',
  'meta.created',
  'groups',
  'password',
  'name',
  'name.givenName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[primary eq true].primary',
  'emails[value co "@"]',
  'roles[primary eq true].value',
  'phoneNumbers[type eq "mobile"].value',
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:manager[value eq "m1"]`,
  ENTERPRISE,
  'urn:ietf:params:scim:schemas:core:2.0:User:title',
];
const groupPaths = [
  'displayName',
  'externalId',
  'members',
  'members[value eq "a"]',
  'members[value eq "a" or value eq "b"]',
  'members[type eq "User"]',
  'members.value',
  'members[value eq "a"].display',
];
const garbagePaths = [
  '',
  ' ',
  '[',
  ']',
  'emails[',
  'emails[type eq "work"',
  'emails[type eq]',
  'emails[[x]]',
  'name..givenName',
  'urn:',
  'urn:x:y',
  'emails[type eq "work"]]',
  'emails[type eq "work"].',
  '__proto__',
  'constructor',
  'toString',
];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const memberValue = fc.record(
  {
    value: fc.oneof(fc.string(), fc.constantFrom('a', 'b')),
    type: fc.constantFrom('User', 'Group'),
  },
  { requiredKeys: [] },
);

function operationArbitrary(paths: readonly string[]): fc.Arbitrary<unknown> {
  const path = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...paths) },
    { weight: 2, arbitrary: fc.constantFrom(...garbagePaths) },
    { weight: 1, arbitrary: fc.string() },
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: jsonValue },
    { weight: 2, arbitrary: fc.oneof(fc.string(), fc.boolean(), fc.constant(null)) },
    { weight: 2, arbitrary: fc.array(memberValue, { maxLength: 3 }) },
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...paths, ...garbagePaths), jsonValue) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record(
        { op: fc.constantFrom('add', 'replace'), path, value },
        { requiredKeys: ['op', 'value'] },
      ),
    },
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constant('remove'), path }, { requiredKeys: ['op'] }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constantFrom('Add', 'delete', '', 7), path, value }),
    },
    { weight: 1, arbitrary: jsonValue },
  );
}

const withoutSchemas = ({ schemas: _schemas, ...rest }: Record<string, unknown>) => rest;

/** JSON text with object keys sorted, so that equal documents give equal text. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

function checkPatch(
  document: Record<string, unknown>,
  resourceType: ResourceTypeName,
  paths: string[],
) {
  const registry = SchemaRegistry.builtIn();
  return fc.property(fc.array(operationArbitrary(paths), { maxLength: 5 }), (operations) => {
    const input = structuredClone(document);
    try {
      const result = applyPatch(input, operations as PatchOperation[], {
        registry,
        resourceType,
        deltaAttributes: resourceType === 'Group' ? ['members'] : [],
      });
      // A successful patch returns a JSON document that still has the required attributes.
      expect(JSON.parse(JSON.stringify(result.resource))).toStrictEqual(result.resource);
      expect(result.resource.id).toBe(document.id);
      // `changed` is empty exactly when the document (schemas aside) and the delta list are.
      const same = stable(withoutSchemas(result.resource)) === stable(withoutSchemas(document));
      expect(result.changed.length === 0).toBe(same && Object.keys(result.deltas).length === 0);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      expect(error.status).toBe(400);
      expect(error.scimType).toBeDefined();
    }
    expect(input).toStrictEqual(document);
  });
}

describe('applyPatch properties (fast-check)', () => {
  it('random operations on a user never throw anything but a ScimError, and never mutate the input', () => {
    fc.assert(checkPatch(sampleUser, 'User', userPaths), { numRuns: 2000 });
  });

  it('random operations on a group never throw anything but a ScimError, and never mutate the input', () => {
    fc.assert(checkPatch(sampleGroup, 'Group', groupPaths), { numRuns: 1000 });
  });

  it('a patch that succeeds leaves at most one primary value per attribute', () => {
    const registry = SchemaRegistry.builtIn();
    const primaryOps = fc.array(
      fc.record({
        op: fc.constantFrom('add' as const, 'replace' as const),
        path: fc.constantFrom(
          'emails',
          'emails[type eq "home"].primary',
          'emails[type eq "work"]',
          'roles',
          'roles[value eq "Reader"].primary',
        ),
        value: fc.oneof(
          fc.boolean(),
          fc.array(
            fc.record({ value: fc.constantFrom('a', 'b', 'Reader'), primary: fc.boolean() }),
            { maxLength: 3 },
          ),
          fc.record({ primary: fc.boolean() }),
        ),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(primaryOps, (operations) => {
        let resource: Record<string, unknown>;
        try {
          resource = applyPatch(sampleUser, operations, {
            registry,
            resourceType: 'User',
          }).resource;
        } catch (error) {
          if (error instanceof ScimError) return;
          throw error;
        }
        for (const key of ['emails', 'roles']) {
          const values = (resource[key] ?? []) as { primary?: unknown }[];
          expect(values.filter((value) => value.primary === true).length).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
