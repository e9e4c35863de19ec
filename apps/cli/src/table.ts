// Plain-text output for people: aligned tables and key/value blocks. Pure functions (no I/O).

export interface Column {
  header: string;
  /** numbers read better right-aligned */
  align?: 'left' | 'right';
  /** longer cells are cut to this width with an ellipsis */
  max?: number;
}

/** Control characters (and ANSI escapes) from the api's data must not reach the terminal. */
export function clean(value: unknown): string {
  if (value === null || value === undefined) return '-';
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

function cut(s: string, max?: number): string {
  if (max === undefined || s.length <= max) return s;
  return max <= 1 ? s.slice(0, max) : `${s.slice(0, max - 1)}…`;
}

/**
 * Columns separated by two spaces, each as wide as its widest cell, header first, no trailing
 * spaces. `null`/`undefined` cells print as `-`.
 */
export function renderTable(columns: Column[], rows: unknown[][]): string {
  const cells = rows.map((r) => columns.map((c, i) => cut(clean(r[i]), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .replace(/\s+$/, '');
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** `key:  value` lines with the values aligned; a value of `undefined` leaves its line out. */
export function renderKeyValues(pairs: [string, unknown][]): string {
  const shown = pairs.filter(([, v]) => v !== undefined);
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${clean(v)}`.replace(/\s+$/, '')).join('\n') + '\n';
}

/** `2026-01-02T03:04:05.678Z` → `2026-01-02 03:04:05` (UTC, as the api sends it); null → `-`. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** A number with at most `digits` decimals, without trailing zeros; null → `-`. */
export function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return String(Number(value.toFixed(digits)));
}
