import { ScimError } from '../scim/errors/scim-error.js';
import { SchemaRegistry } from '../scim/schema/registry.js';
import { attribute } from '../scim/schema/types.js';
import {
  attributePaths,
  changedPaths,
  keepImmutable,
} from '../scim/resource/document-attributes.js';
import { groupColumns, splitMembers } from './group-document.js';
import { storableGroupDocument, toScimGroup, toScimUserGroup } from './group-mapper.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const EXT = 'urn:ietf:params:scim:schemas:extension:acme:2.0:Group';

const registry = SchemaRegistry.builtIn().withExtensions([
  {
    id: EXT,
    name: 'AcmeGroup',
    description: 'Test extension',
    attributes: [
      attribute('costCode', 'string', 'Cost code', { mutability: 'immutable' }),
      attribute('owner', 'string', 'Owner'),
    ],
  },
]);

const scimError = (fn: () => unknown): ScimError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

describe('group documents', () => {
  it('copies displayName and externalId into columns; displayName must be a non-blank string', () => {
    const document = { schemas: [CORE], displayName: 'Sales', externalId: 'abc' };
    expect(groupColumns(document)).toEqual({
      displayName: 'Sales',
      externalId: 'abc',
      resource: document,
    });
    expect(groupColumns({ displayName: 'x' }).externalId).toBeNull();
    for (const bad of [{}, { displayName: '' }, { displayName: '  ' }]) {
      expect(scimError(() => groupColumns(bad))).toMatchObject({
        status: 400,
        scimType: 'invalidValue',
      });
    }
  });

  it('splits members off the document: their ids, deduplicated, in the order sent', () => {
    expect(
      splitMembers({
        displayName: 'G',
        members: [{ value: 'b' }, { value: 'a', type: 'User' }, { value: 'b' }],
      }),
    ).toEqual({ document: { displayName: 'G' }, memberIds: ['b', 'a'] });
    expect(splitMembers({ displayName: 'G' })).toEqual({
      document: { displayName: 'G' },
      memberIds: [],
    });
    expect(scimError(() => splitMembers({ members: [{ type: 'User' }] }))).toMatchObject({
      status: 400,
      scimType: 'invalidValue',
      message: expect.stringContaining('members[0].value'),
    });
    expect(scimError(() => splitMembers({ members: [{ value: '' }] })).status).toBe(400);
  });

  it('names attribute paths and the changed ones, extension attributes with their URN', () => {
    const before = { schemas: [CORE, EXT], displayName: 'A', [EXT]: { owner: 'x' } };
    const after = {
      schemas: [CORE, EXT],
      displayName: 'A',
      externalId: 'e',
      [EXT]: { owner: 'y' },
    };
    expect(attributePaths(after, registry, 'Group')).toEqual([
      'displayName',
      'externalId',
      `${EXT}:owner`,
    ]);
    expect(changedPaths(before, after, registry, 'Group')).toEqual([`${EXT}:owner`, 'externalId']);
    expect(changedPaths(before, before, registry, 'Group')).toEqual([]);
  });

  it('keeps immutable extension attributes on replace, and refuses to change them', () => {
    const before = { schemas: [CORE, EXT], displayName: 'A', [EXT]: { costCode: 'C1' } };
    expect(keepImmutable(before, { schemas: [CORE], displayName: 'B' }, registry, 'Group')).toEqual(
      {
        schemas: [CORE, EXT],
        displayName: 'B',
        [EXT]: { costCode: 'C1' },
      },
    );
    expect(
      scimError(() =>
        keepImmutable(
          before,
          { schemas: [CORE, EXT], displayName: 'B', [EXT]: { costCode: 'C2' } },
          registry,
          'Group',
        ),
      ),
    ).toMatchObject({ status: 400, scimType: 'mutability' });
  });
});

describe('group mapping', () => {
  const record = {
    id: '0c6e1c38-7d4b-4a8e-9d57-7d3a1f1e2b3c',
    resource: { schemas: [CORE], displayName: 'Sales', externalId: 'x' },
    version: 3,
    createdAt: new Date('2026-01-02T03:04:05.000Z'),
    updatedAt: new Date('2026-01-03T03:04:05.000Z'),
  };
  const base = 'https://host/scim/v2';

  it('builds the SCIM group with members (value, $ref, display, type) before meta', () => {
    const group = toScimGroup(record, base, [
      { id: 'u1', type: 'User', display: 'Alice' },
      { id: 'g1', type: 'Group', display: null },
    ]);
    expect(group).toEqual({
      schemas: [CORE],
      id: record.id,
      displayName: 'Sales',
      externalId: 'x',
      members: [
        { value: 'u1', $ref: `${base}/Users/u1`, display: 'Alice', type: 'User' },
        { value: 'g1', $ref: `${base}/Groups/g1`, type: 'Group' },
      ],
      meta: {
        resourceType: 'Group',
        created: '2026-01-02T03:04:05.000Z',
        lastModified: '2026-01-03T03:04:05.000Z',
        location: `${base}/Groups/${record.id}`,
        version: 'W/"3"',
      },
    });
    expect(Object.keys(group)).toEqual([
      'schemas',
      'id',
      'displayName',
      'externalId',
      'members',
      'meta',
    ]);
  });

  it('leaves members out when they were not read, and storing drops id, meta and members', () => {
    const group = toScimGroup(record, base);
    expect(group).not.toHaveProperty('members');
    expect(storableGroupDocument({ ...group, members: [] })).toEqual(record.resource);
  });

  it("builds a user's groups entry as a direct membership", () => {
    expect(toScimUserGroup({ id: 'g1', displayName: 'Sales' }, base)).toEqual({
      value: 'g1',
      $ref: `${base}/Groups/g1`,
      display: 'Sales',
      type: 'direct',
    });
  });
});
