import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../config/app-config.js';
import { TokenSigner } from './token-signer.js';

const KEY = 'unit-test-signing-key-0123456789abcdef';
const signer = new TokenSigner(loadConfig({ TOKEN_SIGNING_KEY: KEY }));
const claims = {
  jti: randomUUID(),
  tenantId: randomUUID(),
  identityId: randomUUID(),
  kind: 'scim' as const,
  expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000),
};

describe('TokenSigner', () => {
  it('round-trips the claims, also from the verified-token cache', async () => {
    const token = await signer.sign(claims);
    expect(await signer.verify(token)).toEqual({ ok: true, claims });
    expect(await signer.verify(token)).toEqual({ ok: true, claims });
  });

  it('reports a remembered token as expired once its exp has passed', async () => {
    const shortLived = {
      ...claims,
      jti: randomUUID(),
      expiresAt: new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000),
    };
    const token = await signer.sign(shortLived);
    expect((await signer.verify(token)).ok).toBe(true);
    await new Promise((resolve) =>
      setTimeout(resolve, shortLived.expiresAt.getTime() - Date.now() + 50),
    );
    expect(await signer.verify(token)).toEqual({
      ok: false,
      reason: 'expired',
      claims: shortLived,
    });
  });

  it('does not let a tampered copy of a remembered token through', async () => {
    const token = await signer.sign(claims);
    await signer.verify(token);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({
        tid: randomUUID(),
        kind: 'admin',
        jti: claims.jti,
        iss: 'muster',
        exp: 9e9,
      }),
    ).toString('base64url');
    expect(await signer.verify(`${header}.${payload}.${signature}`)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('puts jti, tenant, identity, kind, issuer and exp in the JWT', async () => {
    const payload = jwt.decode(await signer.sign(claims)) as jwt.JwtPayload;
    expect(payload).toMatchObject({
      jti: claims.jti,
      tid: claims.tenantId,
      sub: claims.identityId,
      kind: 'scim',
      iss: 'muster',
      exp: claims.expiresAt.getTime() / 1000,
    });
  });

  it('reports an expired token as expired', async () => {
    const token = jwt.sign(
      { tid: claims.tenantId, kind: 'scim', exp: Math.floor(Date.now() / 1000) - 5 },
      KEY,
      {
        algorithm: 'HS256',
        issuer: 'muster',
        jwtid: claims.jti,
      },
    );
    // The signature is genuine, so the claims are given (to file the refusal under the tenant).
    expect(await signer.verify(token)).toEqual({
      ok: false,
      reason: 'expired',
      claims: { ...claims, identityId: null, expiresAt: expect.any(Date) as Date },
    });
    const forged = jwt.sign(
      { tid: claims.tenantId, kind: 'scim', exp: Math.floor(Date.now() / 1000) - 5 },
      'another key that is long enough to sign with',
      { algorithm: 'HS256', issuer: 'muster', jwtid: claims.jti },
    );
    expect(await signer.verify(forged)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('signs and verifies platform tokens, which carry no tenant', async () => {
    const platform = {
      jti: randomUUID(),
      tenantId: null,
      identityId: null,
      kind: 'platform' as const,
      expiresAt: new Date(Math.floor(Date.now() / 1000 + 3600) * 1000),
    };
    const token = await signer.sign(platform);
    expect(jwt.decode(token)).not.toHaveProperty('tid');
    expect(await signer.verify(token)).toEqual({ ok: true, claims: platform });
  });

  it.each([
    [
      'another key',
      () =>
        jwt.sign({ tid: claims.tenantId, kind: 'scim' }, 'x'.repeat(40), {
          issuer: 'muster',
          jwtid: claims.jti,
          expiresIn: 60,
        }),
    ],
    [
      'alg none',
      () =>
        jwt.sign({ tid: claims.tenantId, kind: 'scim' }, '', {
          algorithm: 'none',
          issuer: 'muster',
          jwtid: claims.jti,
          expiresIn: 60,
        }),
    ],
    [
      'another issuer',
      () =>
        jwt.sign({ tid: claims.tenantId, kind: 'scim' }, KEY, {
          issuer: 'evil',
          jwtid: claims.jti,
          expiresIn: 60,
        }),
    ],
    [
      'an unknown kind',
      () =>
        jwt.sign({ tid: claims.tenantId, kind: 'root' }, KEY, {
          issuer: 'muster',
          jwtid: claims.jti,
          expiresIn: 60,
        }),
    ],
    [
      'a non-uuid tenant',
      () =>
        jwt.sign({ tid: "1' OR 1=1", kind: 'scim' }, KEY, {
          issuer: 'muster',
          jwtid: claims.jti,
          expiresIn: 60,
        }),
    ],
    [
      'no jti',
      () =>
        jwt.sign({ tid: claims.tenantId, kind: 'scim' }, KEY, { issuer: 'muster', expiresIn: 60 }),
    ],
    [
      'no exp',
      () =>
        jwt.sign({ tid: claims.tenantId, kind: 'scim' }, KEY, {
          issuer: 'muster',
          jwtid: claims.jti,
        }),
    ],
    ['garbage', () => 'not.a.jwt'],
  ])('rejects a token with %s', async (_name, make) => {
    expect(await signer.verify(make())).toEqual({ ok: false, reason: 'invalid' });
  });
});
