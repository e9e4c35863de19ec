import { Transform } from 'class-transformer';

/** Query-string booleans: "true"/"1"/"yes" and "false"/"0"/"no"; anything else is left for IsBoolean to refuse. */
export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    return value;
  });

/** Printable text: no control characters (names, descriptions, tags). */
export const PRINTABLE = /^[^\p{Cc}]*$/u;
