import { CountRange } from './blueprint.types';

export type CountParse =
  | { ok: true; range: CountRange }
  | { ok: false; reason: 'format' | 'negative' | 'reversed' };

/**
 * Like {@link parseCount} but says why a count was refused, so the validator can name the rule.
 * No upper bound is applied here: that depends on the caller's limit.
 */
export function parseCountDetailed(v: unknown): CountParse {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return { ok: false, reason: 'format' };
    if (v < 0) return { ok: false, reason: 'negative' };
    return { ok: true, range: { min: v, max: v } };
  }
  if (typeof v !== 'string') return { ok: false, reason: 'format' };
  const text = v.trim();
  if (/^\d{1,9}$/.test(text)) return { ok: true, range: { min: Number(text), max: Number(text) } };
  if (/^-\d{1,9}$/.test(text)) return { ok: false, reason: 'negative' };
  const m = /^(\d{1,9})\s*-\s*(\d{1,9})$/.exec(text);
  if (m === null) return { ok: false, reason: 'format' };
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min > max) return { ok: false, reason: 'reversed' };
  return { ok: true, range: { min, max } };
}

/**
 * An agent count: a non-negative integer `n` (meaning exactly n) or a `"a-b"` range string with
 * a <= b (spaces around the dash allowed; a digit-only string counts as an integer). Null otherwise.
 */
export function parseCount(v: unknown): CountRange | null {
  const r = parseCountDetailed(v);
  return r.ok ? r.range : null;
}
