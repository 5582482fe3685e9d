import { auditInsertParams, auditInsertSql, MAX_ROWS_PER_INSERT } from './audit.repository.js';
import type { AuditEventRow } from './audit.types.js';

describe('audit insert SQL (pinned: every write request runs the one-row form)', () => {
  it('one row', () => {
    expect(auditInsertSql(1)).toBe(
      'INSERT INTO audit_events (tenant_id, at, id, request_id, token_id, channel, method, path, ' +
        'resource_type, resource_id, operation, status, scim_type, detail, duration_ms, client_ip, ' +
        'user_agent, changed_attributes, counts, request_summary) VALUES ' +
        '($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)',
    );
  });

  it('a batch numbers its parameters row after row', () => {
    expect(auditInsertSql(2)).toMatch(/VALUES \(\$1, .*, \$20\), \(\$21, .*, \$40\)$/);
  });

  it.each([0, -1, 1.5, MAX_ROWS_PER_INSERT + 1])('refuses %d rows', (rows) => {
    expect(() => auditInsertSql(rows)).toThrow(RangeError);
  });

  it('binds the tenant first, JSON as text and attribute names as an array', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const row: AuditEventRow = {
      at,
      id: '00000000-0000-4000-8000-000000000001',
      requestId: 'r1',
      tokenId: null,
      channel: 'scim',
      method: 'PATCH',
      path: '/scim/v2/Groups/g',
      resourceType: 'Group',
      resourceId: 'g',
      operation: 'patch',
      status: 200,
      scimType: null,
      detail: null,
      durationMs: 1.25,
      clientIp: '127.0.0.1',
      userAgent: null,
      changedAttributes: ['members'],
      counts: { membersAdded: 2 },
      requestSummary: { body: ['a'] },
    };
    expect(auditInsertParams('t1', row)).toEqual([
      't1',
      at,
      '00000000-0000-4000-8000-000000000001',
      'r1',
      null,
      'scim',
      'PATCH',
      '/scim/v2/Groups/g',
      'Group',
      'g',
      'patch',
      200,
      null,
      null,
      1.25,
      '127.0.0.1',
      null,
      ['members'],
      '{"membersAdded":2}',
      '{"body":["a"]}',
    ]);
  });
});
