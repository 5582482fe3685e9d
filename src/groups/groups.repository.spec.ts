import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFilter, parseFilter, type SqlFilterTarget } from '../scim/filter/index.js';
import { SchemaRegistry } from '../scim/schema/registry.js';
import { USER_FILTER_RELATIONS } from '../users/users.repository.js';
import { MEMBERSHIP_QUERIES } from './group-memberships.repository.js';
import {
  GROUP_FILTER_COLUMNS,
  GROUP_FILTER_RELATIONS,
  GROUP_LIST_ORDER,
  GROUP_QUERIES,
  MEMBER_ROW_RELATIONS,
} from './groups.repository.js';

/** SQL with its whitespace collapsed: layout changes are not query changes. */
const normalized = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

const fixture = <T>(path: string): T =>
  JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/scim', path), 'utf8')) as T;

describe('group SQL (pinned: a change here is a reviewed query change)', () => {
  const pinned = fixture<Record<string, string>>('groups/queries.json');

  it.each([
    ...Object.entries(GROUP_QUERIES),
    ...Object.entries(MEMBERSHIP_QUERIES),
    ['listOrder', GROUP_LIST_ORDER],
  ])('%s', (name, sql) => {
    expect(normalized(sql)).toBe(pinned[name]);
  });

  it('pins every query it has', () => {
    const names = [
      ...Object.keys(GROUP_QUERIES),
      ...Object.keys(MEMBERSHIP_QUERIES),
      'listOrder',
    ].sort();
    expect(Object.keys(pinned).sort()).toEqual(names);
  });

  it('changes members with set statements (unnest / = ANY), never one statement per member', () => {
    expect(GROUP_QUERIES.addMembers).toMatch(
      /SELECT .* FROM unnest\(\$3::uuid\[\], \$4::text\[\]\)/,
    );
    expect(GROUP_QUERIES.addMembers).toMatch(/ON CONFLICT DO NOTHING/);
    expect(GROUP_QUERIES.removeMembers).toMatch(/member_id = ANY \(\$3::uuid\[\]\)/);
    expect(GROUP_QUERIES.replaceMembers).toMatch(/member_id <> ALL \(\$3::uuid\[\]\)/);
    expect(GROUP_QUERIES.findMembers).toMatch(/FOR KEY SHARE/);
  });

  it('scopes every statement by tenant ($1), in its WHERE or as the inserted tenant_id', () => {
    for (const sql of [...Object.values(GROUP_QUERIES), ...Object.values(MEMBERSHIP_QUERIES)]) {
      expect(sql).toMatch(/tenant_id = \$1|\(tenant_id, [^)]*\)\s+(VALUES \(|SELECT )\$1/);
    }
  });

  it('maps the same columns and relations as the filter catalogue that is checked against PostgreSQL', () => {
    const { targets } = fixture<{
      targets: Record<'User' | 'Group', Omit<SqlFilterTarget, 'registry' | 'resourceType'>>;
    }>('filters/sql-targets.json');
    expect(GROUP_FILTER_COLUMNS).toEqual(targets.Group.columns);
    expect(GROUP_FILTER_RELATIONS).toEqual(targets.Group.relations);
    expect(USER_FILTER_RELATIONS).toEqual(targets.User.relations);
  });

  it('compiles `remove members[<filter>]` to a condition on the row being deleted', () => {
    const target: SqlFilterTarget = {
      registry: SchemaRegistry.builtIn(),
      resourceType: 'Group',
      document: 'g.resource',
      columns: {},
      relations: MEMBER_ROW_RELATIONS,
    };
    const { sql, params } = compileFilter(
      parseFilter('members[type eq "Group" and value eq "a85139c7-646c-4a4b-8df0-bfba2c631023"]'),
      target,
      3,
    );
    expect(sql).toBe(
      'EXISTS (SELECT 1 FROM group_members m2 WHERE m2.tenant_id = m.tenant_id AND ' +
        'm2.group_id = m.group_id AND m2.member_id = m.member_id AND ' +
        'lower(m2.member_type) = lower($3) AND m2.member_id = $4::uuid)',
    );
    expect(params).toEqual(['Group', 'a85139c7-646c-4a4b-8df0-bfba2c631023']);
  });
});
