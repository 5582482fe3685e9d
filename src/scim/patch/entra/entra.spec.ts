import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ScimError, ScimType } from '../../errors/scim-error.js';
import { parseFilter } from '../../filter/parser.js';
import { SchemaRegistry } from '../../schema/registry.js';
import type { ExtensionDefinition, ResourceTypeName } from '../../schema/types.js';
import { applyPatch, type PatchContext } from '../engine.js';
import type { DeltaChange, PatchOperation } from '../types.js';
import { normalizePatchRequest, PATCH_OP_SCHEMA, type NormalizeContext } from './index.js';

type Json = Record<string, unknown>;

interface ExpectedResult {
  readonly resource: Json;
  readonly deltas?: Record<string, DeltaChange[]>;
}

interface ExpectedError {
  readonly error: { readonly status: number; readonly scimType: ScimType };
}

/** One case of test/fixtures/scim/entra/<quirk>.json. */
interface FixtureCase {
  readonly name: string;
  /** Which of Entra's wire formats the body is written in (entra.md §2.6). */
  readonly dialect: 'default' | 'aadOptscim062020' | 'both';
  readonly resourceType: ResourceTypeName;
  /** Tenant extensions to register (custom extension URNs, entra.md §2.3 "Paths seen"). */
  readonly extensions?: ExtensionDefinition[];
  readonly resource: Json;
  readonly body: unknown;
  /** What `normalizePatchRequest` returns; absent when it throws `expected.error`. */
  readonly expectedOperations?: PatchOperation[];
  /** What `applyPatch` makes of `expectedOperations` (or the normaliser's error). */
  readonly expected?: ExpectedResult | ExpectedError;
}

const FIXTURES = join(process.cwd(), 'test/fixtures/scim/entra');

/** One fixture file per quirk, plus the envelope and Microsoft's Postman collection. */
const FILES = [
  'envelope',
  'empty-operations',
  'op-case',
  'no-path-keys',
  'boolean-strings',
  'role-primary',
  'app-role-json-strings',
  'member-bare-ids',
  'member-remove-value-list',
  'manager-reference',
  'empty-value-clears',
  'filtered-missing-element',
  'postman-collection',
] as const;

function fixture(name: string): FixtureCase[] {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as FixtureCase[];
}

const builtIn = SchemaRegistry.builtIn();

function contextOf(testCase: FixtureCase): NormalizeContext {
  const registry = testCase.extensions ? builtIn.withExtensions(testCase.extensions) : builtIn;
  return { registry, resourceType: testCase.resourceType, resource: testCase.resource };
}

function engineContext(context: NormalizeContext): PatchContext {
  return {
    registry: context.registry,
    resourceType: context.resourceType,
    ...(context.resourceType === 'Group' ? { deltaAttributes: ['members'] } : {}),
  };
}

/** The error `run` throws, or fails the test when it returns. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function expectScimError(error: unknown, expected: ExpectedError['error']): void {
  expect(error).toBeInstanceOf(ScimError);
  const scimError = error as ScimError;
  expect({ status: scimError.status, scimType: scimError.scimType }).toEqual(expected);
  expect(scimError.message.length).toBeGreaterThan(0);
}

describe.each(FILES)('Entra quirk fixtures: test/fixtures/scim/entra/%s.json', (file) => {
  const cases = fixture(file);

  it.each(cases)('$name', (testCase) => {
    const context = contextOf(testCase);
    const { expectedOperations, expected } = testCase;
    if (expectedOperations === undefined) {
      if (!expected || !('error' in expected)) throw new Error('case needs expectedOperations');
      expectScimError(
        thrown(() => normalizePatchRequest(testCase.body, context)),
        expected.error,
      );
      return;
    }
    const operations = normalizePatchRequest(testCase.body, context);
    expect(operations).toEqual(expectedOperations);
    if (!expected) return;
    const apply = () => applyPatch(testCase.resource, operations, engineContext(context));
    if ('error' in expected) {
      expectScimError(thrown(apply), expected.error);
      return;
    }
    const result = apply();
    expect(result.resource).toEqual(expected.resource);
    expect(result.deltas).toEqual(expected.deltas ?? {});
  });
});

describe('Entra quirk fixtures as a whole', () => {
  it('has one fixture file per quirk and no other', () => {
    const present = readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .sort();
    expect(present).toEqual([...FILES].sort());
  });

  it('covers both wire formats and checks the end result of most cases', () => {
    const all = FILES.flatMap(fixture);
    const dialects = new Set(all.map((testCase) => testCase.dialect));
    expect([...dialects].sort()).toEqual(['aadOptscim062020', 'both', 'default']);
    expect(new Set(all.map((testCase) => testCase.name)).size).toBe(all.length);
    expect(all.filter((testCase) => testCase.expected).length).toBeGreaterThan(all.length * 0.9);
  });
});

/**
 * Every PATCH body of Microsoft's Postman collection (entra.md §8.1) must be in
 * postman-collection.json. The collection is the unmodified copy in test/conformance/.
 */
