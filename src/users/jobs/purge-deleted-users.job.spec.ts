import { Logger, type LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../../config/app-config.js';
import type { PurgeDeletedUsersService, PurgeResult } from '../purge-deleted-users.service.js';
import { PURGE_JOB_NAME, PurgeDeletedUsersJob } from './purge-deleted-users.job.js';

const HOUR = 3_600_000;
describe('PurgeDeletedUsersJob scheduling', () => {
  const purge = {
    purgeExpired: (): Promise<PurgeResult> => Promise.resolve({ status: 'skipped' }),
  } as unknown as PurgeDeletedUsersService;
  const config = (interval: number) => ({ PURGE_INTERVAL_MS: interval }) as AppConfig;

  it('registers its next run in the SchedulerRegistry and clears it on shutdown', async () => {
    const registry = new SchedulerRegistry();
    const job = new PurgeDeletedUsersJob(config(HOUR), purge, registry);
    job.onApplicationBootstrap();
    expect(registry.getTimeouts()).toEqual([PURGE_JOB_NAME]);
    await job.beforeApplicationShutdown();
    expect(registry.getTimeouts()).toEqual([]);
  });

  it('schedules nothing when PURGE_INTERVAL_MS is 0', () => {
    const registry = new SchedulerRegistry();
    new PurgeDeletedUsersJob(config(0), purge, registry).onApplicationBootstrap();
    expect(registry.getTimeouts()).toEqual([]);
  });

  it('schedules nothing without ScheduleModule (the CLI) and shuts down cleanly', async () => {
    const job = new PurgeDeletedUsersJob(config(HOUR), purge);
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
      purgeExpired: (): Promise<PurgeResult> => Promise.reject(new Error('database is gone')),
    } as unknown as PurgeDeletedUsersService;
    await expect(new PurgeDeletedUsersJob(config(HOUR), failing).run()).resolves.toBeUndefined();
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged[0])).toContain('purging deleted users failed');
  });
});
