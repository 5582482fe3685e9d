import request from 'supertest';
import { useApp, tenantWithToken } from './support/app.js';

describe('health, metrics and request ids', () => {
  const t = useApp();

  it('GET /health/live and /health/ready answer 200 without credentials', async () => {
    const live = await request(t.server).get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok' });
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('GET /metrics counts requests and latency by route pattern and status', async () => {
    const tenant = await tenantWithToken(t.server);
    await request(t.server)
      .get('/scim/v2/Groups/abc')
      .set('Authorization', `Bearer ${tenant.token}`);
    await request(t.server).get('/scim/v2/Groups/def');
    const res = await request(t.server).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/scim\/v2\/Groups\/:id",status_code="404"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /http_requests_total\{method="GET",route="\/scim\/v2\/Groups\/:id",status_code="401"\} [1-9]/,
    );
    expect(res.text).toMatch(
      /http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/health\/ready"|http_request_duration_seconds_bucket\{[^}]*route=/,
    );
    // Raw ids never become label values.
    expect(res.text).not.toContain('/scim/v2/Groups/abc');
    // Nothing tenant-specific.
    expect(res.text).not.toContain(tenant.tenantId);
  });

  it('echoes X-Request-Id or client-request-id, else generates one, and logs it on every line', async () => {
    const own = await request(t.server).get('/health/live').set('X-Request-Id', 'req-own-123');
    expect(own.headers['x-request-id']).toBe('req-own-123');
    const entra = await request(t.server)
      .get('/scim/v2/Users')
      .set('client-request-id', 'entra-4e1f-9a');
    expect(entra.headers['x-request-id']).toBe('entra-4e1f-9a');
    const generated = await request(t.server).get('/scim/v2/Users');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await request(t.server)
      .get('/scim/v2/Users')
      .set('X-Request-Id', 'a b <script>alert(1)</script>');
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const lines = t.logs.lines().filter((line) => line.requestId === 'entra-4e1f-9a');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(typeof line.msg).toBe('string');
    expect(
      t.logs.lines().some((line) => line.requestId === generated.headers['x-request-id']),
    ).toBe(true);
  });
});
