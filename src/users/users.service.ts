import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuditWrite } from '../audit/audit.types.js';
import { notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { AppConfig } from '../config/app-config.js';
import { isUniqueViolation } from '../database/prepared.js';
import { GroupMembershipsRepository } from '../groups/group-memberships.repository.js';
import {
  projectionOf,
  wantsBody,
  type Preconditions,
  type QueryParams,
} from '../scim-http/scim-query.js';
import type { ScimRequestContext } from '../scim-http/scim-request.js';
import type { ScimResult } from '../scim-http/scim-result.js';
import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { ifNoneMatchHolds, requireIfMatch, versionETag } from '../scim/etag/etag.js';
import type { Filter } from '../scim/filter/ast.js';
import { compileFilter, compileSortBy, type SqlFilterTarget } from '../scim/filter/compile-sql.js';
import { parseListQuery, parseSearchRequest, type ListQuery } from '../scim/list/list-query.js';
import { listResponse } from '../scim/list/list-response.js';
import { ResourceProjection } from '../scim/list/projection.js';
import { normalizePatchRequest } from '../scim/patch/entra/index.js';
import { applyPatch } from '../scim/patch/engine.js';
import { canonicalizeResource } from '../scim/resource/canonical-resource.js';
import {
  attributePaths,
  changedPaths,
  keepImmutable,
} from '../scim/resource/document-attributes.js';
import type { SchemaRegistry } from '../scim/schema/registry.js';
import {
  ScimSchemaRegistryService,
  type TenantSchemaSettings,
} from '../tenants/scim-schema-registry.service.js';
import type { StoredScimSchemaSettings } from '../tenants/tenants.repository.js';
import { hashPassword } from './password-hash.js';
import { UsersStatistics } from './users-statistics.js';
import { toScimUser, userLocation, storableDocument, type UserRecord } from './user-mapper.js';
import { linkedDocument, primaryEmailOf, splitPassword, userColumns } from './user-document.js';
import {
  USER_FILTER_COLUMNS,
  USER_FILTER_RELATIONS,
  USER_LIST_ORDER,
  USER_NAME_UNIQUE_INDEX,
  UsersRepository,
  type LockedUser,
  type LookupColumn,
  type UserColumns,
  type UserPage,
} from './users.repository.js';
import { checkVerifiedDomains, verifiedDomainsOf } from './verified-domains.js';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

/**
 * Optimistic tries of a PATCH (read, work out, store if still at the version read) before it
 * takes the row lock instead: concurrent writers to one user all get through, none is lost.
 */
const OPTIMISTIC_ATTEMPTS = 3;

/** The canonical (lower-case) UUID form `id` takes: the only text `id eq` can match (case-exact). */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * SCIM Users (RFC 7643 §4.1, RFC 7644 §3) for one tenant at a time, as Microsoft Entra ID drives
 * them (`../shared/spec/entra.md` §2.3). Every rule lives here; the controller only passes input.
 *
 * - Every write is atomic with its audit row. The hot ones are single statements without an
 *   explicit transaction: a plain create (insert + audit row), and a PATCH (read, work out, then
 *   update + audit row only if the version is still the one read; retried, then row-locked).
 *   Linking creates, PUT and DELETE run in a transaction that locks the row first. No writer
 *   loses another's update.
 * - `userName` uniqueness (any case, among users that are not deleted) is the database's unique
 *   index: its violation is the 409 `uniqueness`, never a read-then-write check.
 * - Versions: every change bumps `version`; `ETag` and `meta.version` are `W/"<version>"`;
 *   `If-Match` (PUT, PATCH, DELETE) that names another version → 412; `If-None-Match` on GET → 304.
 * - PATCH answers 204 (no body), or 200 with the resource when the request has `attributes` or
 *   `excludedAttributes` (RFC 7644 §3.5.2 allows both; Microsoft's Postman collection asserts 204).
 * - DELETE is a soft delete: the user is gone from every read at once and its userName is free;
 *   a scheduled job purges it after the tenant's retention.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: UsersRepository,
    private readonly registries: ScimSchemaRegistryService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly statistics: UsersStatistics,
    private readonly memberships: GroupMembershipsRepository,
  ) {}

  /** Tenant id → the settings its last create in this process saw (see `create`). */
  private readonly createSnapshots = new Map<string, CreateSnapshot>();

  /**
   * `POST /Users`: 201 with the new user, or with the unlinked user it was linked to.
   *
   * The common case is one statement (no transaction): the body is validated against the
   * tenant's settings as this process's last create saw them, and the statement inserts the user
   * and its audit row only if the user links to nobody and those settings are still current.
   * Anything else (the tenant's first create here, a user to link, settings changed, a body the
   * remembered settings refuse) takes the transactional path with the tenant's current settings.
   */
  async create(
    context: ScimRequestContext,
    body: unknown,
    query: QueryParams,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    const snapshot = this.createSnapshots.get(tenantId);
    if (snapshot) {
      const created = await this.createPlain(context, body, query, snapshot);
      if (created) return created;
    }
    const settings = await this.registries.schemaSettings(tenantId);
    try {
      return await this.createWith(context, body, query, settings, true);
    } catch (error) {
      if (!(error instanceof StaleSchemaSettings)) throw error;
      return this.createWith(context, body, query, error.current, false);
    }
  }

  /** The one-statement create (see `create`); undefined when the transactional path must decide. */
  private async createPlain(
    context: ScimRequestContext,
    body: unknown,
    query: QueryParams,
    snapshot: CreateSnapshot,
  ): Promise<ScimResult | undefined> {
    const { tenantId } = context;
    const { registry, strictSchemas } = snapshot.settings;
    let columns: UserColumns;
    let password: string | undefined;
    try {
      const { resource } = canonicalizeResource(body, registry, 'User', {
        strictExtensions: strictSchemas,
      });
      const split = splitPassword(resource);
      password = split.password;
      columns = userColumns(split.document);
      checkVerifiedDomains(columns.resource, verifiedDomainsOf(snapshot.verifiedDomains));
    } catch (error) {
      // Refused under the remembered settings: the current ones decide (and answer the error).
      if (error instanceof ScimError) return undefined;
      throw error;
    }
    const passwordHash = password === undefined ? null : await hashPassword(password);
    const id = randomUUID();
    const changed = attributePaths(columns.resource, registry, 'User');
    if (password !== undefined) changed.push('password');
    const audit = this.audit.statementWrite(this.auditWrite(tenantId, id, 'create', 201, changed));
    const user = await this.write(
      () =>
        this.repository.insertIfPlain(
          tenantId,
          id,
          columns,
          passwordHash,
          primaryEmailOf(columns.resource),
          { settings: snapshot.stored, verifiedDomains: snapshot.verifiedDomains },
          audit.params,
        ),
      false,
    );
    if (!user) return undefined;
    audit.committed();
    this.statistics.created();
    return this.resourceResult(201, user, context, registry, query, { location: true });
  }

  private async createWith(
    context: ScimRequestContext,
    body: unknown,
    query: QueryParams,
    settings: TenantSchemaSettings,
    checkSettings: boolean,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    const { registry, strictSchemas } = settings;
    const { resource } = canonicalizeResource(body, registry, 'User', {
      strictExtensions: strictSchemas,
    });
    const { document, password } = splitPassword(resource);
    const columns = userColumns(document);
    const passwordHash = password === undefined ? null : await hashPassword(password);
    const withPassword = (paths: string[]): string[] =>
      password === undefined ? paths : [...paths, 'password'];

    const user = await this.write(async (manager) => {
      const outcome = await this.repository.insertUnlessLinkable(
        manager,
        tenantId,
        randomUUID(),
        columns,
        passwordHash,
        primaryEmailOf(columns.resource),
      );
      const current = this.registries.fromStored(tenantId, outcome.settings);
      this.rememberCreateSnapshot(tenantId, {
        settings: current,
        stored: outcome.settings,
        verifiedDomains:
          outcome.kind === 'inserted' ? outcome.verifiedDomains : outcome.user.verifiedDomains,
      });
      const stale = current.registry !== registry || current.strictSchemas !== strictSchemas;
      if (stale && checkSettings) throw new StaleSchemaSettings(current);
      if (outcome.kind === 'inserted') {
        checkVerifiedDomains(columns.resource, verifiedDomainsOf(outcome.verifiedDomains));
        await this.record(manager, tenantId, outcome.user.id, 'create', 201, {
          changed: withPassword(attributePaths(columns.resource, registry, 'User')),
        });
        return outcome.user;
      }
      return this.link(manager, tenantId, outcome.user, columns, passwordHash, registry, {
        password: password !== undefined,
      });
    });
    this.statistics.created();
    return this.resourceResult(201, user, context, registry, query, { location: true });
  }

  private rememberCreateSnapshot(tenantId: string, snapshot: CreateSnapshot): void {
    this.createSnapshots.delete(tenantId);
    this.createSnapshots.set(tenantId, snapshot);
    if (this.createSnapshots.size > CREATE_SETTINGS_LIMIT) {
      const oldest = this.createSnapshots.keys().next();
      if (!oldest.done) this.createSnapshots.delete(oldest.value);
    }
  }

  /** `GET /Users/{id}`: 200, or 304 when `If-None-Match` names the current version. */
  async get(
    context: ScimRequestContext,
    id: string,
    query: QueryParams,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(id)) throw userNotFound(id);
    const read = await this.repository.findById(tenantId, id);
    if (!read) throw notFound('tenant');
    const user = read.found;
    if (!user) throw userNotFound(id);
    const { registry } = this.registries.fromStored(tenantId, read.settings);
    if (ifNoneMatchHolds(preconditions.ifNoneMatch, user.version)) {
      return { status: 304, etag: versionETag(user.version) };
    }
    return this.resourceResult(200, user, context, registry, query);
  }

  /** `GET /Users`: a ListResponse (RFC 7644 §3.4.2). */
  list(context: ScimRequestContext, query: QueryParams): Promise<ScimResult> {
    return this.find(context, parseListQuery(query, this.listLimits()));
  }

  /** `POST /Users/.search` (RFC 7644 §3.4.3): the same as a GET with the body's parameters. */
  search(context: ScimRequestContext, body: unknown): Promise<ScimResult> {
    return this.find(context, parseSearchRequest(body, this.listLimits()));
  }

  /**
   * `PUT /Users/{id}`: the sent user replaces the stored one. Read-only attributes (`id`, `meta`,
   * `groups`) are ignored, attributes left out are cleared, `password` left out is kept (it is
   * write-only: a client cannot send back what it cannot read), immutable ones are checked.
   */
  async replace(
    context: ScimRequestContext,
    id: string,
    body: unknown,
    query: QueryParams,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(id)) throw userNotFound(id);
    const { registry, strictSchemas } = await this.registries.schemaSettings(tenantId);
    const { resource } = canonicalizeResource(body, registry, 'User', {
      strictExtensions: strictSchemas,
    });
    const { document: sent, password } = splitPassword(resource);
    userColumns(sent); // refuse a bad userName before waiting for the row lock
    const passwordHash = password === undefined ? null : await hashPassword(password);

    const user = await this.write(async (manager) => {
      const { user: current } = await this.locked(manager, tenantId, id, preconditions);
      const columns = userColumns(keepImmutable(current.resource, sent, registry, 'User'));
      checkVerifiedDomains(columns.resource, verifiedDomainsOf(current.verifiedDomains));
      const changed = changedPaths(current.resource, columns.resource, registry, 'User');
      if (password !== undefined) changed.push('password');
      if (changed.length === 0) return current;
      const updated = await this.repository.update(manager, tenantId, id, columns, passwordHash);
      await this.record(manager, tenantId, id, 'replace', 200, { changed });
      return updated;
    });
    return this.resourceResult(200, user, context, registry, query);
  }

  /**
   * `PATCH /Users/{id}`: Entra's request forms (both dialects) normalised, then RFC 7644 §3.5.2.
   * 204, or 200 with the resource when `attributes`/`excludedAttributes` is given. Operations that
   * change nothing (also `Operations: []`) store nothing and keep the version.
   */
  async patch(
    context: ScimRequestContext,
    id: string,
    body: unknown,
    query: QueryParams,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(id)) throw userNotFound(id);
    const status = wantsBody(query) ? 200 : 204;

    // The patch is worked out on the user as read, then stored with its audit row in one
    // statement that applies only if nobody changed the user meanwhile (2 round trips instead of
    // BEGIN, lock, update, audit, COMMIT). A writer that keeps losing that race takes the row lock.
    let outcome: { user: UserRecord; registry: SchemaRegistry } | undefined;
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS && !outcome; attempt++) {
      const read = await this.repository.readForWrite(tenantId, id);
      outcome = await this.write(async () => {
        const current = this.checkedForWrite(read, id, preconditions);
        const step = this.patched(context, current, read!.settings, body);
        if (!step.change) return { user: current, registry: step.registry };
        const { columns, password, changed } = step.change;
        const passwordHash = password === undefined ? null : await hashPassword(password);
        const audit = this.audit.statementWrite(
          this.auditWrite(tenantId, id, 'patch', status, changed),
        );
        const updated = await this.repository.updateIfVersion(
          tenantId,
          id,
          current.version,
          columns,
          passwordHash,
          audit.params,
        );
        if (!updated) return undefined;
        audit.committed();
        return { user: updated, registry: step.registry };
      }, false);
    }
    outcome ??= await this.write(async (manager) => {
      const locked = await this.locked(manager, tenantId, id, preconditions);
      const current = locked.user;
      const step = this.patched(context, current, locked.settings, body);
      if (!step.change) return { user: current, registry: step.registry };
      const { columns, password, changed } = step.change;
      const passwordHash = password === undefined ? null : await hashPassword(password);
      const updated = await this.repository.update(manager, tenantId, id, columns, passwordHash);
      await this.record(manager, tenantId, id, 'patch', status, { changed });
      return { user: updated, registry: step.registry };
    });
    const { user, registry } = outcome;
    if (wantsBody(query)) return this.resourceResult(200, user, context, registry, query);
    return { status: 204, etag: versionETag(user.version) };
  }

  /**
   * A PATCH request worked out on `current` (Entra's forms normalised, then RFC 7644 §3.5.2):
   * the new columns and what changed, or no change (also for `Operations: []`).
   */
  private patched(
    context: ScimRequestContext,
    current: LockedUser,
    settings: StoredScimSchemaSettings,
    body: unknown,
  ): {
    registry: SchemaRegistry;
    change?: { columns: UserColumns; password: string | undefined; changed: string[] };
  } {
    const { registry } = this.registries.fromStored(context.tenantId, settings);
    const patchContext = { registry, resourceType: 'User' as const };
    const before = toScimUser(current, context.baseUrl);
    const operations = normalizePatchRequest(body, { ...patchContext, resource: before });
    if (operations.length === 0) return { registry };
    const { resource, changed } = applyPatch(before, operations, patchContext);
    const { document, password } = splitPassword(storableDocument(resource));
    if (changed.length === 0 && password === undefined) return { registry };
    const columns = userColumns(document);
    checkVerifiedDomains(columns.resource, verifiedDomainsOf(current.verifiedDomains));
    return { registry, change: { columns, password, changed: [...changed] } };
  }

  /** A user read for a write, after its `If-Match` check; 404 / 412 otherwise. */
  private checkedForWrite(
    read: { user: LockedUser } | null,
    id: string,
    preconditions: Preconditions,
  ): LockedUser {
    if (!read) throw userNotFound(id);
    const { user } = read;
    requireIfMatch(preconditions.ifMatch, user.version, `User ${id}`);
    return user;
  }

  /** `DELETE /Users/{id}`: soft delete, 204; the user leaves every group in the same transaction. */
  async delete(
    context: ScimRequestContext,
    id: string,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(id)) throw userNotFound(id);
    await this.write(async (manager) => {
      await this.locked(manager, tenantId, id, preconditions);
      await this.repository.softDelete(manager, tenantId, id);
      const membershipsRemoved = await this.memberships.removeEverywhere(manager, tenantId, id);
      await this.record(manager, tenantId, id, 'delete', 204, {
        changed: [],
        ...(membershipsRemoved > 0 ? { counts: { membershipsRemoved } } : {}),
      });
    });
    return { status: 204 };
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Links a create to an unlinked user of the tenant (account linking, issue 4 item 8). */
  private async link(
    manager: EntityManager,
    tenantId: string,
    candidate: LockedUser,
    sent: UserColumns,
    passwordHash: string | null,
    registry: SchemaRegistry,
    options: { password: boolean },
  ): Promise<UserRecord> {
    const columns = userColumns(linkedDocument(candidate.resource, sent.resource, registry));
    checkVerifiedDomains(columns.resource, verifiedDomainsOf(candidate.verifiedDomains));
    const updated = await this.repository.update(
      manager,
      tenantId,
      candidate.id,
      columns,
      passwordHash,
    );
    const changed = changedPaths(candidate.resource, columns.resource, registry, 'User');
    if (options.password) changed.push('password');
    await this.record(manager, tenantId, candidate.id, 'link', 201, { changed });
    return updated;
  }

  /** The user locked for a write, after its `If-Match` check; 404 / 412 otherwise. */
  private async locked(
    manager: EntityManager,
    tenantId: string,
    id: string,
    preconditions: Preconditions,
  ): Promise<{ user: LockedUser; settings: StoredScimSchemaSettings }> {
    const locked = await this.repository.lock(manager, tenantId, id);
    this.checkedForWrite(locked, id, preconditions);
    return locked!;
  }

  /**
   * Runs a write, in a transaction unless `transaction` is false (a write of one statement);
   * a clash on the userName index becomes the SCIM 409.
   */
  private async write<T>(
    work: (manager: EntityManager) => Promise<T>,
    transaction = true,
  ): Promise<T> {
    try {
      return transaction
        ? await this.dataSource.transaction(work)
        : await work(this.dataSource.manager);
    } catch (error) {
      if (isUniqueViolation(error, USER_NAME_UNIQUE_INDEX)) {
        throw new ScimError(
          409,
          'userName is already taken by another user of this tenant (compared without regard to case)',
          ScimType.Uniqueness,
        );
      }
      throw error;
    }
  }

  private record(
    manager: EntityManager,
    tenantId: string,
    resourceId: string,
    operation: AuditWrite['operation'],
    status: number,
    { changed, counts }: { changed: readonly string[]; counts?: Record<string, number> },
  ): Promise<void> {
    return this.audit.recordWrite(
      manager,
      this.auditWrite(tenantId, resourceId, operation, status, changed, counts),
    );
  }

  private auditWrite(
    tenantId: string,
    resourceId: string,
    operation: AuditWrite['operation'],
    status: number,
    changed: readonly string[],
    counts?: Record<string, number>,
  ): AuditWrite {
    return {
      tenantId,
      resourceType: 'User',
      resourceId,
      operation,
      status,
      changedAttributes: changed,
      ...(counts ? { counts } : {}),
    };
  }

  private async find(context: ScimRequestContext, query: ListQuery): Promise<ScimResult> {
    const { tenantId } = context;
    const { page } = query;
    const lookup = query.sortBy === undefined ? hotLookup(query.filter) : undefined;
    let registry: SchemaRegistry;
    let found: UserPage;
    if (lookup && lookup.column === 'id' && !CANONICAL_UUID.test(lookup.value)) {
      // No id has that form (ids are case-exact canonical UUIDs): nothing to look up.
      registry = await this.registries.registryFor(tenantId);
      found = { users: [], total: 0 };
    } else if (lookup) {
      // One fixed-text prepared statement that also reads the tenant's schema settings.
      const { column, value } = lookup;
      const read = await this.repository.lookup(tenantId, column, value, page.count, page.offset);
      if (!read) throw notFound('tenant');
      registry = this.registries.fromStored(tenantId, read.settings).registry;
      found = read.found;
    } else {
      registry = await this.registries.registryFor(tenantId);
      const target: SqlFilterTarget = {
        registry,
        resourceType: 'User',
        document: 'u.resource',
        columns: USER_FILTER_COLUMNS,
        relations: USER_FILTER_RELATIONS,
      };
      const where = query.filter ? compileFilter(query.filter, target, 2) : undefined;
      const orderBy =
        query.sortBy === undefined
          ? USER_LIST_ORDER
          : `${compileSortBy(query.sortBy, target, query.sortOrder)}, u.id`;
      found = await this.repository.list(tenantId, where, orderBy, page.count, page.offset);
    }
    const projection = new ResourceProjection(query, registry, 'User');
    const resources = found.users.map((user) =>
      projection.apply(toScimUser(user, context.baseUrl)),
    );
    return { status: 200, body: listResponse(resources, found.total, page.startIndex) };
  }

  /** A user as a response shows it (its direct groups were read with it), projected. */
  private resourceResult(
    status: 200 | 201,
    user: UserRecord,
    context: ScimRequestContext,
    registry: SchemaRegistry,
    query: QueryParams,
    options: { location?: boolean } = {},
  ): ScimResult {
    const projection = new ResourceProjection(projectionOf(query), registry, 'User');
    const resource = toScimUser(user, context.baseUrl);
    return {
      status,
      body: projection.apply(resource),
      etag: versionETag(user.version),
      ...(options.location ? { location: userLocation(context.baseUrl, user.id) } : {}),
    };
  }

  private listLimits(): { defaultCount: number; maxResults: number } {
    return {
      defaultCount: this.config.SCIM_DEFAULT_COUNT,
      maxResults: this.config.SCIM_MAX_RESULTS,
    };
  }
}

