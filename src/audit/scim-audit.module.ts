import {
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
  RequestMethod,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { AuthModule } from '../auth/auth.module.js';
import { AuditModule } from './audit.module.js';
import { ScimAuditContextMiddleware } from './scim-audit-context.middleware.js';
import { ScimAuditRecorder } from './scim-audit.recorder.js';

/**
 * Audits every `/scim/v2` request: the recorder listens on the HTTP server ahead of Express (so
 * requests the body parser refuses are seen too), the middleware makes each request's audit
 * state its async context. It imports Auth (to attribute requests refused before the guard) and
 * Audit; the Audit module itself stays free of feature imports.
 */
@Module({
  imports: [AuditModule, AuthModule],
  providers: [ScimAuditRecorder],
})
export class ScimAuditModule implements NestModule, OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly recorder: ScimAuditRecorder,
  ) {}

  onModuleInit(): void {
    // Absent in application contexts without HTTP (the CLI).
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server && !server.listeners('request').includes(this.recorder.onRequest)) {
      server.prependListener('request', this.recorder.onRequest);
    }
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(ScimAuditContextMiddleware)
      .forRoutes({ path: 'scim/*path', method: RequestMethod.ALL });
  }
}
