/**
 * A percentage as a fraction 0..1, or null when it does not parse or lies outside 0..100 %.
 *
 * Accepted: a string with a percent sign (`"10%"`, `"12.5 %"`) or a plain number, which is read as
 * percent points (`10` means 10 %). A string *without* a percent sign (`"0.5"`) is refused: it is
 * ambiguous between a fraction and percent points, and a silent factor of 100 in a hibernation
 * threshold is worse than an error.
 */
export function parsePercentage(v: unknown): number | null {
  let points: number;
  if (typeof v === 'number') {
    points = v;
  } else if (typeof v === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
    if (m === null) return null;
    points = Number(m[1]);
  } else {
    return null;
  }
  if (!Number.isFinite(points) || points < 0 || points > 100) return null;
  // dividing by 100 gives 0.1 for 10 exactly, unlike multiplying by 0.01
  return points / 100;
}
