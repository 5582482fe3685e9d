import { BeforeApplicationShutdown, Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../common/public.decorator.js';

/** Liveness and readiness probes. They reveal nothing tenant-specific. */
@Public()
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Ready while the database answers and the process is not draining for shutdown. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('process');
        return this.shuttingDown ? indicator.down({ reason: 'shutting down' }) : indicator.up();
      },
      () => this.database.pingCheck('database', { timeout: 2_000 }),
    ]);
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }
}
