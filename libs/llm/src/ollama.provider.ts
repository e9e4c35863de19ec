import { ChatRequest, ChatResult, LlmProvider, llmFailed, llmTimeout, llmUnavailable, modelFor, ProviderHealth, StreamEvent, Usage } from './llm.types';

export interface HttpProviderOptions {
  timeoutMs: number;
  maxRetries: number;
}

interface OllamaChatResponse {
  model: string;
  message?: { role: string; content: string };
  done?: boolean;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

const usageOf = (r: OllamaChatResponse): Usage => {
  const p = r.prompt_eval_count ?? 0;
  const c = r.eval_count ?? 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
};

/** Ollama's native `/api/chat`, with timeouts and retries on 429/5xx and refused connections. */
export class OllamaProvider implements LlmProvider {
  readonly name = 'ollama' as const;

  constructor(
    private readonly host: string,
    readonly defaultModel: string,
    private readonly opts: HttpProviderOptions,
  ) {}

  private body(req: ChatRequest, stream: boolean) {
    return JSON.stringify({
      model: modelFor(this, req.model),
      messages: req.messages,
      stream,
      options: { ...(req.temperature !== undefined ? { temperature: req.temperature } : {}), ...(req.maxTokens ? { num_predict: req.maxTokens } : {}) },
    });
  }

  /** POSTs with retries: connection errors, 429 and 5xx are retried with exponential backoff. */
  private async post(path: string, body: string): Promise<Response> {
    let last = '';
    for (let attempt = 0; attempt <= this.opts.maxRetries; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await fetch(`${this.host}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      } catch (e) {
        if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) throw llmTimeout('ollama', this.opts.timeoutMs / 1000);
        last = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
        continue;
      }
      if (res.ok) return res;
      const text = await res.text().catch(() => '');
      const detail = (() => {
        try {
          return (JSON.parse(text) as { error?: string }).error ?? text;
        } catch {
          return text;
        }
      })();
      if (res.status === 429 || res.status >= 500) {
        last = `${res.status} ${detail}`.trim();
        continue;
      }
      throw llmFailed('ollama', res.status, detail || res.statusText);
    }
    throw llmUnavailable('ollama', `${this.host}: ${last}`);
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const res = await this.post('/api/chat', this.body(req, false));
    const json = (await res.json()) as OllamaChatResponse;
    return { content: json.message?.content ?? '', model: json.model, usage: usageOf(json), raw: json };
  }

  async *stream(req: ChatRequest): AsyncIterable<StreamEvent> {
    const res = await this.post('/api/chat', this.body(req, true));
    const decoder = new TextDecoder();
    let buffer = '';
    // NDJSON: one JSON object per line; the last one has done: true and the token counts.
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as OllamaChatResponse;
        if (msg.error) throw llmFailed('ollama', 500, msg.error);
        if (msg.message?.content) yield { type: 'delta', content: msg.message.content };
        if (msg.done) {
          yield { type: 'done', model: msg.model, usage: usageOf(msg) };
          return;
        }
      }
    }
    throw llmUnavailable('ollama', 'the stream ended before the final message');
  }

  async health(): Promise<ProviderHealth> {
    const start = Date.now();
    try {
      const res = await fetch(`${this.host}/api/tags`, { signal: AbortSignal.timeout(Math.min(this.opts.timeoutMs, 3000)) });
      const models = res.ok ? ((await res.json()) as { models?: { name: string }[] }).models?.map((m) => m.name) ?? [] : [];
      const known = models.some((m) => m === this.defaultModel || m.startsWith(`${this.defaultModel}:`));
      return {
        provider: 'ollama',
        model: this.defaultModel,
        reachable: res.ok,
        latency_ms: Date.now() - start,
        detail: res.ok ? (known ? `${this.host} answers; model ${this.defaultModel} is pulled` : `${this.host} answers, but model ${this.defaultModel} is not pulled (have: ${models.join(', ') || 'none'})`) : `${this.host} answered ${res.status}`,
      };
    } catch (e) {
      return { provider: 'ollama', model: this.defaultModel, reachable: false, latency_ms: Date.now() - start, detail: `${this.host}: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}` };
    }
  }
}
