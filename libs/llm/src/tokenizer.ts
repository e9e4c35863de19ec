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
