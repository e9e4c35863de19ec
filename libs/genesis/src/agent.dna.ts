/**
 * Agent DNA: a plain JSON record of everything needed to make the same agent again, and a
 * checksum over it. Postgres jsonb does not keep key order, so the checksum is taken over a
 * canonical form (sorted keys) and is the same before and after a round trip through the database.
 */
import { createHash } from 'node:crypto';
import type { AgentTemplate } from './template.catalog';

export const DNA_SCHEMA_VERSION = 1;

export type AgentConfig = {
  model: string;
  temperature: number;
  max_tokens: number;
};

export type DnaCreatedFrom = {
  /** who asked: `api`, `cluster:<id>`, ... */
  source: string;
  template_choice: 'explicit' | 'inferred';
  template_reason?: string;
  name: 'given' | 'generated';
  /** only the overrides that were accepted */
  trait_overrides: Record<string, number>;
  config_overrides: Partial<{ llm_model: string; temperature: number; max_tokens: number }>;
  requested_capabilities: string[];
};

// A type alias rather than an interface so that it is assignable to Record<string, unknown>
// (the jsonb column's type) without a cast.
export type AgentDna = {
  schema_version: number;
  template: { id: string; hash: string };
  name: string;
  role: string;
  traits: Record<string, number>;
  config: AgentConfig;
  tools: string[];
  capabilities: string[];
  skills: string[];
  seed: string;
  created_from: DnaCreatedFrom;
};

/**
 * JSON with object keys sorted at every depth; otherwise the same as JSON.stringify (undefined
 * members dropped, non-finite numbers as null, toJSON honoured).
 */
export function canonicalJson(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown, inArray: boolean): string | undefined => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v);
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : 'null';
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        throw new TypeError('canonicalJson: bigint is not JSON');
      case 'undefined':
      case 'function':
      case 'symbol':
        return inArray ? 'null' : undefined;
    }
    const obj = v as object;
    if (seen.has(obj)) throw new TypeError('canonicalJson: circular structure');
    seen.add(obj);
    let out: string;
    if (Array.isArray(obj)) {
      out = `[${obj.map((item: unknown) => walk(item, true)).join(',')}]`;
    } else {
      const record = obj as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const s = walk(record[key], false);
        if (s !== undefined) parts.push(`${JSON.stringify(key)}:${s}`);
      }
      out = `{${parts.join(',')}}`;
    }
    seen.delete(obj);
    return out;
  };
  return walk(value, false) ?? 'null';
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Content hash of a template: changes whenever its prompt, config, traits or tools change. */
export function templateHash(template: AgentTemplate): string {
  return sha256Hex(canonicalJson(template));
}

/** sha256 (hex) over the canonical JSON of the DNA. */
export function dnaChecksum(dna: unknown): string {
  return sha256Hex(canonicalJson(dna));
}
