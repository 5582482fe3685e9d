import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USER_FILTER_COLUMNS, USER_LIST_ORDER, USER_QUERIES } from './users.repository.js';

/** SQL with its whitespace collapsed: layout changes are not query changes. */
const normalized = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

const fixture = <T>(path: string): T =>
  JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/scim', path), 'utf8')) as T;

describe('UsersRepository hot-path SQL (pinned: a change here is a reviewed query change)', () => {
  const pinned = fixture<Record<string, string>>('users/hot-queries.json');

  it.each([
    ['findById', USER_QUERIES.findById],
    ['lookupUserName', USER_QUERIES.lookups.userName.text],
    ['lookupExternalId', USER_QUERIES.lookups.externalId.text],
    ['insertUnlessLinkable', USER_QUERIES.insertUnlessLinkable],
    ['lock', USER_QUERIES.lock],
    ['update', USER_QUERIES.update],
    ['readForWrite', USER_QUERIES.readForWrite],
    ['insertIfPlain', USER_QUERIES.insertIfPlain],
    ['updateIfVersion', USER_QUERIES.updateIfVersion],
    ['listOrder', USER_LIST_ORDER],
  ])('%s', (name, sql) => {
    expect(normalized(sql)).toBe(pinned[name]);
  });

  it('reads and writes one user by id without naming deleted_at, so only the primary key fits', () => {
    for (const sql of [
      USER_QUERIES.findById,
      USER_QUERIES.lock,
      USER_QUERIES.update,
      USER_QUERIES.readForWrite,
      USER_QUERIES.updateIfVersion,
    ]) {
      expect(sql).not.toMatch(/WHERE[^()]*deleted_at IS NULL/);
    }
  });

  it('maps the same columns as the filter catalogue that is checked against PostgreSQL', () => {
    const targets = fixture<{ targets: { User: { columns: unknown } } }>(
      'filters/sql-targets.json',
    );
    expect(USER_FILTER_COLUMNS).toEqual(targets.targets.User.columns);
  });
});
