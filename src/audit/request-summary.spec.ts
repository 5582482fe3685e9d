import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import type { RequestSummary } from './audit.types.js';
import {
  isSecretKey,
  isSecretPath,
  REDACTED,
  storableText,
  summarizeRequest,
  SUMMARY_MAX_BYTES,
  type RequestInput,
} from './request-summary.js';

interface SummaryCase {
  readonly name: string;
  readonly input: RequestInput;
  readonly summary: RequestSummary | null;
}

function fixture<T>(name: string): T[] {
  const file = join(process.cwd(), 'test/fixtures/scim/audit', name);
  return JSON.parse(readFileSync(file, 'utf8')) as T[];
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** True when PostgreSQL would take the text in `jsonb`: no NUL, no unpaired surrogate. */
const storable = (text: string): boolean =>
  !text.includes('\u0000') && (text as string & { isWellFormed(): boolean }).isWellFormed();

describe('summarizeRequest', () => {
  it.each(fixture<SummaryCase>('summaries.json'))('$name', ({ input, summary }) => {
    expect(summarizeRequest(input)).toEqual(summary);
  });

  it('cuts strings longer than 256 characters and counts what was left out', () => {
    const summary = summarizeRequest({ body: { displayName: 'x'.repeat(300) } });
    expect(summary).toEqual({ body: { displayName: `${'x'.repeat(256)}…[+44 chars]` } });
  });

  it('never cuts a surrogate pair in two', () => {
    const text = `${'x'.repeat(255)}😀${'y'.repeat(10)}`;
    const summary = summarizeRequest({ body: { text } }) as { body: { text: string } };
    expect(summary.body.text).toBe(`${'x'.repeat(255)}…[+12 chars]`);
  });

  it('keeps 50 keys of an object and counts the rest', () => {
    const body = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]));
    const summary = summarizeRequest({ body }) as { body: Record<string, unknown> };
    expect(Object.keys(summary.body)).toHaveLength(51);
    expect(summary.body['k49']).toBe(49);
    expect(summary.body['k50']).toBeUndefined();
    expect(summary.body['[truncated]']).toBe('+10 more keys');
  });

  it('summarises a 10 000-member PATCH in a few items, well under the budget', () => {
    const members = Array.from({ length: 10_000 }, (_, i) => ({
      value: `2819c223-7f76-453a-919d-${String(i).padStart(12, '0')}`,
    }));
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: members }],
    };
    const summary = summarizeRequest({ body }) as {
      body: { Operations: [{ value: unknown[] }] };
    };
    const value = summary.body.Operations[0].value;
    expect(value).toHaveLength(11);
    expect(value[0]).toEqual(members[0]);
    expect(value[10]).toBe('[+9990 more]');
    expect(bytes(summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
  });

  it('falls back to coarser levels of detail, then to a marker, to stay within the budget', () => {
    const wide = Array.from({ length: 10 }, () =>
      Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`attribute${k}`, 'v'.repeat(40)])),
    );
    const coarse = summarizeRequest({ body: { wide } }) as { body: { wide: unknown[] } };
    expect(bytes(coarse)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(coarse.body.wide).toHaveLength(4); // 3 items and the count of the rest
    expect(coarse.body.wide[3]).toBe('[+7 more]');

    expect(summarizeRequest({ body: { wide } }, 100)).toEqual({ truncated: true });
  });

  it('stays within the byte budget and storable for any JSON body and query', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))),
        (body, query) => {
          const summary = summarizeRequest({ body, query });
          expect(summary).not.toBeNull();
          const json = JSON.stringify(summary);
          expect(Buffer.byteLength(json, 'utf8')).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
          expect(storable(json)).toBe(true);
        },
      ),
    );
  });

  it('never lets a password through, wherever it sits', () => {
    const secret = fc.string({ minLength: 1, maxLength: 20 }).map((s) => `S3CRET-${s}`);
    const bodyWith = (value: string) =>
      fc.oneof(
        fc.constant({ password: value }),
        fc.constant({ userName: 'u', 'urn:x:ext': { clientSecret: value } }),
        fc.constant({ Operations: [{ op: 'replace', path: 'password', value }] }),
        fc.constant({ Operations: [{ op: 'add', value: { PASSWORD: value } }] }),
        fc.constant({ list: [{ nested: [{ token: value }] }] }),
      );
    fc.assert(
      fc.property(
        secret.chain((value) => bodyWith(value).map((body) => ({ value, body }))),
        ({ value, body }) => {
          const json = JSON.stringify(summarizeRequest({ body }));
          expect(json).not.toContain(value);
          expect(json).toContain(REDACTED);
        },
      ),
    );
  });
});

describe('secret names', () => {
  it.each([
    ['password', true],
    ['newPassword', true],
    ['pwd', true],
    ['client_secret', true],
    ['refresh_token', true],
    ['api-key', true],
    ['authorization', true],
    ['userName', false],
    ['displayName', false],
    ['x509Certificates', false],
    ['passport', false],
  ] as const)('%s → %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it.each([
    ['password', true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:password', true],
    ['emails[type eq "work"].value', false],
    ['name.givenName', false],
  ] as const)('path %s → %s', (path, secret) => {
    expect(isSecretPath(path)).toBe(secret);
  });

  it('storableText replaces NUL and unpaired surrogates only', () => {
    expect(storableText('a\u0000b\ud800c\udc00d😀')).toBe('a\ufffdb\ufffdc\ufffdd😀');
  });
});
