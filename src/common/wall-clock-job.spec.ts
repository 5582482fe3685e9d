import { delayToNextRun } from './wall-clock-job.js';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('delayToNextRun (runs of every WallClockJob aligned on the wall clock)', () => {
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
