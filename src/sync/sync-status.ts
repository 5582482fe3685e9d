/**
 * The provisioning health of a tenant at a glance: pure rules (no DB, no clock), so that every
 * threshold is unit-tested at and around its edge.
 */

/** How provisioning looks, from the tenant's SCIM request stream. */
export enum SyncStatus {
  /** No provisioning request ever. */
  IDLE = 'IDLE',
  /** The newest cycle failed at most {@link DEGRADED_ERROR_RATE} of its requests. */
  HEALTHY = 'HEALTHY',
  /** The newest cycle failed more than {@link DEGRADED_ERROR_RATE} of its requests. */
  DEGRADED = 'DEGRADED',
  /** The newest cycle failed more than {@link FAILING_ERROR_RATE}: Entra quarantines at this level. */
  FAILING = 'FAILING',
  /** Active once, but no request for more than {@link STALE_AFTER_MS}. */
  STALE = 'STALE',
}

/** Error rate of the newest cycle above which the tenant is DEGRADED. */
export const DEGRADED_ERROR_RATE = 0.05;
/**
 * Error rate of the newest cycle above which the tenant is FAILING: the share of failed events at
 * which Entra quarantines a provisioning job (`../shared/spec/entra.md` §6).
 */
export const FAILING_ERROR_RATE = 0.4;
/** Quiet time after which a tenant that was provisioned is STALE, whatever its last cycle did. */
export const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

/** What the status needs to know of a cycle. */
export interface CycleTotals {
  readonly requests: number;
  readonly failures: number;
  readonly inProgress: boolean;
}

export interface SyncHealth {
  readonly status: SyncStatus;
  /** One human sentence saying why. */
  readonly reason: string;
}

/** failures / requests; 0 for a cycle without requests. */
export function errorRate(requests: number, failures: number): number {
  return requests > 0 ? failures / requests : 0;
}

/** More than {@link STALE_AFTER_MS} since the last request (exactly 2 h is not stale yet). */
export function isStale(now: Date, lastRequestAt: Date): boolean {
  return now.getTime() - lastRequestAt.getTime() > STALE_AFTER_MS;
}

/**
 * The status and its reason. `newestCycle` is only looked at when the tenant is neither IDLE nor
 * STALE (callers may skip loading it then: see {@link needsNewestCycle}).
 */
export function syncHealth(input: {
  readonly now: Date;
  readonly lastRequestAt: Date | null;
  readonly newestCycle: CycleTotals | null;
}): SyncHealth {
  const { now, lastRequestAt, newestCycle } = input;
  if (lastRequestAt === null) {
    return { status: SyncStatus.IDLE, reason: 'No provisioning request has been received yet.' };
  }
  if (isStale(now, lastRequestAt)) {
    return {
      status: SyncStatus.STALE,
      reason: `No provisioning request for ${quietTime(now.getTime() - lastRequestAt.getTime())} (more than 2 hours).`,
    };
  }
  if (newestCycle === null || newestCycle.requests === 0) {
    return { status: SyncStatus.HEALTHY, reason: 'No request of the last cycle failed.' };
  }
  const { requests, failures } = newestCycle;
  const rate = errorRate(requests, failures);
  const which = newestCycle.inProgress ? 'current' : 'last';
  const share = `${failures} of the ${requests} requests of the ${which} cycle failed (${percent(rate)})`;
  if (rate > FAILING_ERROR_RATE) {
    return {
      status: SyncStatus.FAILING,
      reason: `${share}: over ${percent(FAILING_ERROR_RATE)}, the level at which Entra quarantines provisioning.`,
    };
  }
  if (rate > DEGRADED_ERROR_RATE) {
    return {
      status: SyncStatus.DEGRADED,
      reason: `${share}: over ${percent(DEGRADED_ERROR_RATE)}.`,
    };
  }
  if (failures === 0) {
    return {
      status: SyncStatus.HEALTHY,
      reason: `All ${requests} requests of the ${which} cycle succeeded.`,
    };
  }
  return { status: SyncStatus.HEALTHY, reason: `${share}.` };
}

/** Whether {@link syncHealth} will look at the newest cycle (not for IDLE or STALE). */
export function needsNewestCycle(now: Date, lastRequestAt: Date | null): boolean {
  return lastRequestAt !== null && !isStale(now, lastRequestAt);
}

/** `12 %`, `5.1 %`, `0.3 %`: one decimal below 10 %, whole numbers above. */
export function percent(rate: number): string {
  const value = rate * 100;
  const text =
    value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
  return `${text} %`;
}

/** `2 h 5 min`, `3 days 4 h`: coarse, for a sentence. */
export function quietTime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0)
    return hours > 0
      ? `${days} ${days === 1 ? 'day' : 'days'} ${hours} h`
      : `${days} ${days === 1 ? 'day' : 'days'}`;
  return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
}
