import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { AppConfig } from '../config/app-config.js';
import { addDuration, isValidTokenLifetime, parseDuration } from '../config/duration.js';
import { checkInterval } from '../config/interval.js';
import { SYS_SCIM } from '../tenants/system-identities.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { ApiTokenEntity, TokenKind } from './api-token.entity.js';
import { ApiTokensRepository, type TokenState } from './api-tokens.repository.js';
import { PlatformAdminTokensRepository } from './platform-admin-tokens.repository.js';
import type { AdminPrincipal } from './principal.js';
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

/** An admin token as stored (tenant admin, or platform admin when `tenantId` is null). */
export interface AdminTokenInfo {
  readonly id: string;
  readonly tenantId: string | null;
  readonly label: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface MintAdminToken {
  /** The tenant the token administers; absent or null: every tenant (a platform admin token). */
  readonly tenantId?: string | null;
  readonly label?: string;
  /** `30d`, `12w`, `6m`, `1y`; default {@link ADMIN_TOKEN_DEFAULT_TTL}. */
  readonly expiresIn?: string;
}

export interface RotatedScimToken {
  /** The new token, shown once. */
  readonly token: string;
  readonly info: ApiTokenEntity;
  /** The old token, now expiring at the end of the overlap. */
  readonly previous: ApiTokenEntity;
}

/** Lifetime of an admin token minted without one: admin tokens are powerful, keep them short. */
export const ADMIN_TOKEN_DEFAULT_TTL = '30d';
/** How long a rotated SCIM token keeps working by default, and at most. */
export const ROTATION_OVERLAP_DEFAULT = '24h';
const ROTATION_OVERLAP_BOUNDS = { minMs: 0, maxMs: 30 * 86_400_000, maxText: '30d' } as const;

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
    private readonly platformTokens: PlatformAdminTokensRepository,
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

  /**
   * Mints an admin token: of one tenant when `tenantId` is given, else a platform admin token
   * (every tenant). Only platform admins may call it (the resolver checks).
   */
  async mintAdminToken(input: MintAdminToken): Promise<{ token: string; info: AdminTokenInfo }> {
    const lifetime = input.expiresIn?.trim() || ADMIN_TOKEN_DEFAULT_TTL;
    if (input.tenantId) {
      const minted = await this.mintTenantAdminToken(input.tenantId, input.label ?? '', lifetime);
      return { token: minted.token, info: minted.info };
    }
    const { expiresAt, label } = this.checkedMint(input.label ?? '', lifetime);
    const id = randomUUID();
    const info = await this.platformTokens.insert({ id, label, expiresAt });
    const token = await this.signer.sign({
      jti: id,
      tenantId: null,
      identityId: null,
      kind: 'platform',
      expiresAt,
    });
    this.logger.log({ tokenId: id, kind: 'platform', expiresAt }, 'token minted');
    return { token, info: { ...info, tenantId: null } };
  }

  /** Admin tokens of a tenant, or the platform admin tokens when `tenantId` is null; newest first. */
  async listAdminTokens(tenantId: string | null): Promise<AdminTokenInfo[]> {
    if (tenantId === null) {
      return (await this.platformTokens.list()).map((token) => ({ ...token, tenantId: null }));
    }
    await this.tenants.get(tenantId);
    return this.tokens.list(tenantId, 'admin');
  }

  /**
   * Revokes an admin token. `tenantId` limits the look-up to one tenant's admin tokens (tenant
   * admins); without it (platform admins) platform tokens are found too.
   */
  async revokeAdminToken(id: string, tenantId?: string): Promise<AdminTokenInfo> {
    if (!isUuid(id)) throw notFound('token');
    const owner = tenantId ?? (await this.tokens.tenantOf(id));
    if (owner) {
      const token = await this.tokens.find(owner, id);
      if (!token || token.kind !== 'admin') throw notFound('token');
      const revoked = await this.tokens.revoke(owner, id);
      this.states.cache.invalidate(id);
      if (!revoked) throw notFound('token');
      this.logger.log({ tenantId: owner, tokenId: id }, 'admin token revoked');
      return revoked;
    }
    const revoked = tenantId === undefined ? await this.platformTokens.revoke(id) : null;
    if (!revoked) throw notFound('token');
    this.logger.log({ tokenId: id, kind: 'platform' }, 'admin token revoked');
    return { ...revoked, tenantId: null };
  }

