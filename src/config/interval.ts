/**
 * A span of time given by an admin, such as `30s`, `90min`, `24h` or `7d` (rotation overlaps,
 * report windows). Minutes are `min`, never `m`: in token lifetimes (`src/config/duration.ts`)
 * `m` means months, and a lone `m` here would be read both ways.
 */
export const INTERVAL_PATTERN = /^([0-9]{1,7})(s|min|h|d)$/;

const UNIT_MS = { s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of an interval, or undefined when the text is not one. */
export function parseInterval(text: string): number | undefined {
  const match = INTERVAL_PATTERN.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** An interval within `[minMs, maxMs]`, or a message saying what is wrong with it. */
export function checkInterval(
  name: string,
  text: string,
  bounds: { readonly minMs: number; readonly maxMs: number; readonly maxText: string },
): { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string } {
  const ms = parseInterval(text);
  if (ms === undefined) {
    return {
      ok: false,
      message: `${name} "${text}" is not an interval such as 30s, 90min, 24h or 7d`,
    };
  }
  if (ms > bounds.maxMs) {
    return { ok: false, message: `${name} must be at most ${bounds.maxText}, not "${text}"` };
  }
  if (ms < bounds.minMs) {
    return { ok: false, message: `${name} "${text}" is too short` };
  }
  return { ok: true, ms };
}
