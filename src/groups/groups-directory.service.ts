import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { DomainError, DomainErrorCode, notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import {
  decodeCursor,
  encodeCursor,
  pageOf,
  type Page,
  type PageRequest,
} from '../graphql/connection.js';
import { loadById, type RequestLoaders } from '../graphql/loaders.js';
import {
  compileFilterArgument,
  type CountedPage,
  namedListPage,
} from '../graphql/scim-filter-argument.js';
import { ScimSchemaRegistryService } from '../tenants/scim-schema-registry.service.js';
import {
  toGroupMemberModel,
  toGroupModel,
  toGroupRefModel,
  type GroupMemberModel,
  type GroupModel,
  type GroupRefModel,
} from './graphql/group.model.js';
import {
  GroupsDirectoryRepository,
  type DirectoryMemberRow,
  type UserGroupRow,
} from './groups-directory.repository.js';
import { GROUP_FILTER_COLUMNS, GROUP_FILTER_RELATIONS } from './groups.repository.js';

/** A page of a connection whose `totalCount` is counted only when a client selects it. */

/** One page of one group's members, as the members DataLoader is asked for it. */
interface MembersKey {
  readonly groupId: string;
  /** Rows to read: the page size plus one (a next page exists). */
  readonly limit: number;
  readonly afterMemberId: string | null;
}

/**
 * Directory reads of groups for the host product (GraphQL): keyset pages in name order with a
 * SCIM filter, and the per-request DataLoaders behind the fields of a page (member counts, member
 * pages, groups by id, a user's groups), each one statement per page of parents.
 */
@Injectable()
export class GroupsDirectoryService {
  constructor(
    private readonly repository: GroupsDirectoryRepository,
    private readonly registries: ScimSchemaRegistryService,
  ) {}

  /**
   * A page of the tenant's groups matching a SCIM filter (as `/scim/v2/Groups?filter=` takes it),
   * by displayName without regard to case. NOT_FOUND when the tenant does not exist.
   */
  async groups(
    tenantId: string,
    filter: string | null | undefined,
    request: PageRequest,
  ): Promise<CountedPage<GroupModel>> {
    const registry = await this.registries.registryFor(tenantId);
    const compiled = compileFilterArgument(
      filter,
      {
        registry,
        resourceType: 'Group',
        document: 'g.resource',
        columns: GROUP_FILTER_COLUMNS,
        relations: GROUP_FILTER_RELATIONS,
      },
      2,
      'displayName',
    );
    return namedListPage(
      request,
      compiled,
      {
        page: (where, range) => this.repository.page(tenantId, where, range),
        count: (where) => this.repository.count(tenantId, where),
      },
      (row) => toGroupModel(tenantId, row),
    );
  }

  /** The group, or null when there is none; NOT_FOUND when the tenant does not exist. */
  async group(tenantId: string, id: string): Promise<GroupModel | null> {
    if (!isUuid(tenantId)) throw notFound('tenant');
    const row = await this.repository.findOne(tenantId, isUuid(id) ? id : null);
    if (row === undefined) throw notFound('tenant');
    return row && toGroupModel(tenantId, row);
  }

  /** A group of the tenant by id (null when there is none), batched per request. */
  groupById(loaders: RequestLoaders, tenantId: string, id: string): Promise<GroupModel | null> {
    return loadById(
      loaders,
      `directory.groupById:${tenantId}`,
      (ids) => this.repository.findByIds(tenantId, ids),
      (row) => toGroupModel(tenantId, row),
      id,
    );
  }

  /** The number of direct members of a group, one grouped count per page of groups. */
  memberCount(loaders: RequestLoaders, tenantId: string, groupId: string): Promise<number> {
    return loaders
      .get(`directory.memberCount:${tenantId}`, () => {
        return new DataLoader<string, number>(async (ids) => {
          const counts = await this.repository.memberCounts(tenantId, ids);
          return ids.map((id) => counts.get(id) ?? 0);
        });
      })
      .load(groupId);
  }

  /**
   * A page of a group's direct members in member id order. The groups of a page that ask for
   * the same page (`first`, `after`) are read in one statement.
   */
  async members(
    loaders: RequestLoaders,
    tenantId: string,
    groupId: string,
    request: PageRequest,
  ): Promise<Page<GroupMemberModel>> {
    const key: MembersKey = {
      groupId,
      limit: request.first + 1,
      afterMemberId: request.after === null ? null : memberCursor(request.after),
    };
    const rows = await loaders
      .get(`directory.members:${tenantId}`, () => {
        return new DataLoader<MembersKey, DirectoryMemberRow[], string>(
          (keys) => this.loadMembers(tenantId, keys),
          { cacheKeyFn: (k) => `${k.groupId}|${k.limit}|${k.afterMemberId ?? ''}` },
        );
      })
      .load(key);
    return pageOf(
      rows,
      request,
      (row) => encodeCursor([row.id]),
      (row) => toGroupMemberModel(tenantId, row),
    );
  }

  /** The direct groups of a user, in name order; one statement per page of users. */
  async groupsOfUser(
    loaders: RequestLoaders,
    tenantId: string,
    userId: string,
  ): Promise<GroupRefModel[]> {
    const rows = await loaders
      .get(`directory.groupsOfUser:${tenantId}`, () => {
        return new DataLoader<string, UserGroupRow[]>(async (userIds) => {
          const byUser = groupBy(await this.repository.groupsOfUsers(tenantId, userIds), 'userId');
          return userIds.map((id) => byUser.get(id) ?? []);
        });
      })
      .load(userId);
    return rows.map(toGroupRefModel);
  }

  /** One statement per distinct page asked for (normally one: every group of a page asks the same). */
  private async loadMembers(
    tenantId: string,
    keys: readonly MembersKey[],
  ): Promise<DirectoryMemberRow[][]> {
    const pages = new Map<string, MembersKey[]>();
    for (const key of keys) {
      const page = `${key.limit}|${key.afterMemberId ?? ''}`;
      pages.set(page, [...(pages.get(page) ?? []), key]);
    }
    const rows = new Map<string, DirectoryMemberRow[]>();
    await Promise.all(
      [...pages.values()].map(async (same) => {
        const { limit, afterMemberId } = same[0]!;
        const groupIds = same.map((key) => key.groupId);
        const found = await this.repository.membersPage(tenantId, groupIds, afterMemberId, limit);
        for (const [groupId, members] of groupBy(found, 'groupId')) {
          rows.set(`${groupId}|${limit}|${afterMemberId ?? ''}`, members);
        }
      }),
    );
    return keys.map(
      (key) => rows.get(`${key.groupId}|${key.limit}|${key.afterMemberId ?? ''}`) ?? [],
    );
  }
}

function memberCursor(cursor: string): string {
  const [id] = decodeCursor(cursor, 1);
  if (!isUuid(id)) throw badCursor();
  return id.toLowerCase();
}

const badCursor = (): DomainError =>
  new DomainError(DomainErrorCode.InvalidInput, 'after is not a cursor of this list');

function groupBy<T, K extends keyof T>(rows: readonly T[], key: K): Map<T[K], T[]> {
  const groups = new Map<T[K], T[]>();
  for (const row of rows) {
    const list = groups.get(row[key]);
    if (list) list.push(row);
    else groups.set(row[key], [row]);
  }
  return groups;
}
