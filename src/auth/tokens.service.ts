import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { AppConfig } from '../config/app-config.js';
import { addDuration, isValidTokenLifetime, parseDuration } from '../config/duration.js';
import { SYS_SCIM } from '../tenants/system-identities.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { ApiTokenEntity, TokenKind } from './api-token.entity.js';
import { ApiTokensRepository, type TokenState } from './api-tokens.repository.js';
import { TokenSigner } from './token-signer.js';
import { TokenStateListener } from './token-state-listener.js';

export interface MintScimToken {
  readonly tenantId: string;
  readonly label?: string;
  /** `30d`, `12w`, `6m`, `1y`; the tenant's, else the deployment's default when absent. */
  readonly expiresIn?: string;
}

export interface MintedToken {
  /** Shown once; never stored. */
  readonly token: string;
  readonly info: ApiTokenEntity;
}

/** A token that passed every check: signature, expiry, kind and its (non-revoked) row. */
export interface AuthenticatedToken {
  readonly tokenId: string;
  readonly tenantId: string;
  readonly identityId: string | null;
}

const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_LABEL_LENGTH = 200;

const unauthenticated = (message: string): DomainError =>
  new DomainError(DomainErrorCode.Unauthenticated, message, true);

@Injectable()
export class TokensService {
  private readonly logger = new Logger('Tokens');
  /** When this process last recorded a use of each token (bounds `last_used_at` writes). */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly signer: TokenSigner,
    private readonly tokens: ApiTokensRepository,
    private readonly tenants: TenantsService,
    private readonly states: TokenStateListener,
  ) {}

  /** Mints a SCIM token for the tenant's `sys.scim` identity. */
  async mintScimToken(input: MintScimToken): Promise<MintedToken> {
    const tenant = await this.tenants.get(input.tenantId);
    const lifetime =
      input.expiresIn?.trim() ||
      tenant.settings.scimTokenDefaultTtl ||
      this.config.SCIM_TOKEN_DEFAULT_TTL;
    const identity = await this.tenants.identity(tenant.id, SYS_SCIM);
    return this.mint(tenant.id, 'scim', identity.id, input.label ?? '', lifetime);
  }

  /** Mints a tenant-admin token (GraphQL, limited to the tenant). */
  async mintTenantAdminToken(
    tenantId: string,
    label: string,
    lifetime: string,
  ): Promise<MintedToken> {
    const tenant = await this.tenants.get(tenantId);
    return this.mint(tenant.id, 'admin', null, label, lifetime);
  }

  async listScimTokens(tenantId: string): Promise<ApiTokenEntity[]> {
    await this.tenants.get(tenantId);
    return this.tokens.list(tenantId, 'scim');
  }

  /**
   * Revokes a SCIM token. `tenantId` limits the look-up to one tenant (tenant admins); a token of
   * another tenant is "not found", exactly like one that does not exist.
   */
  async revokeScimToken(id: string, tenantId?: string): Promise<ApiTokenEntity> {
    const owner = !isUuid(id) ? undefined : (tenantId ?? (await this.tokens.tenantOf(id)));
    const token = owner ? await this.tokens.find(owner, id) : null;
    if (!token || token.kind !== 'scim') throw notFound('token');
    const revoked = await this.tokens.revoke(token.tenantId, id);
    // The notification will say so too; this instance must not wait for it.
    this.states.cache.invalidate(id);
    if (!revoked) throw notFound('token');
    this.logger.log({ tenantId: revoked.tenantId, tokenId: id }, 'SCIM token revoked');
    return revoked;
  }

  /**
   * Checks a bearer token of the expected kind. Its row (revocation, expiry, identity) is read from
   * the database, or from the cache of token states, which PostgreSQL notifications keep exact:
   * a revocation takes effect on the next request on this instance, and on the others as soon as
   * the notification arrives (milliseconds), whoever changed the row.
   */
  async authenticate(kind: TokenKind, token: string): Promise<AuthenticatedToken> {
    const verified = await this.signer.verify(token);
    if (!verified.ok) {
      throw unauthenticated(
        verified.reason === 'expired' ? 'the token has expired' : 'the token is not valid',
      );
    }
    const { claims } = verified;
    if (claims.kind !== kind) throw unauthenticated(`this is not a ${kind.toUpperCase()} token`);
    const state = await this.stateOf(claims.tenantId, claims.jti, kind);
    if (!state) throw unauthenticated('the token is not valid');
    if (state.revokedAt) throw unauthenticated('the token has been revoked');
    if (state.expiresAt.getTime() <= Date.now()) throw unauthenticated('the token has expired');
    if (kind === 'scim' && !state.identityId) throw unauthenticated('the token is not valid');
    this.recordUse(claims.tenantId, claims.jti, state.lastUsedAt);
    return { tokenId: claims.jti, tenantId: claims.tenantId, identityId: state.identityId };
  }

  private async stateOf(
    tenantId: string,
    tokenId: string,
    kind: TokenKind,
  ): Promise<TokenState | undefined> {
    const { cache } = this.states;
    const cached = cache.get(tokenId);
    if (cached) return cached;
    this.states.ensureListening();
    const epoch = cache.epoch;
    const state = await this.tokens.state(tenantId, tokenId, kind);
    if (state) cache.set(tokenId, state, epoch);
    return state;
  }

  private async mint(
    tenantId: string,
    kind: TokenKind,
    identityId: string | null,
    label: string,
    lifetime: string,
  ): Promise<MintedToken> {
    const duration = isValidTokenLifetime(lifetime) ? parseDuration(lifetime) : undefined;
    if (!duration) {
      throw new DomainError(
        DomainErrorCode.InvalidInput,
        `expiresIn "${lifetime}" is not a lifetime such as 30d, 12w, 6m or 1y (at most 3 years); tokens that never expire are not offered`,
      );
    }
    const trimmed = label.trim();
    if (trimmed.length > MAX_LABEL_LENGTH) {
      throw new DomainError(
        DomainErrorCode.InvalidInput,
        `label is longer than ${MAX_LABEL_LENGTH} characters`,
      );
    }
    const id = randomUUID();
    // Whole seconds, as in the JWT `exp`, so the row and the token agree exactly.
    const expiresAt = new Date(
      Math.floor(addDuration(new Date(), duration).getTime() / 1000) * 1000,
    );
    const info = await this.tokens.insert(tenantId, {
      id,
      kind,
      identityId,
      label: trimmed,
      expiresAt,
    });
    const token = await this.signer.sign({ jti: id, tenantId, identityId, kind, expiresAt });
    this.logger.log({ tenantId, tokenId: id, kind, expiresAt }, 'token minted');
    return { token, info };
  }

  /** Updates `last_used_at` at most once a minute per token, off the request's critical path. */
  private recordUse(tenantId: string, tokenId: string, lastUsedAt: Date | null): void {
    const now = Date.now();
    if (lastUsedAt && now - lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
    const local = this.touched.get(tokenId);
    if (local !== undefined && now - local < LAST_USED_RESOLUTION_MS) return;
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(tokenId, now);
    this.tokens.touch(tenantId, tokenId).catch((error: unknown) => {
      this.touched.delete(tokenId);
      this.logger.warn({ err: error, tokenId }, 'could not record token use');
    });
  }
}
