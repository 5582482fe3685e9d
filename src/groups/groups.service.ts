import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuditWrite } from '../audit/audit.types.js';
import { notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import { AppConfig } from '../config/app-config.js';
import { isUniqueViolation } from '../database/prepared.js';
import type { ScimRequestContext } from '../scim-http/scim-request.js';
import type { ScimResult } from '../scim-http/scim-result.js';
import { ScimError, ScimType } from '../scim/errors/scim-error.js';
import { ifMatchAllows, ifNoneMatchHolds, requireIfMatch, versionETag } from '../scim/etag/etag.js';
import type { Filter } from '../scim/filter/ast.js';
import { compileFilter, compileSortBy, type SqlFilterTarget } from '../scim/filter/compile-sql.js';
import { parseListQuery, parseSearchRequest, type ListQuery } from '../scim/list/list-query.js';
import { listResponse } from '../scim/list/list-response.js';
import { ResourceProjection } from '../scim/list/projection.js';
import { normalizePatchRequest } from '../scim/patch/entra/index.js';
import { applyPatch } from '../scim/patch/engine.js';
import type { DeltaChange } from '../scim/patch/types.js';
import { canonicalizeResource } from '../scim/resource/canonical-resource.js';
import {
  attributePaths,
  changedPaths,
  keepImmutable,
} from '../scim/resource/document-attributes.js';
import type { Json } from '../scim/resource/canonical-value.js';
import type { SchemaRegistry } from '../scim/schema/registry.js';
import { ScimSchemaRegistryService } from '../tenants/scim-schema-registry.service.js';
import type { StoredScimSchemaSettings } from '../tenants/tenants.repository.js';
import { groupColumns, splitMembers } from './group-document.js';
import type { MemberType } from './group-member.entity.js';
import {
  groupLocation,
  storableGroupDocument,
  toScimGroup,
  type GroupRecord,
  type MemberRecord,
} from './group-mapper.js';
import {
  projectionOf,
  wantsBody,
  type Preconditions,
  type QueryParams,
} from '../scim-http/scim-query.js';
import {
  GROUP_DISPLAY_NAME_UNIQUE_INDEX,
  GROUP_FILTER_COLUMNS,
  GROUP_FILTER_RELATIONS,
  GROUP_LIST_ORDER,
  GroupsRepository,
  MEMBER_ROW_RELATIONS,
  type GroupPage,
  type LockMode,
  type MembershipCounts,
} from './groups.repository.js';

const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const MEMBERS = 'members';

/** The canonical (lower-case) UUID form ids take: the only text a case-exact id can match. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Member ids named at most in a 400 about members that do not exist. */
const NAMED_MISSING_MEMBERS = 20;

/** Attempts of a write transaction that PostgreSQL aborted to break a deadlock. */
const DEADLOCK_ATTEMPTS = 3;

/**
 * SCIM Groups (RFC 7643 §4.2, RFC 7644 §3) for one tenant at a time, as Microsoft Entra ID drives
 * them (`../shared/spec/entra.md` §2.4): every rule lives here; the controller only passes input.
 *
 * - The document (without `members`) is one JSONB row of `scim_groups`; members are rows of
 *   `group_members`, changed by set statements (`INSERT … SELECT unnest(…) ON CONFLICT DO
 *   NOTHING`, `DELETE … = ANY(…)`), never by reading or rewriting the member list.
 * - Writes run in one transaction each and lock the group first, so concurrent writers queue; the
 *   audit row (with `membersAdded`/`membersRemoved` counts) is inserted in the same transaction.
 * - `displayName` is unique per tenant without regard to case: the unique index decides, and its
 *   violation is the 409 `uniqueness`.
 * - A member must be a user (not deleted) or a group of the tenant; others are a 400
 *   `invalidValue` naming them, and the request changes nothing. Re-adding a member or removing
 *   one that is not there is no error. A group can contain groups (not expanded; a group cannot
 *   contain itself).
 * - Versions: every change (members included) bumps `version`; `ETag`/`meta.version` are
 *   `W/"<version>"`; `If-Match` naming another version → 412; `If-None-Match` on GET → 304.
 *   Memberships that go because their member (a user, a group) is deleted do not bump the
 *   version of the groups they were in (that would lock those groups from the member's delete).
 * - PATCH answers 204, or 200 with the group when `attributes`/`excludedAttributes` is given.
 * - DELETE deletes for good (no soft delete), with the group's memberships both ways.
 * - Reads that leave `members` out (`excludedAttributes=members`, as Entra always asks) never
 *   touch `group_members`; the others read all members in one statement.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: GroupsRepository,
    private readonly registries: ScimSchemaRegistryService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** `POST /Groups`: 201 with the new group, its members included (Entra expects `members: []`). */
  async create(
    context: ScimRequestContext,
    body: unknown,
    query: QueryParams,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    const { registry, strictSchemas } = await this.registries.schemaSettings(tenantId);
    const { resource } = canonicalizeResource(body, registry, 'Group', {
      strictExtensions: strictSchemas,
    });
    const { document, memberIds } = splitMembers(resource);
    const columns = groupColumns(document);
    const id = randomUUID();

    const { group, members } = await this.write(async (manager) => {
      const members = await this.existingMembers(manager, tenantId, id, memberIds);
      const group = await this.repository.insert(manager, tenantId, id, columns);
      const { added } = await this.repository.addMembers(manager, tenantId, id, members);
      const changed = attributePaths(columns.resource, registry, 'Group');
      if (added > 0) changed.push(MEMBERS);
      await this.record(manager, tenantId, id, 'create', 201, {
        changed,
        ...(added > 0 ? { counts: { membersAdded: added } } : {}),
      });
      return { group, members };
    });
    return this.resourceResult(201, group, context, registry, query, {
      members: byId(members),
      location: true,
    });
  }

  /** `GET /Groups/{id}`: 200, or 304 when `If-None-Match` names the current version. */
  async get(
    context: ScimRequestContext,
    id: string,
    query: QueryParams,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(id)) throw groupNotFound(id);
    const read = await this.repository.findById(tenantId, id);
    if (!read) throw notFound('tenant');
    const group = read.found;
    if (!group) throw groupNotFound(id);
    const { registry } = this.registries.fromStored(tenantId, read.settings);
    if (ifNoneMatchHolds(preconditions.ifNoneMatch, group.version)) {
      return { status: 304, etag: versionETag(group.version) };
    }
    return this.resourceResult(200, group, context, registry, query);
  }

  /** `GET /Groups`: a ListResponse (RFC 7644 §3.4.2). */
  list(context: ScimRequestContext, query: QueryParams): Promise<ScimResult> {
    return this.find(context, parseListQuery(query, this.listLimits()));
  }

  /** `POST /Groups/.search` (RFC 7644 §3.4.3): the same as a GET with the body's parameters. */
  search(context: ScimRequestContext, body: unknown): Promise<ScimResult> {
    return this.find(context, parseSearchRequest(body, this.listLimits()));
  }

  /**
   * `PUT /Groups/{id}`: the sent group replaces the stored one, members included: the members
   * become exactly the ones sent (none, when `members` is left out: RFC 7644 §3.5.1 lets a server
   * clear omitted attributes, as PUT /Users does). Read-only attributes are ignored.
   */
  async replace(
    context: ScimRequestContext,
    rawId: string,
    body: unknown,
    query: QueryParams,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(rawId)) throw groupNotFound(rawId);
    const id = rawId.toLowerCase(); // ids are stored, compared and shown in lower case
    const { registry, strictSchemas } = await this.registries.schemaSettings(tenantId);
    const { resource } = canonicalizeResource(body, registry, 'Group', {
      strictExtensions: strictSchemas,
    });
    const { document: sent, memberIds } = splitMembers(resource);
    groupColumns(sent); // refuse a bad displayName before waiting for the row lock

    const { group, members } = await this.write(async (manager) => {
      const { group: current } = await this.locked(manager, tenantId, id, 'update', preconditions);
      const columns = groupColumns(keepImmutable(current.resource, sent, registry, 'Group'));
      const members = await this.existingMembers(manager, tenantId, id, memberIds);
      const counts = await this.repository.replaceMembers(manager, tenantId, id, members);
      const changed = changedPaths(current.resource, columns.resource, registry, 'Group');
      const membersChanged = counts.added + counts.removed > 0;
      if (changed.length === 0 && !membersChanged) return { group: current, members };
      const updated =
        changed.length > 0
          ? await this.repository.update(manager, tenantId, id, columns)
          : await this.repository.touch(manager, tenantId, id);
      if (membersChanged) changed.push(MEMBERS);
      await this.record(manager, tenantId, id, 'replace', 200, {
        changed,
        counts: memberCounts(counts),
      });
      return { group: updated, members };
    });
    return this.resourceResult(200, group, context, registry, query, { members: byId(members) });
  }

  /**
   * `PATCH /Groups/{id}`: Entra's request forms (both dialects) normalised, then RFC 7644 §3.5.2;
   * member operations are applied in order as set statements. 204, or 200 with the group when
   * `attributes`/`excludedAttributes` is given. Operations that change nothing (re-adding a
   * member, `Operations: []`) store nothing and keep the version.
   */
  async patch(
    context: ScimRequestContext,
    rawId: string,
    body: unknown,
    query: QueryParams,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(rawId)) throw groupNotFound(rawId);
    const id = rawId.toLowerCase(); // ids are stored, compared and shown in lower case

    const now = await this.patchMembersNow(context, id, body, query, preconditions);
    if (now) return now;

    const status = wantsBody(query) ? 200 : 204;
    const { group, registry } = await this.write(async (manager) => {
      // A PATCH of members only (what Entra sends) works on the group as read and takes the
      // group's row lock last, with the version bump: concurrent member PATCHes of one group
      // hold it for two statements, not for the whole request. Member changes are set
      // statements, so they commute; a DELETE of the group meanwhile makes the bump find nothing
      // and the whole PATCH roll back. Anything that changes the document locks the group first.
      const read = await this.repository.read(manager, tenantId, id);
      const readGroup = this.checkedForWrite(read, id, preconditions);
      const planned = this.planPatch(context, readGroup, read!.settings, body);
      if (planned.documentChanged.length === 0) {
        const { registry, memberChanges } = planned;
        const unchanged = { group: readGroup, registry };
        if (memberChanges.length === 0) return unchanged;
        const counts = await this.applyMemberChanges(
          manager,
          tenantId,
          id,
          memberChanges,
          registry,
        );
        if (counts.added + counts.removed === 0) return unchanged;
        const expected = preconditions.ifMatch === undefined ? null : readGroup.version;
        const updated = await this.repository.touchIf(manager, tenantId, id, expected);
        if (!updated) {
          // Deleted, or changed against an If-Match, since it was read: the locked read decides.
          await this.locked(manager, tenantId, id, 'update', preconditions);
          throw new ScimError(412, `If-Match does not name the current version of Group ${id}`);
        }
        await this.record(manager, tenantId, id, 'patch', status, {
          changed: [MEMBERS],
          counts: memberCounts(counts),
        });
        return { group: updated, registry };
      }

      const locked = await this.locked(manager, tenantId, id, 'update', preconditions);
      const current = locked.group;
      const { registry, resource, documentChanged, memberChanges } = this.planPatch(
        context,
        current,
        locked.settings,
        body,
      );
      const unchanged = { group: current, registry };
      const counts = await this.applyMemberChanges(manager, tenantId, id, memberChanges, registry);
      const membersChanged = counts.added + counts.removed > 0;
      if (documentChanged.length === 0 && !membersChanged) return unchanged;
      const updated =
        documentChanged.length > 0
          ? await this.repository.update(
              manager,
              tenantId,
              id,
              groupColumns(storableGroupDocument(resource)),
            )
          : await this.repository.touch(manager, tenantId, id);
      await this.record(manager, tenantId, id, 'patch', status, {
        changed: membersChanged ? [...documentChanged, MEMBERS] : documentChanged,
        ...(memberChanges.length > 0 ? { counts: memberCounts(counts) } : {}),
      });
      return { group: updated, registry };
    });
    if (wantsBody(query)) return this.resourceResult(200, group, context, registry, query);
    return { status: 204, etag: versionETag(group.version) };
  }

  /**
   * Entra's everyday membership PATCH — one `add` of members, or one `remove` of listed members,
   * nothing else — in two round trips: the group is read (no lock, no transaction), the request
   * worked out on it, and the change, the version bump and the audit row are one statement
   * (GroupsRepository.changeMembersNow) that locks the group for that statement only. Undefined
   * when the request is of another kind or the statement changed nothing because something is
   * off (group gone, If-Match, a member that does not exist): the transactional path then
   * decides and answers.
   */
  private async patchMembersNow(
    context: ScimRequestContext,
    id: string,
    body: unknown,
    query: QueryParams,
    preconditions: Preconditions,
  ): Promise<ScimResult | undefined> {
    const { tenantId } = context;
    const read = await this.repository.findById(tenantId, id);
    const current = read?.found;
    if (!read || !current || !ifMatchAllows(preconditions.ifMatch, current.version)) {
      return undefined;
    }
    const planned = this.planPatch(context, current, read.settings, body);
    const [change, ...more] = planned.memberChanges;
    if (planned.documentChanged.length > 0 || !change || more.length > 0) return undefined;
    let kind: 'add' | 'remove';
    let ids: string[];
    if (change.kind === 'add') [kind, ids] = ['add', change.values.map(({ value }) => value)];
    else if (change.kind === 'remove') [kind, ids] = ['remove', [...change.values]];
    else return undefined;
    ids = [...new Set(ids)];
    const usable = ids.every((member) => CANONICAL_UUID.test(member) && member !== id);
    if (ids.length === 0 || !usable) return undefined;

    const status = wantsBody(query) ? 200 : 204;
    const audit = this.audit.statementWrite({
      tenantId,
      resourceType: 'Group',
      resourceId: id,
      operation: 'patch',
      status,
      changedAttributes: [MEMBERS],
      counts: memberCounts({ added: 0, removed: 0 }), // the statement counts
    });
    const expected = preconditions.ifMatch === undefined ? null : current.version;
    let outcome: Awaited<ReturnType<GroupsRepository['changeMembersNow']>>;
    try {
      outcome = await this.repository.changeMembersNow(
        kind,
        tenantId,
        id,
        ids,
        expected,
        audit.params,
      );
    } catch (error) {
      if (isDeadlock(error)) return undefined;
      throw error;
    }
    if (!outcome.ok) return undefined;
    let group = current;
    if (outcome.changed > 0 && outcome.group) {
      audit.committed();
      group = outcome.group;
    }
    if (wantsBody(query)) {
      const { registry } = planned;
      return this.resourceResult(200, group, context, registry, query);
    }
    return { status: 204, etag: versionETag(group.version) };
  }

  /**
   * A PATCH request worked out on `current` (Entra's forms normalised, then RFC 7644 §3.5.2): the
   * new document, the names of the document attributes it changes, and the member changes.
   */
  private planPatch(
    context: ScimRequestContext,
    current: GroupRecord,
    settings: StoredScimSchemaSettings,
    body: unknown,
  ): {
    registry: SchemaRegistry;
    resource: Json;
    documentChanged: string[];
    memberChanges: readonly DeltaChange[];
  } {
    const { registry } = this.registries.fromStored(context.tenantId, settings);
    const patchContext = { registry, resourceType: 'Group' as const };
    const before = toScimGroup(current, context.baseUrl);
    const operations = normalizePatchRequest(body, { ...patchContext, resource: before });
    if (operations.length === 0) {
      return { registry, resource: before, documentChanged: [], memberChanges: [] };
    }
    const { resource, changed, deltas } = applyPatch(before, operations, {
      ...patchContext,
      deltaAttributes: [MEMBERS],
    });
    return {
      registry,
      resource,
      documentChanged: changed.filter((path) => path !== MEMBERS),
      memberChanges: deltas[MEMBERS] ?? [],
    };
  }

  /** A group read for a write, after its `If-Match` check; 404 / 412 otherwise. */
  private checkedForWrite(
    read: { group: GroupRecord } | null,
    id: string,
    preconditions: Preconditions,
  ): GroupRecord {
    if (!read) throw groupNotFound(id);
    const { group } = read;
    requireIfMatch(preconditions.ifMatch, group.version, `Group ${id}`);
    return group;
  }

  /** `DELETE /Groups/{id}`: 204; the group, its members and its memberships go for good. */
  async delete(
    context: ScimRequestContext,
    rawId: string,
    preconditions: Preconditions,
  ): Promise<ScimResult> {
    const { tenantId } = context;
    if (!isUuid(rawId)) throw groupNotFound(rawId);
    const id = rawId.toLowerCase(); // ids are stored, compared and shown in lower case
    await this.write(async (manager) => {
      await this.locked(manager, tenantId, id, 'delete', preconditions);
      const { members, memberships } = await this.repository.delete(manager, tenantId, id);
      await this.record(manager, tenantId, id, 'delete', 204, {
        changed: [],
        counts: { membersRemoved: members, membershipsRemoved: memberships },
      });
    });
    return { status: 204 };
  }

  // ---- members --------------------------------------------------------------------------------

  /**
   * The members `ids` name, each locked `FOR KEY SHARE` (see GroupsRepository.findMembers), with
   * their type. Ids that are no user (not deleted) or group of the tenant are a 400
   * `invalidValue` naming them; so is the group itself.
   */
  private async existingMembers(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    ids: readonly string[],
  ): Promise<MemberRecord[]> {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)];
    if (unique.includes(groupId)) {
      throw new ScimError(400, `a group cannot be a member of itself`, ScimType.InvalidValue);
    }
    const candidates = unique.filter((id) => CANONICAL_UUID.test(id));
    const found = await this.repository.findMembers(manager, tenantId, candidates);
    if (found.length === unique.length) return found;
    const present = new Set(found.map((member) => member.id));
    const missing = unique.filter((id) => !present.has(id));
    const named = missing
      .slice(0, NAMED_MISSING_MEMBERS)
      .map((id) => JSON.stringify(id))
      .join(', ');
    const more =
      missing.length > NAMED_MISSING_MEMBERS
        ? ` and ${missing.length - NAMED_MISSING_MEMBERS} more`
        : '';
    throw new ScimError(
      400,
      `members must be users or groups of this tenant; no such user or group: ${named}${more}`,
      ScimType.InvalidValue,
    );
  }

  /**
   * Applies a PATCH's member changes in order, one set statement each, after checking (and
   * locking) every member it adds, so that a member that does not exist fails the request before
   * anything changed, and locks are always taken in the same order (group, members, rows).
   */
  private async applyMemberChanges(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    changes: readonly DeltaChange[],
    registry: SchemaRegistry,
  ): Promise<MembershipCounts> {
    if (changes.length === 0) return { added: 0, removed: 0 };
    const adding = changes.flatMap((change) =>
      change.kind === 'add' || change.kind === 'replace' ? change.values.map((v) => v.value) : [],
    );
    const found = await this.existingMembers(manager, tenantId, groupId, adding);
    const typeOf = new Map<string, MemberType>(found.map((member) => [member.id, member.type]));
    const membersOf = (values: readonly { value: string }[]) =>
      values.map(({ value }) => ({ id: value, type: typeOf.get(value) ?? 'User' }));

    let added = 0;
    let removed = 0;
    for (const change of changes) {
      let counts: MembershipCounts;
      switch (change.kind) {
        case 'add':
          counts = await this.repository.addMembers(
            manager,
            tenantId,
            groupId,
            membersOf(change.values),
          );
          break;
        case 'replace':
          counts = await this.repository.replaceMembers(
            manager,
            tenantId,
            groupId,
            membersOf(change.values),
          );
          break;
        case 'remove':
          counts = await this.repository.removeMembers(
            manager,
            tenantId,
            groupId,
            change.values.filter((id) => CANONICAL_UUID.test(id)),
          );
          break;
        case 'removeAll':
          counts = await this.repository.removeAllMembers(manager, tenantId, groupId);
          break;
        case 'removeWhere': {
          const target: SqlFilterTarget = {
            registry,
            resourceType: 'Group',
            document: 'g.resource',
            columns: {},
            relations: MEMBER_ROW_RELATIONS,
          };
          const filter: Filter = {
            op: 'valuePath',
            path: { attr: MEMBERS },
            filter: change.filter,
          };
          const where = compileFilter(filter, target, 3);
          counts = await this.repository.removeMembersWhere(manager, tenantId, groupId, where);
          break;
        }
      }
      added += counts.added;
      removed += counts.removed;
    }
    return { added, removed };
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The group locked for a write, after its `If-Match` check; 404 / 412 otherwise. */
  private async locked(
    manager: EntityManager,
    tenantId: string,
    id: string,
    mode: LockMode,
    preconditions: Preconditions,
  ): Promise<{ group: GroupRecord; settings: StoredScimSchemaSettings }> {
    const locked = await this.repository.lock(manager, tenantId, id, mode);
    this.checkedForWrite(locked, id, preconditions);
    return locked!;
  }

  /**
   * Runs a write transaction. A clash on the displayName index becomes the SCIM 409; a
   * transaction PostgreSQL aborted to break a deadlock (two deletes of groups nested in each
   * other, say) runs again from the start.
   */
  private async write<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (isUniqueViolation(error, GROUP_DISPLAY_NAME_UNIQUE_INDEX)) {
          throw new ScimError(
            409,
            'displayName is already taken by another group of this tenant (compared without regard to case)',
            ScimType.Uniqueness,
          );
        }
        if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) throw error;
      }
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
    return this.audit.recordWrite(manager, {
      tenantId,
      resourceType: 'Group',
      resourceId,
      operation,
      status,
      changedAttributes: changed,
      ...(counts ? { counts } : {}),
    });
  }

  private async find(context: ScimRequestContext, query: ListQuery): Promise<ScimResult> {
    const { tenantId } = context;
    const { page } = query;
    const lookup = query.sortBy === undefined ? hotLookup(query.filter) : undefined;
    let registry: SchemaRegistry;
    let found: GroupPage;
    if (lookup && lookup.column === 'id' && !CANONICAL_UUID.test(lookup.value)) {
      registry = await this.registries.registryFor(tenantId);
      found = { groups: [], total: 0 };
    } else if (lookup) {
      // At most one group: one statement that also reads the tenant's schema settings.
      const read =
        lookup.column === 'id'
          ? await this.repository.findById(tenantId, lookup.value)
          : await this.repository.findByDisplayName(tenantId, lookup.value);
      if (!read) throw notFound('tenant');
      registry = this.registries.fromStored(tenantId, read.settings).registry;
      const group = read.found;
      found = {
        groups: group && page.offset === 0 && page.count > 0 ? [group] : [],
        total: group ? 1 : 0,
      };
    } else {
      registry = await this.registries.registryFor(tenantId);
      const target: SqlFilterTarget = {
        registry,
        resourceType: 'Group',
        document: 'g.resource',
        columns: GROUP_FILTER_COLUMNS,
        relations: GROUP_FILTER_RELATIONS,
      };
      const where = query.filter ? compileFilter(query.filter, target, 2) : undefined;
      const orderBy =
        query.sortBy === undefined
          ? GROUP_LIST_ORDER
          : `${compileSortBy(query.sortBy, target, query.sortOrder)}, g.id`;
      found = await this.repository.list(tenantId, where, orderBy, page.count, page.offset);
    }
    const projection = new ResourceProjection(query, registry, 'Group');
    const members = projection.wants(MEMBERS)
      ? await this.repository.membersOf(
          tenantId,
          found.groups.map((group) => group.id),
        )
      : undefined;
    const resources = found.groups.map((group) =>
      projection.apply(
        toScimGroup(group, context.baseUrl, members && (members.get(group.id) ?? [])),
      ),
    );
    return { status: 200, body: listResponse(resources, found.total, page.startIndex) };
  }

  /**
   * A group as a response shows it, projected; its members (already known, or read in one
   * statement) only when the projection keeps `members`.
   */
  private async resourceResult(
    status: 200 | 201,
    group: GroupRecord,
    context: ScimRequestContext,
    registry: SchemaRegistry,
    query: QueryParams,
    options: { members?: readonly MemberRecord[]; location?: boolean } = {},
  ): Promise<ScimResult> {
    const projection = new ResourceProjection(projectionOf(query), registry, 'Group');
    let members: readonly MemberRecord[] | undefined;
    if (projection.wants(MEMBERS)) {
      members =
        options.members ??
        (await this.repository.membersOf(context.tenantId, [group.id])).get(group.id) ??
        [];
    }
    return {
      status,
      body: projection.apply(toScimGroup(group, context.baseUrl, members)),
      etag: versionETag(group.version),
      ...(options.location ? { location: groupLocation(context.baseUrl, group.id) } : {}),
    };
  }

  private listLimits(): { defaultCount: number; maxResults: number } {
    return {
      defaultCount: this.config.SCIM_DEFAULT_COUNT,
      maxResults: this.config.SCIM_MAX_RESULTS,
    };
  }
}

