import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNC_QUERIES } from './sync-state.repository.js';

/** SQL with its whitespace collapsed: layout changes are not query changes. */
const normalized = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

describe('sync state SQL (pinned: a change here is a reviewed query change)', () => {
  const pinned = JSON.parse(
    readFileSync(join(process.cwd(), 'test/fixtures/sync/queries.json'), 'utf8'),
  ) as Record<string, string>;

  it.each(Object.entries(SYNC_QUERIES))('%s', (name, sql) => {
    expect(normalized(sql)).toBe(pinned[name]);
  });

  it('pins every query it has', () => {
    expect(Object.keys(pinned).sort()).toEqual(Object.keys(SYNC_QUERIES).sort());
  });

  it('reads only: no statement writes', () => {
    for (const sql of Object.values(SYNC_QUERIES)) {
      const code = sql.replace(/'[^']*'/g, "''");
      expect(code.trim()).toMatch(/^(SELECT|WITH)\b/);
      expect(code).not.toMatch(/\b(INSERT|UPDATE|DELETE|TRUNCATE|FOR UPDATE|FOR SHARE)\b/i);
    }
  });

  it('scopes every table it reads by tenant ($1)', () => {
    for (const sql of Object.values(SYNC_QUERIES)) {
      const reads = sql.match(/FROM (audit_events|scim_users|scim_groups|api_tokens)\b/g) ?? [];
      const scoped = sql.match(/tenant_id = \$1/g) ?? [];
      expect(reads.length).toBeGreaterThan(0);
      expect(scoped.length).toBe(reads.length);
    }
  });

  it('carries the literal `status >= 400` where the failures index serves the query', () => {
    expect(SYNC_QUERIES.lastError).toMatch(/status >= 400/);
    expect(SYNC_QUERIES.errorBreakdown).toMatch(/WHERE tenant_id = \$1 AND status >= 400/);
  });

  it('counts provisioning requests only (channel scim) in every audit_events read', () => {
    for (const sql of Object.values(SYNC_QUERIES)) {
      const reads = sql.match(/FROM audit_events/g)?.length ?? 0;
      expect(sql.match(/channel = 'scim'/g)?.length ?? 0).toBe(reads);
    }
  });
});
