import type { Tiktoken } from 'js-tiktoken';
import type { ChatMessage } from './llm.types';

let encoding: Tiktoken | undefined;

/** cl100k_base, loaded on first use (its tables take a few hundred ms to build). */
function enc(): Tiktoken {
  if (!encoding) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getEncoding } = require('js-tiktoken') as typeof import('js-tiktoken');
    encoding = getEncoding('cl100k_base');
  }
  return encoding;
}

/** Counts of long texts seen lately: an agent's system prompt is counted for every task it runs. */
const counted = new Map<string, number>();
const COUNT_CACHE_SIZE = 256;
const COUNT_CACHE_MIN_LENGTH = 200;

export function countTokens(text: string): number {
  if (text.length < COUNT_CACHE_MIN_LENGTH) return enc().encode(text).length;
  let n = counted.get(text);
  if (n === undefined) {
    n = enc().encode(text).length;
    // oldest first out (a Map iterates in insertion order)
    if (counted.size >= COUNT_CACHE_SIZE) counted.delete(counted.keys().next().value!);
    counted.set(text, n);
  }
  return n;
}

export function encode(text: string): number[] {
  return enc().encode(text);
}

export function decode(tokens: number[]): string {
  return enc().decode(tokens);
}

/** Prompt tokens the way OpenAI counts chat input: content plus a few tokens of framing per message. */
export function countMessageTokens(messages: ChatMessage[]): number {
  return messages.reduce((n, m) => n + 4 + countTokens(m.content) + countTokens(m.role), 3);
}
