import { ChatMessage, ChatRequest, ChatResult, LlmProvider, ProviderHealth, StreamEvent, Usage } from './llm.types';
import { countMessageTokens, decode, encode } from './tokenizer';

const STOPWORDS = new Set(
  'a an and are as at be but by for from has have how i in is it its me my of on or our please so that the their them then there this to us was we what when which who will with you your about into can could would should hallo hello tell write make give show'.split(' '),
);

/** The role an agent's system prompt gives it ("You are Image Generator 1, a worker ..."). */
export function speakerFrom(messages: ChatMessage[]): string {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const m = /You are ([^,.\n]{2,80})/.exec(system);
  return m ? m[1].trim() : 'BRAiN local assistant';
}

function keywords(text: string, n: number): string[] {
  const counts = new Map<string, number>();
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}_-]{4,}/gu) ?? []) {
    if (!STOPWORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  // by frequency, then first appearance (Map keeps insertion order): deterministic
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([w]) => w);
}

/**
 * A deterministic answer composed from the speaker's role and the last user message. Not a
 * language model: it exists so the whole system runs and can be tested offline.
 */
export function composeAnswer(messages: ChatMessage[]): string {
  const speaker = speakerFrom(messages);
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content.trim() ?? '';
  const words = last ? last.split(/\s+/).length : 0;
  const keys = keywords(last, 3);
  const quoted = last.length > 160 ? `${last.slice(0, 157)}...` : last;
  const lines = [`${speaker} (local development model, not a language model) here.`, `You wrote ${words} word${words === 1 ? '' : 's'}: "${quoted}".`];
  if (keys.length) {
    lines.push(`Key topics: ${keys.join(', ')}.`);
    lines.push(`Plan: 1) gather what is known about ${keys[0]}; 2) draft a result covering ${keys.join(' and ')}; 3) review it and hand it back.`);
  } else {
    lines.push('How can I help? Send a task or a question and I will outline how I would handle it.');
  }
  return lines.join('\n');
}

export interface LocalProviderOptions {
  latencyMs: number;
}

export class LocalProvider implements LlmProvider {
  readonly name = 'local' as const;
  readonly defaultModel = 'local';

  constructor(private readonly opts: LocalProviderOptions) {}

  private answer(req: ChatRequest): { content: string; usage: Usage } {
    let content = composeAnswer(req.messages);
    let tokens = encode(content);
    if (req.maxTokens && tokens.length > req.maxTokens) {
      tokens = tokens.slice(0, req.maxTokens);
      content = decode(tokens);
    }
    const prompt = countMessageTokens(req.messages);
    return { content, usage: { prompt_tokens: prompt, completion_tokens: tokens.length, total_tokens: prompt + tokens.length } };
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    const { content, usage } = this.answer(req);
    return { content, model: 'local', usage, raw: { provider: 'local', content, usage } };
  }

  async *stream(req: ChatRequest): AsyncIterable<StreamEvent> {
    const { content, usage } = this.answer(req);
    const tokens = encode(content);
    const step = Math.max(1, Math.ceil(tokens.length / 8));
    const pause = this.opts.latencyMs / Math.ceil(tokens.length / step);
    for (let i = 0; i < tokens.length; i += step) {
      if (pause) await new Promise((r) => setTimeout(r, pause));
      yield { type: 'delta', content: decode(tokens.slice(i, i + step)) };
    }
    yield { type: 'done', model: 'local', usage };
  }

  async health(): Promise<ProviderHealth> {
    return { provider: 'local', model: 'local', reachable: true, latency_ms: 0, detail: 'built-in offline development provider (not a language model)' };
  }
}
