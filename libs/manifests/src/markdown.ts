// Small Markdown helpers shared by the renderers. Everything that comes from a row (names,
// reasons) goes through `text` or `code`, so a name can never break a list or a table.

/** Inline text: characters Markdown would read as markup are escaped, line breaks become spaces. */
export function text(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/([\\`*_[\]<>|~])/g, '\\$1');
}

/** An identifier (skill, capability, id) as inline code; falls back to escaped text if it holds a backtick. */
export function code(s: string): string {
  const flat = s.replace(/\s*[\r\n]+\s*/g, ' ');
  return flat.includes('`') ? text(flat) : `\`${flat}\``;
}

/** A UTC time to the second: readable, and the same on every machine. */
export function time(d: Date | null | undefined, none = 'never'): string {
  return d ? `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC` : none;
}

export function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** "0-5" for a range, "1" for a fixed count. */
export function countRange(c: { min: number; max: number }): string {
  return c.min === c.max ? String(c.min) : `${c.min}-${c.max}`;
}

/** At most `cap` items, then "and N more". */
export function capped(items: string[], cap: number): string {
  if (items.length <= cap) return items.join(', ');
  return `${items.slice(0, cap).join(', ')} and ${items.length - cap} more`;
}

/**
 * Orders names as people expect ("Worker 2" before "Worker 10") without locale data, so the
 * output is byte-identical on every machine.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted, without duplicates. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(naturalCompare);
}

/** `{a: 2, b: 1}` as "a 2, b 1", in the given order of keys (then any others, sorted). */
export function tally(counts: Map<string, number>, order: readonly string[] = []): string {
  const keys = [...order.filter((k) => counts.has(k)), ...sortedUnique(counts.keys()).filter((k) => !order.includes(k))];
  return keys.map((k) => `${text(k)} ${counts.get(k)}`).join(', ');
}

export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? 0) + 1);
  return out;
}

/** Lines joined with a final newline, with at most one blank line in a row. */
export function document(lines: string[]): string {
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
