import { AUDIT_EVENT_BY_KEY_SQL, auditEventsQuery } from './audit-log.repository.js';

const T = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
/** The WHERE and LIMIT of a page query (the column list is pinned once below). */
const tail = (sql: string): string => sql.slice(sql.indexOf('FROM audit_events'));

describe('audit log page SQL (pinned: each filter must reach its index)', () => {
  it('selects exact microseconds and pages newest first', () => {
    const { sql, params } = auditEventsQuery(T, {}, null, 21);
    expect(sql).toBe(`SELECT (extract(epoch FROM at) * 1000000)::bigint::text AS "atMicros", id,
  request_id AS "requestId", token_id AS "tokenId", channel, method, path,
  resource_type AS "resourceType", resource_id AS "resourceId", operation, status,
  scim_type AS "scimType", detail, duration_ms AS "durationMs", host(client_ip) AS "clientIp",
  user_agent AS "userAgent", changed_attributes AS "changedAttributes", counts,
  request_summary AS "requestSummary"
FROM audit_events
WHERE tenant_id = $1
ORDER BY at DESC, id DESC
LIMIT $2`);
    expect(params).toEqual([T, 21]);
    expect(AUDIT_EVENT_BY_KEY_SQL).toMatch(
      /WHERE tenant_id = \$1 AND at = \$2::timestamptz AND id = \$3::uuid$/,
    );
  });

  it.each([
    ['resourceId', { resourceId: 'u1' }, 'resource_id = $2', ['u1']],
    ['requestId', { requestId: 'r1' }, 'request_id = $2', ['r1']],
    ['resourceType', { resourceType: 'Group' }, 'resource_type = $2', ['Group']],
    ['operation', { operation: 'patch' }, 'operation = $2', ['patch']],
    ['tokenId', { tokenId: T }, 'token_id = $2', [T]],
    ['a success status', { status: 200 }, 'status = $2', [200]],
    ['a failure status (partial index)', { status: 409 }, 'status = $2 AND status >= 400', [409]],
    ['outcome SUCCESS', { outcome: 'success' }, 'status < 400', []],
    ['outcome CLIENT_ERROR', { outcome: 'clientError' }, 'status < 500 AND status >= 400', []],
    ['outcome SERVER_ERROR', { outcome: 'serverError' }, 'status >= 500 AND status >= 400', []],
    ['scimType', { scimType: 'uniqueness' }, 'scim_type = $2 AND status >= 400', ['uniqueness']],
    ['channel SCIM', { channel: 'scim' }, 'channel = $2', ['scim']],
    ['channel GRAPHQL', { channel: 'graphql' }, `channel = $2 AND channel <> 'scim'`, ['graphql']],
  ] as const)('%s', (_, filter, where, values) => {
    const { sql, params } = auditEventsQuery(T, filter, null, 3);
    expect(tail(sql)).toBe(
      `FROM audit_events\nWHERE tenant_id = $1 AND ${where}\nORDER BY at DESC, id DESC\nLIMIT $${values.length + 2}`,
    );
    expect(params).toEqual([T, ...values, 3]);
  });

  it('from (inclusive), to (exclusive) and the keyset position as an exact timestamp', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-02-01T00:00:00Z');
    const after = { atMicros: '1795448780798123', id: T };
    const { sql, params } = auditEventsQuery(T, { from, to }, after, 11);
    expect(tail(sql)).toBe(
      'FROM audit_events\nWHERE tenant_id = $1 AND at >= $2 AND at < $3 AND ' +
        '(at, id) < ($4::timestamptz, $5::uuid)\nORDER BY at DESC, id DESC\nLIMIT $6',
    );
    expect(params).toEqual([T, from, to, '2026-11-23T15:46:20.798123Z', T, 11]);
  });
});
