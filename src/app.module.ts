import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AuditModule } from './audit/audit.module.js';
import { AuditRetentionModule } from './audit/audit-retention.module.js';
import { AuditGraphqlModule } from './audit/graphql/audit-graphql.module.js';
import { ScimAuditModule } from './audit/scim-audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { loggerParams } from './common/logging.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { GraphqlModule } from './graphql/graphql.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { ObservabilityModule } from './observability/observability.module.js';
import { ScimHttpModule } from './scim-http/scim-http.module.js';
import { SyncModule } from './sync/sync.module.js';
import { TenantsGraphqlModule } from './tenants/graphql/tenants-graphql.module.js';
import { TenantsModule } from './tenants/tenants.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * Feature modules that own entities (and the audit retention job, which the CLI runs on demand):
 * shared with the CLI so that it sees the whole schema and every job.
 */
export const FEATURE_MODULES = [
  TenantsModule,
  AuthModule,
  AuditModule,
  AuditRetentionModule,
  GroupsModule,
  UsersModule,
];

export interface AppModuleOptions {
  /** Where JSON log lines go (default: stdout). Tests pass a stream they can read. */
  readonly logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule,
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => loggerParams(config, options.logDestination),
        }),
        DatabaseModule,
        ScheduleModule.forRoot(),
        ObservabilityModule,
        ...FEATURE_MODULES,
        TenantsGraphqlModule,
        AuditGraphqlModule,
        SyncModule,
        GraphqlModule,
        ScimAuditModule,
        // Last: its catch-all route must come after every real SCIM route.
        ScimHttpModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
