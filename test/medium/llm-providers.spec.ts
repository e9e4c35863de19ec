import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '#common';
import { countMessageTokens, countTokens, LocalProvider, OllamaProvider, OpenAiProvider, priceOf, StreamEvent } from '#llm';
import { closedPort, FakeLlm, startFakeOllama, startFakeOpenAi } from '../harness/fake-llm';

const http = { timeoutMs: 2000, maxRetries: 2 };
const ask = { messages: [{ role: 'system' as const, content: 'You are Tester, a worker.' }, { role: 'user' as const, content: 'write a haiku about queues' }] };

async function collect(events: AsyncIterable<StreamEvent>) {
  let text = '';
  let done: Extract<StreamEvent, { type: 'done' }> | undefined;
  for await (const e of events) {
    if (e.type === 'delta') text += e.content;
    else done = e;
  }
  return { text, done: done! };
}

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('local provider', () => {
  const local = new LocalProvider({ latencyMs: 0 });

  it('answers deterministically from the role and the input, with real token counts', async () => {
    const a = await local.chat(ask);
    const b = await local.chat(ask);
    assert.equal(a.content, b.content);
    assert.match(a.content, /^Tester \(local development model, not a language model\)/);
    assert.match(a.content, /haiku/);
    assert.equal(a.usage.completion_tokens, countTokens(a.content));
    assert.equal(a.usage.prompt_tokens, countMessageTokens(ask.messages));
    assert.equal(a.usage.total_tokens, a.usage.prompt_tokens + a.usage.completion_tokens);
  });

  it('honours max_tokens and streams the same answer', async () => {
    const short = await local.chat({ ...ask, maxTokens: 5 });
    assert.equal(short.usage.completion_tokens, 5);
    const full = await local.chat(ask);
    const streamed = await collect(local.stream(ask));
    assert.equal(streamed.text, full.content);
    assert.deepEqual(streamed.done.usage, full.usage);
  });

  it('prices calls from the table, free when unknown', () => {
    const prices = { 'gpt-x': { prompt: 1, completion: 2 }, local: { prompt: 0, completion: 0 } };
    assert.equal(priceOf(prices, 'gpt-x', 1000, 500), 2);
    assert.equal(priceOf(prices, 'other', 1000, 500), 0);
    assert.equal(priceOf({ ...prices, '*': { prompt: 0.5, completion: 0.5 } }, 'other', 1000, 1000), 1);
  });
});

describe('ollama provider against a server speaking /api/chat', () => {
  const servers: FakeLlm[] = [];
  after(async () => Promise.all(servers.map((s) => s.close())));
  const start = async (opts = {}) => {
    const s = await startFakeOllama(opts);
    servers.push(s);
    return s;
  };

  it('chats and streams NDJSON with the model, options and token counts', async () => {
    const s = await start();
    const p = new OllamaProvider(s.url, 'llama3.2', http);
    const r = await p.chat({ ...ask, temperature: 0.3, maxTokens: 50 });
    assert.equal(r.content, 'ollama says: write a haiku about queues');
    assert.equal(r.model, 'llama3.2');
    assert.deepEqual(s.requests[0].body.options, { temperature: 0.3, num_predict: 50 });
    assert.equal(r.usage.prompt_tokens, 10);
    const streamed = await collect(p.stream({ ...ask, model: 'local' }));
    assert.equal(streamed.text.trim(), 'ollama says: write a haiku about queues');
    assert.equal(streamed.done.usage.completion_tokens, 7);
    assert.equal(s.requests[1].body.model, 'llama3.2', '"local" means the configured model');
  });

  it('retries 5xx and 429, then answers', async () => {
    const s = await start({ failures: [500, 429] });
    const r = await new OllamaProvider(s.url, 'llama3.2', http).chat(ask);
    assert.match(r.content, /ollama says/);
    assert.equal(s.requests.length, 3);
  });

  it('gives up after the retries with a 503, reports 4xx as 502 and a slow server as 504', async () => {
    const down = await start({ alwaysStatus: 503 });
    await rejectsWith(new OllamaProvider(down.url, 'm', http).chat(ask), 'DEPENDENCY_UNAVAILABLE', /ollama is unavailable: .*503/);
    assert.equal(down.requests.length, 3);
    const missing = await start({ alwaysStatus: 404 });
    await rejectsWith(new OllamaProvider(missing.url, 'm', http).chat(ask), 'DEPENDENCY_FAILED', /answered 404: fake failure 404/);
    const slow = await start({ delayMs: 1500 });
    await rejectsWith(new OllamaProvider(slow.url, 'm', { timeoutMs: 300, maxRetries: 0 }).chat(ask), 'DEPENDENCY_TIMEOUT', /did not answer within 0.3 s/);
    await rejectsWith(new OllamaProvider(await closedPort(), 'm', { timeoutMs: 500, maxRetries: 1 }).chat(ask), 'DEPENDENCY_UNAVAILABLE', /ECONNREFUSED/);
  });

  it('reports health from /api/tags', async () => {
    const s = await start();
    const h = await new OllamaProvider(s.url, 'llama3.2', http).health();
    assert.equal(h.reachable, true);
    assert.match(h.detail, /model llama3.2 is pulled/);
    const down = await new OllamaProvider(await closedPort(), 'llama3.2', http).health();
    assert.equal(down.reachable, false);
  });
});