function groupNotFound(id: string): Error {
  return notFound(`Group ${JSON.stringify(id)}`);
}

/** Members in the order a read returns them (by id), for responses built without a read. */
function byId(members: readonly MemberRecord[]): MemberRecord[] {
  return [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function memberCounts({ added, removed }: MembershipCounts): Record<string, number> {
  return { membersAdded: added, membersRemoved: removed };
}

/** PostgreSQL aborted the transaction to break a deadlock (SQLSTATE 40P01). */
function isDeadlock(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } }).driverError;
  return (driverError ?? (error as { code?: string })).code === '40P01';
}

/**
 * Entra's matching lookup `displayName eq "…"` (and `id eq "…"`), each at most one group, served
 * by one fixed-text prepared statement on its index. Core attributes resolve the same in every
 * tenant's registry, so no registry is needed to recognise them.
 */
function hotLookup(
  filter: Filter | undefined,
): { column: 'displayName' | 'id'; value: string } | undefined {
  if (!filter || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const { path, value } = filter;
  if (path.sub !== undefined) return undefined;
  if (path.uri !== undefined && path.uri.toLowerCase() !== CORE_GROUP.toLowerCase()) {
    return undefined;
  }
  switch (path.attr.toLowerCase()) {
    case 'displayname':
      return { column: 'displayName', value };
    case 'id':
      return { column: 'id', value };
    default:
      return undefined;
  }
}
