import { CORE_SCHEMA, EVENT_ID, Event, YAMLException, constructFromEvents, parseEvents } from 'js-yaml';
import { Problem } from '#common';

/** SPEC "Input limits": a blueprint's YAML is at most 256 KB. */
export const DEFAULT_MAX_YAML_BYTES = 256 * 1024;
/** Alias nodes (`*name`) allowed in one document (-1: no count limit); real blueprints need a handful at most. */
export const DEFAULT_MAX_ALIASES = 100;
/** Nodes that aliases may add to the expanded tree, i.e. the amplification a file may cause. */
export const DEFAULT_MAX_ALIAS_EXPANSION = 10_000;
/** Collection nesting depth; blueprints nest about five deep. */
export const DEFAULT_MAX_DEPTH = 64;

export interface SafeYamlOptions {
  maxBytes?: number;
  maxAliases?: number;
  maxAliasExpansion?: number;
  maxDepth?: number;
}

export interface SafeYamlResult {
  /** The single document's value; undefined whenever `problems` is non-empty. */
  value: unknown;
  problems: Problem[];
}

const YAML_PATH = 'yaml';

/** 1-based line and column of a 0-based offset, as editors show them. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

function problem(rule: string, message: string): Problem {
  return { path: YAML_PATH, rule, message };
}

const EXCEPTION_TITLES: Record<string, string> = {
  syntax: 'YAML syntax error',
  tag: 'YAML tag not allowed (only the core schema is accepted)',
  alias_limit: 'too many YAML aliases',
  max_depth: 'YAML nested too deeply',
};

function fromException(e: unknown): Problem {
  if (!(e instanceof YAMLException)) {
    // js-yaml documents that any exception may escape; never let one turn into a 500
    return problem('syntax', `YAML could not be parsed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
  let rule = 'syntax';
  if (/unknown .*tag/.test(e.reason)) rule = 'tag';
  else if (/maxAliases/.test(e.reason)) rule = 'alias_limit';
  else if (/maxDepth/.test(e.reason)) rule = 'max_depth';
  const what = EXCEPTION_TITLES[rule] ?? 'YAML syntax error';
  return problem(rule, `${what}${where}: ${e.reason}`);
}

/**
 * Walks the event stream and sizes what aliases would expand to, without constructing anything.
 * js-yaml shares the anchored object between aliases, so a "billion laughs" file constructs
 * cheaply, but anything that later walks or serialises the value (validation, JSON columns) would
 * explode; refusing it here keeps the blow-up out of the rest of the system.
 */
function checkAliases(text: string, events: Event[], maxAliases: number, maxExpansion: number): Problem | null {
  const anchors = new Map<string, number>();
  const open = new Set<string>();
  // one frame per open document/collection: its expanded node count and anchor
  const stack: { size: number; anchor: string | null }[] = [];
  let aliases = 0;
  let expansion = 0;

  const addToParent = (size: number): void => {
    const top = stack[stack.length - 1];
    if (top) top.size += size;
  };

  for (const ev of events) {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        anchors.clear();
        stack.push({ size: 0, anchor: null });
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        const anchor = ev.anchorStart >= 0 ? text.slice(ev.anchorStart, ev.anchorEnd) : null;
        if (anchor !== null) open.add(anchor);
        stack.push({ size: 1, anchor });
        break;
      }
      case EVENT_ID.SCALAR:
        if (ev.anchorStart >= 0) anchors.set(text.slice(ev.anchorStart, ev.anchorEnd), 1);
        addToParent(1);
        break;
      case EVENT_ID.ALIAS: {
        const name = text.slice(ev.anchorStart, ev.anchorEnd);
        // the position costs a scan of the text, so it is only worked out for the report
        const where = (): string => {
          const at = lineColumnAt(text, ev.anchorStart - 1);
          return `line ${at.line}, column ${at.column}`;
        };
        if (open.has(name)) {
          return problem('alias_limit', `alias *${name} at ${where()} refers to a collection that contains it (a recursive structure is not allowed)`);
        }
        aliases++;
        if (maxAliases >= 0 && aliases > maxAliases) {
          return problem('alias_limit', `too many YAML aliases: more than ${maxAliases} (limit exceeded at ${where()})`);
        }
        // an unknown anchor is left for the constructor to report with its own position
        const size = anchors.get(name) ?? 1;
        expansion += size;
        if (expansion > maxExpansion) {
          return problem('alias_limit', `YAML aliases expand to more than ${maxExpansion} nodes (limit exceeded at ${where()}); nested anchors and aliases ("alias bomb") are not allowed`);
        }
        addToParent(size);
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame === undefined) break;
        if (frame.anchor !== null) {
          open.delete(frame.anchor);
          anchors.set(frame.anchor, frame.size);
        }
        addToParent(frame.size);
        break;
      }
    }
  }
  return null;
}

/**
 * Loads exactly one YAML document from untrusted text: size-checked before any parsing, core
 * schema only (no custom tags, nothing that constructs functions or regexps, no merge keys), alias
 * count and expansion bounded, nesting depth bounded. Every failure is returned as a problem at path
 * `yaml`; a syntax error names the parser's line and column (1-based).
 */
export function loadYamlSafely(text: unknown, opts: SafeYamlOptions = {}): SafeYamlResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_YAML_BYTES;
  const maxAliases = opts.maxAliases ?? DEFAULT_MAX_ALIASES;
  const maxExpansion = opts.maxAliasExpansion ?? DEFAULT_MAX_ALIAS_EXPANSION;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;

  if (typeof text !== 'string') {
    return { value: undefined, problems: [problem('type', 'blueprint YAML must be a string')] };
  }
  // UTF-8 is never shorter than the UTF-16 length, so the cheap check refuses huge inputs first
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) {
    // for huge inputs the UTF-16 length is a lower bound that costs nothing to report
    const size = text.length > maxBytes ? `at least ${text.length}` : String(Buffer.byteLength(text, 'utf8'));
    return { value: undefined, problems: [problem('max_size', `blueprint YAML is ${size} bytes; the limit is ${maxBytes} bytes`)] };
  }

  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth });
  } catch (e) {
    return { value: undefined, problems: [fromException(e)] };
  }

  let documents = 0;
  for (const ev of events) if (ev.type === EVENT_ID.DOCUMENT) documents++;
  if (documents === 0) {
    return { value: undefined, problems: [problem('empty', 'blueprint YAML is empty: expected one document')] };
  }
  if (documents > 1) {
    return { value: undefined, problems: [problem('single_document', `blueprint YAML holds ${documents} documents; a blueprint file holds exactly one`)] };
  }

  const aliasProblem = checkAliases(text, events, maxAliases, maxExpansion);
  if (aliasProblem) return { value: undefined, problems: [aliasProblem] };

  try {
    const docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases });
    return { value: docs[0], problems: [] };
  } catch (e) {
    return { value: undefined, problems: [fromException(e)] };
  }
}