describe('openai provider against a server speaking /v1/chat/completions', () => {
  const servers: FakeLlm[] = [];
  after(async () => Promise.all(servers.map((s) => s.close())));
  const start = async (opts = {}) => {
    const s = await startFakeOpenAi(opts);
    servers.push(s);
    return s;
  };

  it('chats and streams SSE with usage, sending the key', async () => {
    const s = await start();
    const p = new OpenAiProvider(`${s.url}/v1`, 'sk-test', 'fake-model', http);
    const r = await p.chat({ ...ask, maxTokens: 20 });
    assert.equal(r.content, 'openai says: write a haiku about queues');
    assert.equal(r.usage.completion_tokens, 7);
    assert.equal(s.requests[0].auth, 'Bearer sk-test');
    assert.equal(s.requests[0].body.max_tokens, 20);
    const streamed = await collect(p.stream(ask));
    assert.equal(streamed.text.trim(), 'openai says: write a haiku about queues');
    assert.equal(streamed.done.usage.total_tokens, 17);
    assert.equal((await p.health()).reachable, true);
  });

  it('retries 429 and 5xx, then maps errors to 503, 502 and 504', async () => {
    const flaky = await start({ failures: [429, 500] });
    assert.match((await new OpenAiProvider(`${flaky.url}/v1`, 'k', 'm', http).chat(ask)).content, /openai says/);
    const down = await start({ alwaysStatus: 502 });
    await rejectsWith(new OpenAiProvider(`${down.url}/v1`, 'k', 'm', { timeoutMs: 2000, maxRetries: 1 }).chat(ask), 'DEPENDENCY_UNAVAILABLE', /502/);
    const unauthorized = await start({ alwaysStatus: 401 });
    await rejectsWith(new OpenAiProvider(`${unauthorized.url}/v1`, 'k', 'm', http).chat(ask), 'DEPENDENCY_FAILED', /401/);
    const slow = await start({ delayMs: 1500 });
    await rejectsWith(new OpenAiProvider(`${slow.url}/v1`, 'k', 'm', { timeoutMs: 300, maxRetries: 0 }).chat(ask), 'DEPENDENCY_TIMEOUT', /0.3 s/);
    await rejectsWith(new OpenAiProvider(`${await closedPort()}/v1`, 'k', 'm', { timeoutMs: 500, maxRetries: 0 }).chat(ask), 'DEPENDENCY_UNAVAILABLE', /unavailable/);
  });
});
