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

export function countTokens(text: string): number {
  return enc().encode(text).length;
}

/** Token counts of system prompts seen lately: an agent's prompt is the same for every task it runs. */
const promptCounts = new Map<string, number>();
const PROMPT_CACHE_SIZE = 256;

function countSystemPrompt(text: string): number {
  let n = promptCounts.get(text);
  if (n === undefined) {
    n = countTokens(text);
    // oldest first out (a Map iterates in insertion order)
    if (promptCounts.size >= PROMPT_CACHE_SIZE) promptCounts.delete(promptCounts.keys().next().value!);
    promptCounts.set(text, n);
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
  return messages.reduce((n, m) => n + 4 + (m.role === 'system' ? countSystemPrompt(m.content) : countTokens(m.content)) + countTokens(m.role), 3);
}
