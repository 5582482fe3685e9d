import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { notFound } from '../common/domain-error.js';
import { isUuid } from '../common/uuid.js';
import type { PageRequest } from '../graphql/connection.js';
import { loadById, type RequestLoaders } from '../graphql/loaders.js';
import {
  compileFilterArgument,
  type CountedPage,
  namedListPage,
} from '../graphql/scim-filter-argument.js';
import { GroupsDirectoryService } from '../groups/groups-directory.service.js';
import { ResourceProjection } from '../scim/list/projection.js';
import type { SchemaRegistry } from '../scim/schema/registry.js';
import { ScimSchemaRegistryService } from '../tenants/scim-schema-registry.service.js';
import { toUserModel, type UserModel } from './graphql/user.model.js';
import { toScimUser } from './user-mapper.js';
import { UsersDirectoryRepository } from './users-directory.repository.js';
import { USER_FILTER_COLUMNS, USER_FILTER_RELATIONS } from './users.repository.js';

type Json = Record<string, unknown>;

/**
 * Directory reads of users for the host product (GraphQL): keyset pages in userName order with a
 * SCIM filter (the compiler `/scim/v2/Users` uses, the tenant's extensions included), one user by
 * id, users by id for DataLoaders, and a user's SCIM representation. Deleted users never appear.
 */
@Injectable()
export class UsersDirectoryService {
  constructor(
    private readonly repository: UsersDirectoryRepository,
    private readonly registries: ScimSchemaRegistryService,
    private readonly groups: GroupsDirectoryService,
  ) {}

  /**
   * A page of the tenant's users matching a SCIM filter (as `/scim/v2/Users?filter=` takes it),
   * by userName without regard to case. NOT_FOUND when the tenant does not exist.
   */
  async users(
    loaders: RequestLoaders,
    tenantId: string,
    filter: string | null | undefined,
    request: PageRequest,
  ): Promise<CountedPage<UserModel>> {
    const registry = await this.registryOf(loaders, tenantId);
    const compiled = compileFilterArgument(
      filter,
      {
        registry,
        resourceType: 'User',
        document: 'u.resource',
        columns: USER_FILTER_COLUMNS,
        relations: USER_FILTER_RELATIONS,
      },
      2,
      'userName',
    );
    return namedListPage(
      request,
      compiled,
      {
        page: (where, range) => this.repository.page(tenantId, where, range),
        count: (where) => this.repository.count(tenantId, where),
      },
      (row) => toUserModel(tenantId, row),
    );
  }

  /** The user, or null when there is none or it is deleted; NOT_FOUND when the tenant does not exist. */
  async user(tenantId: string, id: string): Promise<UserModel | null> {
    if (!isUuid(tenantId)) throw notFound('tenant');
    const row = await this.repository.findOne(tenantId, isUuid(id) ? id : null);
    if (row === undefined) throw notFound('tenant');
    return row && toUserModel(tenantId, row);
  }

  /** A live user of the tenant by id (null when there is none), batched per request. */
  userById(loaders: RequestLoaders, tenantId: string, id: string): Promise<UserModel | null> {
    return loadById(
      loaders,
      `directory.userById:${tenantId}`,
      (ids) => this.repository.findByIds(tenantId, ids),
      (row) => toUserModel(tenantId, row),
      id,
    );
  }

  /**
   * The user as `GET /scim/v2/Users/{id}` returns it (`baseUrl` for `meta.location` and the
   * groups' `$ref`): its groups through the page's DataLoader, the tenant's registry once per
   * request.
   */
  async scim(loaders: RequestLoaders, user: UserModel, baseUrl: string): Promise<Json> {
    const [groups, registry] = await Promise.all([
      this.groups.groupsOfUser(loaders, user.tenantId, user.id),
      this.registryOf(loaders, user.tenantId),
    ]);
    const resource = toScimUser({ ...user, groups }, baseUrl);
    return new ResourceProjection({}, registry, 'User').apply(resource);
  }

  /** The tenant's schema registry, read once per request (NOT_FOUND when there is no tenant). */
  private registryOf(loaders: RequestLoaders, tenantId: string): Promise<SchemaRegistry> {
    return loaders
      .get('directory.registry', () => {
        return new DataLoader<string, SchemaRegistry>((ids) =>
          Promise.all(ids.map((id) => this.registries.registryFor(id).catch((e: Error) => e))),
        );
      })
      .load(tenantId);
  }
}
