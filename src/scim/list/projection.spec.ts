import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ScimError, ScimType } from '../errors/scim-error.js';
import { SchemaRegistry } from '../schema/registry.js';
import type { ExtensionDefinition, ResourceTypeName } from '../schema/types.js';
import {
  parseAttributeList,
  projectResource,
  ResourceProjection,
  wantsAttribute,
  type Projection,
} from './projection.js';

type Json = Record<string, unknown>;

interface ProjectionCase {
  readonly name: string;
  readonly document: string;
  readonly registry?: string;
  readonly resourceType: ResourceTypeName;
  readonly attributes?: string[];
  readonly excludedAttributes?: string[];
  readonly expected: Json;
}

interface WantsCase {
  readonly name: string;
  readonly resourceType: ResourceTypeName;
  readonly attributes?: string[];
  readonly excludedAttributes?: string[];
  readonly path: string;
  readonly wants: boolean;
}

function fixture<T>(name: string): T {
  const file = join(process.cwd(), 'test/fixtures/scim/projection', name);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const documents = fixture<Record<string, Json>>('documents.json');
const extensions = fixture<Record<string, ExtensionDefinition[]>>('extensions.json');
const cases = fixture<ProjectionCase[]>('cases.json');
const wantsCases = fixture<WantsCase[]>('wants.json');

const registries: Record<string, SchemaRegistry> = {
  builtIn: SchemaRegistry.builtIn(),
  ...Object.fromEntries(
    Object.entries(extensions).map(([name, defs]) => [
      name,
      SchemaRegistry.builtIn().withExtensions(defs),
    ]),
  ),
};

const projectionOf = (c: { attributes?: string[]; excludedAttributes?: string[] }): Projection => ({
  ...(c.attributes ? { attributes: c.attributes } : {}),
  ...(c.excludedAttributes ? { excludedAttributes: c.excludedAttributes } : {}),
});

describe('projectResource', () => {
  it('has at least 40 fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const document = documents[c.document];
    const registry = registries[c.registry ?? 'builtIn'];
    if (!document || !registry) throw new Error(`unknown fixture reference in "${c.name}"`);
    const before = structuredClone(document);
    const projected = projectResource(document, projectionOf(c), registry, c.resourceType);
    // Exact keys and values, in the document's order.
    expect(projected).toEqual(c.expected);
    expect(JSON.stringify(projected)).toBe(JSON.stringify(c.expected));
    expect(document).toEqual(before);
  });

  it('one compiled projection applies to every item of a page', () => {
    const projection = new ResourceProjection(
      { attributes: ['userName'] },
      SchemaRegistry.builtIn(),
      'User',
    );
    const page = [
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'a', userName: 'a@x' },
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'b', active: false },
    ];
    expect(page.map((item) => projection.apply(item))).toEqual([
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'a', userName: 'a@x' },
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'b' },
    ]);
  });

  it('reports whether it is the default projection', () => {
    const registry = SchemaRegistry.builtIn();
    expect(new ResourceProjection({}, registry, 'User').isDefault).toBe(true);
    expect(
      new ResourceProjection({ excludedAttributes: ['emails'] }, registry, 'User').isDefault,
    ).toBe(false);
  });

  it('never returns password and always returns id, for any list of names', () => {
    const registry = SchemaRegistry.builtIn();
    const user = documents.user!;
    const names = fc.constantFrom(
      'id',
      'ID',
      'password',
      'userName',
      'name.givenName',
      'emails.value',
      'emails[type eq "work"]',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'meta',
      'nosuch',
      'schemas',
    );
    fc.assert(
      fc.property(fc.array(names), fc.array(names), (attributes, excludedAttributes) => {
        const projected = projectResource(
          user,
          { attributes, excludedAttributes },
          registry,
          'User',
        );
        expect(projected).not.toHaveProperty('password');
        expect(projected.id).toBe(user.id);
        expect(projected.schemas).toEqual(user.schemas);
      }),
    );
  });
});

describe('wantsAttribute', () => {
  it.each(wantsCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(wantsAttribute(projectionOf(c), c.path, SchemaRegistry.builtIn(), c.resourceType)).toBe(
      c.wants,
    );
  });
});

describe('parseAttributeList', () => {
  it.each([
    ['absent', undefined, []],
    ['null', null, []],
    ['empty string', '', []],
    ['one name', 'userName', ['userName']],
    [
      'comma-separated, trimmed',
      ' userName , emails ,name.givenName',
      ['userName', 'emails', 'name.givenName'],
    ],
    ['empty items dropped', 'userName,,emails,', ['userName', 'emails']],
    [
      'duplicates dropped without regard to case',
      'userName,USERNAME,emails',
      ['userName', 'emails'],
    ],
    [
      'URN-qualified names keep their colons and dots',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value'],
    ],
    [
      'commas inside brackets and quotes do not split',
      'emails[type eq "a,b" or value co ","],userName',
      ['emails[type eq "a,b" or value co ","]', 'userName'],
    ],
    [
      'escaped quotes inside a value',
      'emails[value eq "x\\",y"],id',
      ['emails[value eq "x\\",y"]', 'id'],
    ],
    ['an array (search body) of names', ['userName', 'emails'], ['userName', 'emails']],
    [
      'an array whose items are comma-separated (a query parameter given twice)',
      ['userName,emails', 'id'],
      ['userName', 'emails', 'id'],
    ],
  ] as const)('%s', (_name, value, expected) => {
    expect(parseAttributeList(value)).toEqual(expected);
  });

  it.each([
    ['a number', 5],
    ['an object', { userName: true }],
    ['an array with a number', ['userName', 1]],
    ['a boolean', true],
  ])('rejects %s with 400 invalidValue naming the parameter', (_name, value) => {
    let caught: unknown;
    try {
      parseAttributeList(value, 'excludedAttributes');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScimError);
    expect((caught as ScimError).toDocument()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: ScimType.InvalidValue,
      detail: expect.stringMatching(/^excludedAttributes must be/),
    });
  });

  it('never throws anything but a ScimError, and never yields empty or untrimmed names', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(fc.string()), fc.anything()), (value) => {
        try {
          for (const name of parseAttributeList(value)) {
            expect(name).toBe(name.trim());
            expect(name).not.toBe('');
          }
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
        }
      }),
    );
  });
});