const COLLECTION = join(process.cwd(), 'test/conformance/PostmanCollection.json');

describe('Microsoft Postman collection', () => {
  it('has every PATCH body of the collection in postman-collection.json', () => {
    interface Item {
      readonly item?: Item[];
      readonly request?: { readonly method?: string; readonly body?: { readonly raw?: string } };
    }
    const collection = JSON.parse(readFileSync(COLLECTION, 'utf8')) as Item;
    // The collection's variables, as postman-collection.json spells them out.
    const variables: Record<string, string> = {
      id4: '7d3bd5ef-a7ac-4a1d-8e1f-d84b0e3a5c11',
      '1stgroupid': 'e9e30dba-f08f-4109-8486-d5c6a331660a',
    };
    const bodies: unknown[] = [];
    const walk = (item: Item): void => {
      item.item?.forEach(walk);
      const raw = item.request?.method === 'PATCH' ? item.request.body?.raw : undefined;
      if (raw === undefined) return;
      bodies.push(
        JSON.parse(raw.replace(/\{\{(\w+)\}\}/g, (_, name: string) => variables[name] ?? name)),
      );
    };
    walk(collection);
    expect(bodies.length).toBe(9);
    const fixtureBodies = fixture('postman-collection').map((testCase) => testCase.body);
    for (const body of bodies) expect(fixtureBodies).toContainEqual(body);
  });
});

// ----- properties -----

const USER: Json = {
  schemas: [
    'urn:ietf:params:scim:schemas:core:2.0:User',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  ],
  id: '2819c223-7f76-453a-919d-413861904646',
  userName: 'alice@contoso.com',
  active: true,
  name: { givenName: 'Alice', familyName: 'Ng' },
  emails: [
    { type: 'work', value: 'alice@contoso.com', primary: true },
    { type: 'home', value: 'alice@example.org' },
  ],
  roles: [{ primary: true, value: 'User' }],
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
    department: 'R&D',
    manager: { value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' },
  },
};

const GROUP: Json = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Sales EMEA',
};

const PATHS = [
  'userName',
  'displayName',
  'active',
  'title',
  'name',
  'name.givenName',
  'Name.FamilyName',
  'emails',
  'emails[type eq "work"].value',
  'emails[type eq "other"].value',
  'emails[primary eq "True"]',
  'emails[type co "wo"].value',
  'addresses[type eq "work"].postalCode',
  'phoneNumbers[type eq "mobile" and primary eq "False"].value',
  'roles',
  'roles[primary eq "True"].value',
  'roles[primary eq "True"].display',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'manager[value eq "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"]',
  'members',
  'Members',
  'members[value eq "a"]',
  'members[display eq "x"]',
  'id',
  'meta.created',
  'schemas',
  'nope',
  'emails[',
  'emails[type eq "work"].value.x',
  'urn:ietf:params:scim:schemas:core:2.0:User',
];

const OPS = ['add', 'Add', 'replace', 'Replace', 'REMOVE', 'remove', 'Remove'];

const values: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '',
    null,
    'True',
    'false',
    'x',
    '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2',
    [],
    [''],
    [{ value: 'a' }, { value: 'b', $ref: null }],
    ['a', 'b'],
    [{ value: '{"id":"1","value":"Admin","displayName":"Admin"}' }],
    { value: '' },
    { value: 'x', primary: 'True', type: 'work' },
    { givenName: '', familyName: 'Ng' },
    { displayName: 'x', 'name.givenName': '', active: 'False' },
    {
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
        manager: 'm',
        department: '',
      },
    },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

