import { AppConfig } from '#config';
import { LlmProvider } from './llm.types';
import { LocalProvider } from './local.provider';
import { OllamaProvider } from './ollama.provider';
import { OpenAiProvider } from './openai.provider';

/**
 * The configured provider. `retries: false` gives one that tries each call once: for callers that
 * own the retries themselves (task execution retries through its job), so the two never multiply.
 */
export function createProvider(cfg: AppConfig['llm'], opts: { retries?: boolean } = {}): LlmProvider {
  const http = { timeoutMs: cfg.timeoutSeconds * 1000, maxRetries: opts.retries === false ? 0 : cfg.maxRetries };
  switch (cfg.provider) {
    case 'ollama':
      return new OllamaProvider(cfg.ollama.host.replace(/\/+$/, ''), cfg.ollama.model, http);
    case 'openai':
      return new OpenAiProvider(cfg.openai.baseUrl, cfg.openai.apiKey ?? 'not-needed', cfg.openai.model, http);
    default:
      return new LocalProvider({ latencyMs: cfg.localLatencyMs });
  }
}

/** Price of a call from the configured table (per 1,000 tokens); unknown models cost the `*` entry or nothing. */
export function priceOf(prices: AppConfig['llm']['prices'], model: string, promptTokens: number, completionTokens: number): number {
  const p = prices[model] ?? prices['*'] ?? { prompt: 0, completion: 0 };
  return (promptTokens * p.prompt + completionTokens * p.completion) / 1000;
}