  /**
   * Rotates a SCIM token: a new token (same label, the tenant's default lifetime) now, while the
   * old one keeps working for `overlap` (default 24 h, at most 30 d) and then expires. A revoked,
   * expired or already rotated token cannot be rotated. `tenantId` scopes the look-up (tenant
   * admins): another tenant's token is "not found", like a missing one.
   */
  async rotateScimToken(
    id: string,
    overlap: string = ROTATION_OVERLAP_DEFAULT,
    tenantId?: string,
  ): Promise<RotatedScimToken> {
    const checked = checkInterval('overlap', overlap, ROTATION_OVERLAP_BOUNDS);
    if (!checked.ok) throw new DomainError(DomainErrorCode.InvalidInput, checked.message);
    const owner = !isUuid(id) ? undefined : (tenantId ?? (await this.tokens.tenantOf(id)));
    if (!owner) throw notFound('token');
    const tenant = await this.tenants.get(owner);
    const lifetime = tenant.settings.scimTokenDefaultTtl || this.config.SCIM_TOKEN_DEFAULT_TTL;
    const { expiresAt } = this.checkedMint('', lifetime);
    const identity = await this.tenants.identity(owner, SYS_SCIM);
    const successor = {
      id: randomUUID(),
      kind: 'scim' as const,
      identityId: identity.id,
      expiresAt,
    };
    const rotated = await this.tokens.rotate(owner, id, successor, checked.ms);
    if (!rotated.ok) throw rotationRefused(rotated.reason);
    this.states.cache.invalidate(id);
    const token = await this.signer.sign({
      jti: successor.id,
      tenantId: owner,
      identityId: identity.id,
      kind: 'scim',
      expiresAt,
    });
    this.logger.log(
      { tenantId: owner, tokenId: id, replacedBy: successor.id, until: rotated.previous.expiresAt },
      'SCIM token rotated',
    );
    return { token, info: rotated.next, previous: rotated.previous };
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
    if (claims.kind !== kind || claims.tenantId === null) {
      throw unauthenticated(`this is not a ${kind.toUpperCase()} token`);
    }
    const state = await this.stateOf(claims.tenantId, claims.jti, kind);
    if (!state) throw unauthenticated('the token is not valid');
    if (state.revokedAt) throw unauthenticated('the token has been revoked');
    if (state.expiresAt.getTime() <= Date.now()) throw unauthenticated('the token has expired');
    if (kind === 'scim' && !state.identityId) throw unauthenticated('the token is not valid');
    this.recordUse(claims.tenantId, claims.jti, state.lastUsedAt);
    return { tokenId: claims.jti, tenantId: claims.tenantId, identityId: state.identityId };
  }

  /**
   * Whose SCIM token a refused request presented: a token this server signed for a tenant whose
   * row exists, valid or not (revoked, expired or rotated out), so that the refusal goes to that
   * tenant's audit log (Entra keeps calling with a dead token until an admin replaces it).
   * Undefined for anything forged, malformed, or unknown.
   */
  async ownerOfScimToken(
    token: string,
  ): Promise<{ tenantId: string; tokenId: string } | undefined> {
    const verified = await this.signer.verify(token);
    const claims = verified.ok || verified.reason === 'expired' ? verified.claims : undefined;
    if (!claims || claims.kind !== 'scim' || claims.tenantId === null) return undefined;
    const state = await this.tokens.state(claims.tenantId, claims.jti, 'scim');
    return state ? { tenantId: claims.tenantId, tokenId: claims.jti } : undefined;
  }

  /**
   * Checks a minted admin token: a tenant-admin token (its tenant only) or a platform-admin token
   * (every tenant). Same checks as {@link authenticate}; platform token rows are read every time.
   */
  async authenticateAdmin(token: string): Promise<AdminPrincipal> {
    const verified = await this.signer.verify(token);
    if (verified.ok && verified.claims.kind === 'platform') {
      const { jti } = verified.claims;
      const state = await this.platformTokens.state(jti);
      if (!state) throw unauthenticated('the token is not valid');
      if (state.revokedAt) throw unauthenticated('the token has been revoked');
      if (state.expiresAt.getTime() <= Date.now()) throw unauthenticated('the token has expired');
      if (!state.lastUsedAt || Date.now() - state.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        this.platformTokens.touch(jti).catch((error: unknown) => {
          this.logger.warn({ err: error, tokenId: jti }, 'could not record token use');
        });
      }
      return { kind: 'platform', tokenId: jti };
    }
    const authenticated = await this.authenticate('admin', token);
    return { kind: 'tenant', tenantId: authenticated.tenantId, tokenId: authenticated.tokenId };
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
    const { expiresAt, label: trimmed } = this.checkedMint(label, lifetime);
    const id = randomUUID();
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

  /** The label and expiry of a token about to be minted, or the reason it cannot be. */
  private checkedMint(label: string, lifetime: string): { label: string; expiresAt: Date } {
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
    // Whole seconds, as in the JWT `exp`, so the row and the token agree exactly.
    const expiresAt = new Date(
      Math.floor(addDuration(new Date(), duration).getTime() / 1000) * 1000,
    );
    return { label: trimmed, expiresAt };
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

function rotationRefused(reason: 'not-found' | 'revoked' | 'rotated' | 'expired'): DomainError {
  switch (reason) {
    case 'not-found':
      return notFound('token');
    case 'revoked':
      return new DomainError(
        DomainErrorCode.InvalidInput,
        'the token is revoked and cannot be rotated: mint a new one',
      );
    case 'rotated':
      return new DomainError(
        DomainErrorCode.InvalidInput,
        'the token has already been rotated: rotate its replacement instead',
      );
    case 'expired':
      return new DomainError(
        DomainErrorCode.InvalidInput,
        'the token has expired and cannot be rotated: mint a new one',
      );
  }
}
