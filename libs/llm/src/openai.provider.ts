import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ChatRequest, ChatResult, LlmProvider, llmFailed, llmTimeout, llmUnavailable, modelFor, ProviderHealth, StreamEvent } from './llm.types';
import { HttpProviderOptions } from './ollama.provider';

/**
 * Any OpenAI-compatible server (OpenAI, vLLM, LM Studio, llama.cpp, LiteLLM...) through the
 * official client, which retries 408/409/429/5xx and refused connections with backoff.
 */
export class OpenAiProvider implements LlmProvider {
  readonly name = 'openai' as const;
  private readonly client: OpenAI;

  constructor(
    private readonly baseURL: string,
    apiKey: string,
    readonly defaultModel: string,
    private readonly opts: HttpProviderOptions,
  ) {
    this.client = new OpenAI({ baseURL, apiKey, timeout: opts.timeoutMs, maxRetries: opts.maxRetries });
  }

  private mapError(e: unknown): Error {
    if (e instanceof APIConnectionTimeoutError) return llmTimeout('openai', this.opts.timeoutMs / 1000);
    if (e instanceof APIConnectionError) return llmUnavailable('openai', `${this.baseURL}: ${e.message}`);
    if (e instanceof APIError && e.status !== undefined) {
      if (e.status === 429 || e.status >= 500) return llmUnavailable('openai', `${this.baseURL} answered ${e.status}: ${e.message}`);
      return llmFailed('openai', e.status, e.message);
    }
    return e instanceof Error ? e : new Error(String(e));
  }

  private params(req: ChatRequest) {
    return {
      model: modelFor(this, req.model),
      messages: req.messages,
      ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    };
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    try {
      const r = await this.client.chat.completions.create({ ...this.params(req), stream: false });
      const u = r.usage;
      return {
        content: r.choices[0]?.message?.content ?? '',
        model: r.model,
        usage: { prompt_tokens: u?.prompt_tokens ?? 0, completion_tokens: u?.completion_tokens ?? 0, total_tokens: u?.total_tokens ?? 0 },
        raw: r,
      };
    } catch (e) {
      throw this.mapError(e);
    }
  }

  async *stream(req: ChatRequest): AsyncIterable<StreamEvent> {
    let model = modelFor(this, req.model);
    let usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    try {
      const s = await this.client.chat.completions.create({ ...this.params(req), stream: true, stream_options: { include_usage: true } });
      for await (const chunk of s) {
        model = chunk.model || model;
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) yield { type: 'delta', content: delta };
        if (chunk.usage) usage = { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens, total_tokens: chunk.usage.total_tokens };
      }
    } catch (e) {
      throw this.mapError(e);
    }
    yield { type: 'done', model, usage };
  }

  async health(): Promise<ProviderHealth> {
    const start = Date.now();
    try {
      const page = await this.client.models.list({ timeout: Math.min(this.opts.timeoutMs, 3000), maxRetries: 0 });
      const ids = page.data.map((m) => m.id);
      return {
        provider: 'openai',
        model: this.defaultModel,
        reachable: true,
        latency_ms: Date.now() - start,
        detail: ids.includes(this.defaultModel) ? `${this.baseURL} answers; model ${this.defaultModel} is served` : `${this.baseURL} answers, but does not list model ${this.defaultModel}`,
      };
    } catch (e) {
      return { provider: 'openai', model: this.defaultModel, reachable: false, latency_ms: Date.now() - start, detail: this.mapError(e).message };
    }
  }
}
