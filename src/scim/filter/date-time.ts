/**
 * The `dateTime` values a filter can compare (RFC 7643 §2.3.5: xsd:dateTime), shared by the SQL
 * compiler and the in-memory matcher so both accept and order exactly the same strings.
 *
 * Accepted: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)` with a real calendar date (leap years
 * included), years 0001–9999, offsets up to ±14:59, upper-case `T` and `Z`. The time zone is
 * required: a value without one has no single instant (PostgreSQL would read it in the session's
 * time zone). The SQL compiler uses {@link DATE_TIME_PATTERN} as the guard in front of a
 * `::timestamptz` cast of a stored JSON string (PostgreSQL 15 has no `pg_input_is_valid`), so the
 * pattern must only match strings PostgreSQL parses: that is why it checks day-of-month per month.
 */
export const DATE_TIME_PATTERN =
  '^(?!0000)(?:[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|' +
  '(?:0[13578]|1[02])-31)|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)' +
  '-02-29)T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])$';

const VALID = new RegExp(DATE_TIME_PATTERN);
const FIELDS = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(?:Z|([+-])(\d\d):(\d\d))$/;

/** An instant at PostgreSQL's precision: whole seconds since the epoch plus microseconds. */
export interface DateTimeKey {
  readonly seconds: number;
  /** 0 … 999 999. */
  readonly micros: number;
}

/**
 * The instant a `dateTime` string denotes, exactly as PostgreSQL's `timestamptz` input reads it
 * (fractions rounded to microseconds half-to-even, as its `rint(strtod(fraction) * 1e6)` does), or
 * undefined if the string is not an accepted dateTime.
 */
export function parseDateTime(text: string): DateTimeKey | undefined {
  if (!VALID.test(text)) return undefined;
  const m = FIELDS.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = m;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), 0);
  const offset =
    sign === undefined
      ? 0
      : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60);
  let seconds = date.getTime() / 1000 - offset;
  let micros = fraction === undefined ? 0 : roundHalfEven(Number(`0${fraction}`) * 1_000_000);
  if (micros >= 1_000_000) {
    seconds += 1;
    micros -= 1_000_000;
  }
  return { seconds, micros };
}

export function compareDateTimes(a: DateTimeKey, b: DateTimeKey): number {
  return a.seconds - b.seconds || a.micros - b.micros;
}

/** C's `rint` in the default rounding mode, for non-negative `x`. */
function roundHalfEven(x: number): number {
  const rounded = Math.round(x);
  return rounded - x === 0.5 && rounded % 2 === 1 ? rounded - 1 : rounded;
}
