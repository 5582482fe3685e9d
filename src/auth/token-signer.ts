import { Injectable, Logger } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { createHash, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUuid } from '../common/uuid.js';
import { AppConfig } from '../config/app-config.js';
import type { TokenKind } from './api-token.entity.js';

const ISSUER = 'muster';
const ALGORITHM = 'HS256';
/** Verified tokens remembered per process (by SHA-256 of the token, never the token itself). */
const VERIFIED_CACHE_SIZE = 10_000;

/** What a token is for: SCIM, one tenant's admin API, or the admin API of every tenant. */
export type SignedKind = TokenKind | 'platform';

/**
 * What a Muster token carries. `jti` is the `api_tokens` row id (`platform_admin_tokens` for
 * platform tokens, which carry no tenant).
 */
export type TokenClaims =
  | {
      readonly jti: string;
      readonly tenantId: string;
      readonly identityId: string | null;
      readonly kind: TokenKind;
      readonly expiresAt: Date;
    }
  | {
      readonly jti: string;
      readonly tenantId: null;
      readonly identityId: null;
      readonly kind: 'platform';
      readonly expiresAt: Date;
    };

export type VerifyResult =
  | { readonly ok: true; readonly claims: TokenClaims }
  /** Signed by this server, but past its `exp`: the claims are genuine, the token is not valid. */
  | { readonly ok: false; readonly reason: 'expired'; readonly claims?: TokenClaims }
  | { readonly ok: false; readonly reason: 'invalid' };

/**
 * Signs and verifies Muster tokens (HS256 JWTs, with `jose`). The key is `TOKEN_SIGNING_KEY`;
 * outside production, when it is unset, a random key is generated once and kept in `DATA_DIR`
 * (mode 0600) so that the server and the CLI on one machine agree on it.
 *
 * A signature check costs about 80 µs; every SCIM request presents the same few tokens, so a
 * verified token's claims are remembered (keyed by its SHA-256, bounded, until its `exp`). This
 * only skips re-checking the signature: revocation and expiry are still read from the database
 * on every request by the caller.
 */
@Injectable()
export class TokenSigner {
  private readonly key: KeyObject;
  private readonly verified = new Map<string, TokenClaims>();

  constructor(config: AppConfig) {
    this.key = createSecretKey(
      Buffer.from(config.TOKEN_SIGNING_KEY ?? localKey(config.dataDir), 'utf8'),
    );
  }

  sign(claims: TokenClaims): Promise<string> {
    return (
      new SignJWT({
        ...(claims.tenantId ? { tid: claims.tenantId } : {}),
        kind: claims.kind,
        ...(claims.identityId ? { sub: claims.identityId } : {}),
      })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setJti(claims.jti)
        .setIssuedAt()
        // Exactly the row's expires_at (whole seconds), not "now + lifetime" computed a second time.
        .setExpirationTime(Math.floor(claims.expiresAt.getTime() / 1000))
        .sign(this.key)
    );
  }

  async verify(token: string): Promise<VerifyResult> {
    const digest = createHash('sha256').update(token).digest('base64');
    const known = this.verified.get(digest);
    if (known) {
      return known.expiresAt.getTime() > Date.now()
        ? { ok: true, claims: known }
        : { ok: false, reason: 'expired', claims: known };
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        requiredClaims: ['jti', 'exp'],
      }));
    } catch (error) {
      if (!(error instanceof errors.JWTExpired)) return { ok: false, reason: 'invalid' };
      // jose checks the signature before the claims: an expired token's payload is genuine.
      const claims = claimsOf(error.payload);
      return claims ? { ok: false, reason: 'expired', claims } : { ok: false, reason: 'invalid' };
    }
    const claims = claimsOf(payload);
    if (!claims) return { ok: false, reason: 'invalid' };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      this.verified.delete(this.verified.keys().next().value as string);
    }
    this.verified.set(digest, claims);
    return { ok: true, claims };
  }
}

function claimsOf(payload: Record<string, unknown>): TokenClaims | undefined {
  const { jti, tid, sub, kind, exp } = payload;
  if (!isUuid(jti) || typeof exp !== 'number') return undefined;
  const expiresAt = new Date(exp * 1000);
  if (kind === 'platform') {
    return tid === undefined && sub === undefined
      ? { jti, tenantId: null, identityId: null, kind, expiresAt }
      : undefined;
  }
  if (!isUuid(tid) || (sub !== undefined && !isUuid(sub))) return undefined;
  if (kind !== 'scim' && kind !== 'admin') return undefined;
  return { jti, tenantId: tid, identityId: sub ?? null, kind, expiresAt };
}

function localKey(dataDir: string): string {
  const file = join(dataDir, 'token-signing.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
      new Logger('Auth').warn(
        `TOKEN_SIGNING_KEY is not set: generated a signing key in ${file}. Set TOKEN_SIGNING_KEY in production.`,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}
