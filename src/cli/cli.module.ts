import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { FEATURE_MODULES } from '../app.module.js';
import { loggerParams } from '../common/logging.js';
import { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';

/** What the operator CLI needs: config, the database and the feature services. Logs go to stderr. */
@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => loggerParams(config, pino.destination(2)),
    }),
    DatabaseModule,
    ...FEATURE_MODULES,
  ],
})
export class CliModule {}
