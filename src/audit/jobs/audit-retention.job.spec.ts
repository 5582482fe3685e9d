import { Logger, type LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../../config/app-config.js';
import type { AuditRetentionResult, AuditRetentionService } from '../audit-retention.service.js';
import { AUDIT_RETENTION_JOB_NAME, AuditRetentionJob } from './audit-retention.job.js';

const HOUR = 3_600_000;

describe('AuditRetentionJob scheduling', () => {
  const retention = {
    deleteExpired: (): Promise<AuditRetentionResult> => Promise.resolve({ status: 'skipped' }),
  } as unknown as AuditRetentionService;
  const config = (interval: number) => ({ AUDIT_RETENTION_INTERVAL_MS: interval }) as AppConfig;

  it('registers its next run in the SchedulerRegistry and clears it on shutdown', async () => {
    const registry = new SchedulerRegistry();
    const job = new AuditRetentionJob(config(HOUR), retention, registry);
    job.onApplicationBootstrap();
    expect(registry.getTimeouts()).toEqual([AUDIT_RETENTION_JOB_NAME]);
    await job.beforeApplicationShutdown();
    expect(registry.getTimeouts()).toEqual([]);
  });

  it('schedules nothing when AUDIT_RETENTION_INTERVAL_MS is 0', () => {
    const registry = new SchedulerRegistry();
    new AuditRetentionJob(config(0), retention, registry).onApplicationBootstrap();
    expect(registry.getTimeouts()).toEqual([]);
  });

  it('schedules nothing without ScheduleModule (the CLI) and shuts down cleanly', async () => {
    const job = new AuditRetentionJob(config(HOUR), retention);
    job.onApplicationBootstrap();
    await expect(job.beforeApplicationShutdown()).resolves.toBeUndefined();
  });

  it('a failing run is logged, not thrown, so the schedule goes on', async () => {
    const logged: unknown[][] = [];
    const capture: LoggerService = {
      log: () => undefined,
      warn: () => undefined,
      error: (...args: unknown[]) => void logged.push(args),
    };
    Logger.overrideLogger(capture);
    const failing = {
      deleteExpired: (): Promise<AuditRetentionResult> =>
        Promise.reject(new Error('database is gone')),
    } as unknown as AuditRetentionService;
    await expect(new AuditRetentionJob(config(HOUR), failing).run()).resolves.toBeUndefined();
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0])).toContain('deleting expired audit events failed');
  });
});
