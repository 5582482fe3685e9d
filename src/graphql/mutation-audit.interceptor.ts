import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLResolveInfo } from 'graphql';
import { performance } from 'node:perf_hooks';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { AuditService } from '../audit/audit.service.js';
import { PLATFORM_AUDIT_TENANT_ID } from '../audit/audit.types.js';
import { summarizeRequest } from '../audit/request-summary.js';
import type { AdminPrincipal, AuthenticatedRequest } from '../auth/principal.js';
import { classifyError } from '../common/http-status.js';
import { currentRequestId } from '../common/request-scope.js';
import { isUuid } from '../common/uuid.js';
import { TenantsService } from '../tenants/tenants.service.js';
import {
  MUTATION_AUDIT,
  type MutationArgs,
  type MutationAuditSpec,
  type MutationTarget,
} from './mutation-audit.js';
import { graphqlCode } from './graphql-error.js';

/**
 * Leaves one audit row per GraphQL mutation, successful or not (channel `graphql`, operation =
 * the mutation's name, actor = the admin token's id, null for the bootstrap ADMIN_TOKEN).
 *
 * The row is written after the mutation and before its answer leaves: a client that got an answer
 * can find the row. A tenant admin's rows always go to its own tenant; a platform admin's to the
 * tenant the mutation acted on, else to the platform audit tenant (PLATFORM_AUDIT_TENANT_ID: minting
 * a platform token, a failed call naming a tenant that does not exist).
 *
 * It runs only on mutations: @AuditedMutation puts it there (no global interceptor on the SCIM
 * hot path). A module whose resolvers have mutations imports AuditModule (and TenantsModule).
 */
@Injectable()
export class MutationAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<unknown> {
    // Put on mutations by @AuditedMutation, which also gives the spec.
    const spec = this.reflector.get<MutationAuditSpec | undefined>(
      MUTATION_AUDIT,
      context.getHandler(),
    );
    if (context.getType<string>() !== 'graphql' || !spec) return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    const req = gql.getContext<{ req: AuthenticatedRequest }>().req;
    const args = gql.getArgs<MutationArgs>();
    const call: MutationCall = {
      spec,
      name: info.fieldName,
      args,
      req,
      at: new Date(),
      started: performance.now(),
    };
    return next.handle().pipe(
      mergeMap((result) => from(this.record(call, result, undefined).then(() => result))),
      catchError((error: unknown) =>
        from(this.record(call, undefined, error)).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }

  private async record(call: MutationCall, result: unknown, error: unknown): Promise<void> {
    const admin = call.req.adminPrincipal;
    if (!admin) return;
    const failed = error !== undefined;
    const target = (call.spec.target ?? defaultTarget)(call.args, failed ? undefined : result);
    const classified = failed ? classifyError(error) : undefined;
    const tenantId = await this.auditTenant(admin, target, failed);
    await this.audit.record(
      tenantId,
      {
        channel: 'graphql',
        at: call.at,
        requestId: currentRequestId() ?? null,
        tokenId: admin.tokenId,
        method: 'POST',
        path: call.req.path,
        resourceType: call.spec.resourceType,
        resourceId: target.resourceId ?? null,
        operation: call.name,
        status: classified?.status ?? 200,
        scimType: classified ? graphqlCode(classified) : null,
        detail: classified && !classified.unexpected ? classified.message : null,
        durationMs: performance.now() - call.started,
        clientIp: call.req.socket.remoteAddress ?? null,
        userAgent: headerOf(call.req, 'user-agent'),
        changedAttributes: changedAttributes(call.args),
        requestSummary: summarizeRequest({ body: { mutation: call.name, args: call.args } }),
      },
      // Awaited on the pool, not buffered: the answer waits for its row.
      this.audit.immediate,
    );
  }

  /** The tenant whose log gets the row. */
  private async auditTenant(
    admin: AdminPrincipal,
    target: MutationTarget,
    failed: boolean,
  ): Promise<string> {
    if (admin.kind === 'tenant') return admin.tenantId;
    const tenantId = target.tenantId;
    if (!tenantId || !isUuid(tenantId)) return PLATFORM_AUDIT_TENANT_ID;
    if (!failed) return tenantId;
    // A failed call may name a tenant that does not exist: keep such rows out of tenant ids.
    return (await this.tenants.exists(tenantId)) ? tenantId : PLATFORM_AUDIT_TENANT_ID;
  }
}

interface MutationCall {
  readonly spec: MutationAuditSpec;
  readonly name: string;
  readonly args: MutationArgs;
  readonly req: AuthenticatedRequest;
  readonly at: Date;
  readonly started: number;
}

function defaultTarget(args: MutationArgs): MutationTarget {
  const input = args.input as MutationArgs | undefined;
  const tenantId = args.tenantId ?? input?.tenantId;
  return {
    tenantId: typeof tenantId === 'string' ? tenantId : null,
    resourceId: typeof args.id === 'string' ? args.id : null,
  };
}

/** The fields a mutation was given (the keys of `input`, else the argument names), never values. */
function changedAttributes(args: MutationArgs): string[] {
  const input = args.input;
  const source =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? (input as MutationArgs)
      : args;
  return Object.keys(source)
    .filter((key) => key !== 'tenantId' && key !== 'id' && source[key] !== undefined)
    .sort();
}

function headerOf(req: Request, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}
