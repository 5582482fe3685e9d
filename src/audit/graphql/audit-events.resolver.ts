import { UseGuards } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { AdminGuard } from '../../auth/admin.guard.js';
import { assertTenantAccess, CurrentAdmin } from '../../auth/current-admin.decorator.js';
import type { AdminPrincipal } from '../../auth/principal.js';
import { connectionComplexity, type Page, pageOf, pageRequest } from '../../graphql/connection.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { AuditLogService } from '../audit-log.service.js';
import { PLATFORM_AUDIT_TENANT_ID } from '../audit.types.js';
import {
  AuditEventConnection,
  AuditEventModel,
  AuditEventsArgs,
  toAuditEventModel,
  toAuditLogFilter,
} from './audit-event.model.js';

@UseGuards(AdminGuard)
@Resolver(() => AuditEventModel)
export class AuditEventsResolver {
  constructor(
    private readonly auditLog: AuditLogService,
    private readonly tenants: TenantsService,
  ) {}

  @Query(() => AuditEventConnection, {
    complexity: connectionComplexity,
    description:
      "The tenant's audit log, newest first: one event per SCIM request, admin mutation and job action.",
  })
  async auditEvents(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args() args: AuditEventsArgs,
  ): Promise<Page<AuditEventModel>> {
    const { tenantId } = args;
    await this.assertReadable(admin, tenantId);
    const request = pageRequest(args);
    const { rows, cursorOf } = await this.auditLog.events(
      tenantId,
      toAuditLogFilter(args.filter ?? null),
      request,
    );
    return pageOf(rows, request, cursorOf, (row) => toAuditEventModel(tenantId, row));
  }

  @Query(() => AuditEventModel, {
    nullable: true,
    description:
      'One audit event by its id; null when there is none (or it belongs to a tenant the admin cannot read).',
  })
  async auditEvent(
    @CurrentAdmin() admin: AdminPrincipal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<AuditEventModel | null> {
    const found = await this.auditLog.event(
      id,
      (tenantId) => admin.kind === 'platform' || admin.tenantId === tenantId,
    );
    return found && toAuditEventModel(found.tenantId, found.row);
  }

  /**
   * A tenant admin reads only its own tenant; a foreign or unknown tenant is NOT_FOUND. The
   * platform audit tenant (platform-level actions) has no tenant row and only the platform admin
   * reads it.
   */
  private async assertReadable(admin: AdminPrincipal, tenantId: string): Promise<void> {
    assertTenantAccess(admin, tenantId);
    if (tenantId !== PLATFORM_AUDIT_TENANT_ID) await this.tenants.get(tenantId);
  }
}
