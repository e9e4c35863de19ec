import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeLlmOptions {
  /** status codes to answer before a normal answer, one per request (e.g. [500, 429]) */
  failures?: number[];
  /** answer every request with this status */
  alwaysStatus?: number;
  /** wait this long before answering */
  delayMs?: number;
  reply?: string;
}

export interface FakeLlm {
  url: string;
  requests: { path: string; body: Record<string, unknown>; auth?: string }[];
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (d) => (s += d));
    req.on('end', () => resolve(s ? JSON.parse(s) : {}));
  });
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** A real HTTP server on loopback speaking Ollama's native /api/chat (JSON and NDJSON streaming). */
export async function startFakeOllama(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const failures = [...(opts.failures ?? [])];
  const requests: FakeLlm['requests'] = [];
  const server = http.createServer(async (req, res) => {
    const body = req.method === 'POST' ? await readBody(req) : {};
    requests.push({ path: req.url ?? '', body });
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (req.url === '/api/tags') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ models: [{ name: 'llama3.2:latest' }] }));
    }
    const status = opts.alwaysStatus ?? failures.shift();
    if (status) {
      res.statusCode = status;
      return res.end(JSON.stringify({ error: `fake failure ${status}` }));
    }
    const messages = body.messages as { content: string }[];
    const prompt = messages.map((m) => m.content).join(' ');
    const reply = opts.reply ?? `ollama says: ${messages[messages.length - 1].content}`;
    const final = { model: body.model, done: true, prompt_eval_count: words(prompt), eval_count: words(reply) };
    if (body.stream) {
      res.setHeader('content-type', 'application/x-ndjson');
      for (const w of reply.split(' ')) res.write(JSON.stringify({ model: body.model, message: { role: 'assistant', content: `${w} ` }, done: false }) + '\n');
      return res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: '' } }) + '\n');
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: reply } }));
  });
  const url = await listen(server);
  return { url, requests, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

/** A real HTTP server on loopback speaking OpenAI's /v1/chat/completions (JSON and SSE) and /v1/models. */
export async function startFakeOpenAi(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const failures = [...(opts.failures ?? [])];
  const requests: FakeLlm['requests'] = [];
  const server = http.createServer(async (req, res) => {
    const body = req.method === 'POST' ? await readBody(req) : {};
    requests.push({ path: req.url ?? '', body, auth: req.headers.authorization });
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const status = opts.alwaysStatus ?? (req.url?.endsWith('/chat/completions') ? failures.shift() : undefined);
    res.setHeader('content-type', 'application/json');
    if (status) {
      res.statusCode = status;
      return res.end(JSON.stringify({ error: { message: `fake failure ${status}`, type: 'fake' } }));
    }
    if (req.url?.endsWith('/models')) return res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'test' }] }));
    const messages = body.messages as { content: string }[];
    const reply = opts.reply ?? `openai says: ${messages[messages.length - 1].content}`;
    const usage = { prompt_tokens: words(messages.map((m) => m.content).join(' ')), completion_tokens: words(reply), total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const base = { id: 'chatcmpl-fake', created: 1, model: body.model };
    if (body.stream) {
      res.setHeader('content-type', 'text/event-stream');
      for (const w of reply.split(' ')) res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `${w} ` }, finish_reason: null }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
      return res.end('data: [DONE]\n\n');
    }
    res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }], usage }));
  });
  const url = await listen(server);
  return { url, requests, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

/** A loopback port nothing listens on (for "provider down"). */
export async function closedPort(): Promise<string> {
  const server = http.createServer();
  const url = await listen(server);
  await new Promise((r) => server.close(() => r(undefined)));
  return url;
}
