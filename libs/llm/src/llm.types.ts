import { DomainError, ErrorCode } from '#common';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** provider-specific model; the provider's default when absent */
  model?: string;
  maxTokens?: number;
  temperature?: number;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatResult {
  content: string;
  model: string;
  usage: Usage;
  /** the provider's own answer, for callers that pass it through (the AXE UI's `raw`) */
  raw: unknown;
}

export type StreamEvent = { type: 'delta'; content: string } | { type: 'done'; model: string; usage: Usage };

export interface ProviderHealth {
  provider: string;
  model: string;
  reachable: boolean;
  latency_ms: number;
  detail: string;
}

/** One interface over the offline provider, Ollama and OpenAI-compatible servers. */
export interface LlmProvider {
  readonly name: 'local' | 'ollama' | 'openai';
  readonly defaultModel: string;
  chat(req: ChatRequest): Promise<ChatResult>;
  stream(req: ChatRequest): AsyncIterable<StreamEvent>;
  health(): Promise<ProviderHealth>;
}

export const llmUnavailable = (provider: string, detail: string) =>
  new DomainError(ErrorCode.DependencyUnavailable, `LLM provider ${provider} is unavailable: ${detail}`);
export const llmTimeout = (provider: string, seconds: number) =>
  new DomainError(ErrorCode.DependencyTimeout, `LLM provider ${provider} did not answer within ${seconds} s`);
export const llmFailed = (provider: string, status: number, detail: string) =>
  new DomainError(ErrorCode.DependencyFailed, `LLM provider ${provider} answered ${status}: ${detail}`);

/** The model to ask for: an agent's `local` means "the configured default" on a real provider. */
export function modelFor(provider: LlmProvider, requested?: string): string {
  if (!requested || (requested === 'local' && provider.name !== 'local')) return provider.defaultModel;
  return requested;
}