const operation: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record(
      {
        op: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...OPS) },
          { weight: 1, arbitrary: fc.oneof(fc.constantFrom('move', 'copy', 'test'), fc.string()) },
        ),
        path: fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...PATHS) },
          { weight: 1, arbitrary: fc.string() },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
        value: values,
      },
      { requiredKeys: ['op'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Mostly well-formed PatchOp messages, so that the quirks (not only the envelope) get exercised. */
const body: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      schemas: fc.constant([PATCH_OP_SCHEMA]),
      Operations: fc.array(operation, { maxLength: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      schemas: fc.jsonValue({ maxDepth: 1 }),
      Operations: fc.array(operation, { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

const resource = fc.constantFrom<[ResourceTypeName, Json]>(
  ['User', USER],
  ['Group', GROUP],
  ['User', { schemas: USER.schemas, id: USER.id, userName: USER.userName }],
);

function normalizeOrError(input: unknown, context: NormalizeContext): PatchOperation[] | ScimError {
  try {
    return normalizePatchRequest(input, context);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
}

describe('normalizePatchRequest properties', () => {
  it('returns standard operations or throws a ScimError, for any body', () => {
    fc.assert(
      fc.property(body, resource, (input, [resourceType, document]) => {
        const context = { registry: builtIn, resourceType, resource: document };
        const result = normalizeOrError(input, context);
        if (result instanceof ScimError) {
          expect(result.status).toBe(400);
          return;
        }
        for (const { op, path } of result) {
          expect(['add', 'replace', 'remove']).toContain(op);
          expect(path === undefined || typeof path === 'string').toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('hands the engine only operations it answers with a result or a ScimError', () => {
    fc.assert(
      fc.property(body, resource, (input, [resourceType, document]) => {
        const context = { registry: builtIn, resourceType, resource: document };
        const operations = normalizeOrError(input, context);
        if (operations instanceof ScimError) return;
        try {
          applyPatch(document, operations, engineContext(context));
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: normalised operations normalise to themselves', () => {
    fc.assert(
      fc.property(body, resource, (input, [resourceType, document]) => {
        const context = { registry: builtIn, resourceType, resource: document };
        const operations = normalizeOrError(input, context);
        if (operations instanceof ScimError) return;
        const again = normalizePatchRequest(
          { schemas: [PATCH_OP_SCHEMA], Operations: operations },
          context,
        );
        expect(again).toEqual(operations);
      }),
      { numRuns: 2000 },
    );
  });

  it('never mutates the request body or the current document', () => {
    fc.assert(
      fc.property(body, resource, (input, [resourceType, document]) => {
        const bodyBefore = structuredClone(input);
        const documentBefore = structuredClone(document);
        normalizeOrError(input, { registry: builtIn, resourceType, resource: document });
        expect(input).toEqual(bodyBefore);
        expect(document).toEqual(documentBefore);
      }),
      { numRuns: 500 },
    );
  });
});

describe('member removal with a long value list', () => {
  const context: NormalizeContext = { registry: builtIn, resourceType: 'Group', resource: GROUP };
  const remove = (ids: readonly string[]): PatchOperation[] =>
    normalizePatchRequest(
      {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) }],
      },
      context,
    );
  const removed = (operations: PatchOperation[]): string[] =>
    (applyPatch(GROUP, operations, engineContext(context)).deltas.members ?? []).flatMap(
      (change) => (change.kind === 'remove' ? change.values : []),
    );

  it('puts at most 100 ids in one filter', () => {
    const ids = Array.from({ length: 250 }, (_, i) => `m${i}`);
    const operations = remove(ids);
    expect(operations.length).toBe(3);
    expect(removed(operations)).toEqual(ids);
  });

  it('splits long ids over filters within the parser limits, in order, each id once', () => {
    const ids = Array.from(
      { length: 250 },
      (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
    );
    const operations = remove([...ids, ...ids]);
    expect(operations.length).toBeGreaterThan(3);
    for (const { op, path } of operations) {
      expect(op).toBe('remove');
      const filter = /^members\[(.*)\]$/.exec(path ?? '')?.[1] ?? '';
      expect(() => parseFilter(filter)).not.toThrow();
    }
    expect(removed(operations)).toEqual(ids);
  });

  it('rejects an id too long for any filter as invalidValue', () => {
    const error = thrown(() => remove(['x'.repeat(5000)]));
    expectScimError(error, { status: 400, scimType: ScimType.InvalidValue });
  });
});
