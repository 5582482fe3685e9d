import { Injectable, Logger } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { isUuid } from '../common/uuid.js';
import type { TokenKind } from './api-token.entity.js';

const ISSUER = 'muster';
const ALGORITHM = 'HS256';

/** What a Muster token carries. `jti` is the `api_tokens` row id. */
export interface TokenClaims {
  readonly jti: string;
  readonly tenantId: string;
  readonly identityId: string | null;
  readonly kind: TokenKind;
  readonly expiresAt: Date;
}

export type VerifyResult =
  | { readonly ok: true; readonly claims: TokenClaims }
  | { readonly ok: false; readonly reason: 'expired' | 'invalid' };

/**
 * Signs and verifies Muster tokens (HS256 JWTs). The key is `TOKEN_SIGNING_KEY`; outside
 * production, when it is unset, a random key is generated once and kept in `DATA_DIR`
 * (mode 0600) so that the server and the CLI on one machine agree on it.
 */
@Injectable()
export class TokenSigner {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(config.TOKEN_SIGNING_KEY ?? localKey(config.dataDir), 'utf8');
  }

  sign(claims: TokenClaims): string {
    const payload = {
      tid: claims.tenantId,
      kind: claims.kind,
      ...(claims.identityId ? { sub: claims.identityId } : {}),
      // Exactly the row's expires_at (whole seconds), not "now + lifetime" computed a second time.
      exp: Math.floor(claims.expiresAt.getTime() / 1000),
    };
    return jwt.sign(payload, this.key, { algorithm: ALGORITHM, issuer: ISSUER, jwtid: claims.jti });
  }

  verify(token: string): VerifyResult {
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER });
    } catch (error) {
      return { ok: false, reason: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
    }
    if (typeof payload === 'string') return { ok: false, reason: 'invalid' };
    const { jti, tid, sub, kind, exp } = payload as jwt.JwtPayload & {
      tid?: unknown;
      kind?: unknown;
    };
    if (!isUuid(jti) || !isUuid(tid) || (sub !== undefined && !isUuid(sub))) {
      return { ok: false, reason: 'invalid' };
    }
    if ((kind !== 'scim' && kind !== 'admin') || typeof exp !== 'number') {
      return { ok: false, reason: 'invalid' };
    }
    return {
      ok: true,
      claims: {
        jti,
        tenantId: tid,
        identityId: sub ?? null,
        kind,
        expiresAt: new Date(exp * 1000),
      },
    };
  }
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
