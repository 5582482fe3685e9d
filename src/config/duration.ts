/** A token lifetime such as `30d`, `12w`, `6m` or `1y`. "Never expires" is deliberately not expressible. */
export const DURATION_PATTERN = /^([1-9][0-9]{0,3})([dwmy])$/;

/** The longest lifetime a token may be given (gallery guidance: secrets live 1–3 years). */
export const MAX_TOKEN_LIFETIME_DAYS = 3 * 366;

export interface Duration {
  readonly amount: number;
  readonly unit: 'd' | 'w' | 'm' | 'y';
}

export function parseDuration(text: string): Duration | undefined {
  const match = DURATION_PATTERN.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  return { amount: Number(match[1]), unit: match[2] as Duration['unit'] };
}

/** Adds a duration to a point in time with calendar arithmetic (months and years keep the day). */
export function addDuration(from: Date, duration: Duration): Date {
  const at = new Date(from.getTime());
  switch (duration.unit) {
    case 'd':
      at.setUTCDate(at.getUTCDate() + duration.amount);
      break;
    case 'w':
      at.setUTCDate(at.getUTCDate() + duration.amount * 7);
      break;
    case 'm':
      at.setUTCMonth(at.getUTCMonth() + duration.amount);
      break;
    case 'y':
      at.setUTCFullYear(at.getUTCFullYear() + duration.amount);
      break;
  }
  return at;
}

/** True when the text is a valid lifetime no longer than {@link MAX_TOKEN_LIFETIME_DAYS}. */
export function isValidTokenLifetime(text: string): boolean {
  const duration = parseDuration(text);
  if (!duration) return false;
  const epoch = new Date(0);
  const days = (addDuration(epoch, duration).getTime() - epoch.getTime()) / 86_400_000;
  return days <= MAX_TOKEN_LIFETIME_DAYS;
}
