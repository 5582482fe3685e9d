import { Logger, type LoggerService } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../../config/app-config.js';
import type { PurgeDeletedUsersService, PurgeResult } from '../purge-deleted-users.service.js';
import { delayToNextRun, PURGE_JOB_NAME, PurgeDeletedUsersJob } from './purge-deleted-users.job.js';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('delayToNextRun (runs aligned on the wall clock)', () => {
  it.each([
    {
      name: 'mid-hour → the next full hour',
      now: at('2030-01-01T10:20:00Z'),
      interval: HOUR,
      delay: 40 * 60_000,
    },
    {
      name: 'one second before the hour',
      now: at('2030-01-01T10:59:59Z'),
      interval: HOUR,
      delay: 1000,
    },
    {
      name: 'exactly on the hour → the next one, never 0',
      now: at('2030-01-01T11:00:00Z'),
      interval: HOUR,
      delay: HOUR,
    },
    {
      name: 'a 15-minute interval',
      now: at('2030-01-01T11:07:30Z'),
      interval: 15 * 60_000,
      delay: 7.5 * 60_000,
    },
    {
      name: 'daily runs at midnight UTC',
      now: at('2030-01-01T18:00:00Z'),
      interval: 24 * HOUR,
      delay: 6 * HOUR,
    },
  ])('$name', ({ now, interval, delay }) => {
    expect(delayToNextRun(now, interval)).toBe(delay);
  });
});

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
