import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PinoLogger } from 'nestjs-pino';
import { requestLogger } from '../common/request-logger.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class ObservabilityModule implements NestModule {
  constructor(private readonly metrics: MetricsService) {}

  /**
   * The first Nest middlewares of every request (AppModule imports this module before the feature
   * modules): the request scope and access line, then the metrics.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        requestLogger(() => PinoLogger.root),
        this.metrics.middleware,
      )
      .forRoutes('*path');
  }
}
