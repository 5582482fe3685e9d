import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { SchemaRegistry } from '../scim/schema/registry.js';
import type { ExtensionDefinition } from '../scim/schema/types.js';
import {
  attributePaths,
  changedPaths,
  keepImmutable,
} from '../scim/resource/document-attributes.js';
import { linkedDocument, primaryEmailOf, splitPassword, userColumns } from './user-document.js';
import type { UserColumns } from './users.repository.js';

type Json = Record<string, unknown>;

interface Fixture {
  extensions: ExtensionDefinition[];
  columns: Array<{ name: string; document: Json; columns?: UserColumns; error?: string }>;
  primaryEmail: Array<{ name: string; document: Json; email: string | null }>;
  link: Array<{ name: string; existing: Json; sent: Json; linked: Json; changed: string[] }>;
  immutable: Array<{ name: string; before: Json; after: Json; result?: Json; error?: string }>;
  paths: Array<{ name: string; document: Json; paths: string[] }>;
}

const FIXTURE = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/scim/users/user-document.json'), 'utf8'),
) as Fixture;
const registry = SchemaRegistry.builtIn().withExtensions(FIXTURE.extensions);

function scimErrorOf(work: () => unknown): ScimError {
  try {
    work();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('user documents', () => {
  it.each(FIXTURE.columns)('columns: $name', ({ document, columns, error }) => {
    if (error === undefined) {
      expect(userColumns(document)).toEqual(columns);
      return;
    }
    const thrown = scimErrorOf(() => userColumns(document));
    expect(thrown).toMatchObject({ status: 400, scimType: ScimType.InvalidValue, message: error });
  });

  it.each(FIXTURE.primaryEmail)('primary email: $name', ({ document, email }) => {
    expect(primaryEmailOf(document)).toBe(email);
  });

  it.each(FIXTURE.link)('linking: $name', ({ existing, sent, linked, changed }) => {
    const result = linkedDocument(existing, sent, registry);
    expect(result).toEqual(linked);
    expect(changedPaths(existing, result, registry, 'User').sort()).toEqual([...changed].sort());
  });

  it.each(FIXTURE.immutable)(
    'replace of an immutable attribute: $name',
    ({ before, after, result, error }) => {
      if (error === undefined) {
        expect(keepImmutable(before, after, registry, 'User')).toEqual(result);
        return;
      }
      const thrown = scimErrorOf(() => keepImmutable(before, after, registry, 'User'));
      expect(thrown).toMatchObject({ status: 400, scimType: ScimType.Mutability });
      expect(thrown.message).toContain(error);
    },
  );

  it.each(FIXTURE.paths)('attribute paths: $name', ({ document, paths }) => {
    expect(attributePaths(document, registry, 'User')).toEqual(paths);
  });

  it('takes the password out of the document and refuses an empty one', () => {
    expect(splitPassword({ userName: 'a', password: 'p' })).toEqual({
      document: { userName: 'a' },
      password: 'p',
    });
    expect(splitPassword({ userName: 'a' })).toEqual({ document: { userName: 'a' } });
    expect(scimErrorOf(() => splitPassword({ userName: 'a', password: '' }))).toMatchObject({
      status: 400,
      scimType: ScimType.InvalidValue,
    });
  });
});