/** Tenants whose schema settings `create` keeps; beyond it the oldest is dropped (and re-read). */
const CREATE_SETTINGS_LIMIT = 10_000;

/** Thrown inside a create's transaction (to roll it back) when the tenant's settings changed. */
/** A tenant's settings as a create statement read them: what the one-statement create checks. */
interface CreateSnapshot {
  readonly settings: TenantSchemaSettings;
  /** As stored: what the statement compares the tenant's row with. */
  readonly stored: StoredScimSchemaSettings;
  readonly verifiedDomains: unknown;
}

class StaleSchemaSettings extends Error {
  constructor(readonly current: TenantSchemaSettings) {
    super("the tenant's SCIM schema settings changed during the create");
  }
}

function userNotFound(id: string): Error {
  return notFound(`User ${JSON.stringify(id)}`);
}

/**
 * Entra's matching lookups, `userName eq "…"`, `externalId eq "…"` (and `id eq "…"`), served by
 * fixed-text prepared statements on their own index. Core attributes resolve the same in every
 * tenant's registry, so no registry is needed to recognise them.
 */
function hotLookup(
  filter: Filter | undefined,
): { column: LookupColumn; value: string } | undefined {
  if (!filter || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const { path, value } = filter;
  if (path.sub !== undefined) return undefined;
  if (path.uri !== undefined && path.uri.toLowerCase() !== CORE_USER.toLowerCase())
    return undefined;
  switch (path.attr.toLowerCase()) {
    case 'username':
      return { column: 'userName', value };
    case 'externalid':
      return { column: 'externalId', value };
    case 'id':
      return { column: 'id', value };
    default:
      return undefined;
  }
}
