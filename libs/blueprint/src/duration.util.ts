const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800,
};

// Months and years are deliberately absent: their length in seconds is ambiguous.
const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/gy;
const WHOLE = /^(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$/;

/** Ten years: anything longer is a typo, and it keeps the result well inside safe integers. */
export const MAX_DURATION_SECONDS = 10 * 365 * 86400;

/**
 * A duration in whole seconds, or null when it does not parse.
 *
 * Accepted: a non-negative integer (seconds), a string of digits (seconds), or one or more
 * `<number><unit>` parts with optional spaces: `"90s"`, `"30 minutes"`, `"1 hour"`, `"2h"`,
 * `"7 days"`, `"1 week"`, `"1h 30m"`, `"1.5 hours"`. Units: s/sec/second(s), m/min/minute(s),
 * h/hr/hour(s), d/day(s), w/week(s), case-insensitive. Fractions are rounded to the nearest second.
 */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= 0 && v <= MAX_DURATION_SECONDS ? v : null;
  }
  if (typeof v !== 'string') return null;
  const text = v.trim().toLowerCase();
  if (text.length === 0 || text.length > 100) return null;
  if (/^\d+$/.test(text)) return parseDuration(Number(text));
  if (!WHOLE.test(text)) return null;

  let total = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(text); m !== null; m = PART.exec(text)) {
    const factor = UNIT_SECONDS[m[2]];
    if (factor === undefined) return null;
    total += Number(m[1]) * factor;
    // sticky matching stops at the gap between parts, so step over the whitespace ourselves
    while (PART.lastIndex < text.length && text[PART.lastIndex] === ' ') PART.lastIndex++;
  }
  const seconds = Math.round(total);
  return Number.isFinite(seconds) && seconds <= MAX_DURATION_SECONDS ? seconds : null;
}
