import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from './request-id.js';

function call(headers: Record<string, string | undefined>): { id: string; echoed: unknown } {
  let echoed: unknown;
  const res = {
    setHeader: (_: string, value: unknown) => (echoed = value),
  } as unknown as ServerResponse;
  const id = requestIdOf({ headers } as IncomingMessage, res);
  return { id, echoed };
}

describe('requestIdOf', () => {
  it('uses X-Request-Id, then client-request-id, and echoes it', () => {
    expect(call({ 'x-request-id': 'abc-1', 'client-request-id': 'entra-2' })).toEqual({
      id: 'abc-1',
      echoed: 'abc-1',
    });
    expect(call({ 'client-request-id': 'entra-2' })).toEqual({ id: 'entra-2', echoed: 'entra-2' });
  });

  it('generates a UUID when none is sent or the sent one is unsafe', () => {
    for (const headers of [
      {},
      { 'x-request-id': 'a b' },
      { 'x-request-id': 'x'.repeat(129) },
      { 'x-request-id': '"><script>' },
    ]) {
      const { id, echoed } = call(headers);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(echoed).toBe(id);
    }
  });
});
