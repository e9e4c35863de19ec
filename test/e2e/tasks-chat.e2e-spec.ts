import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { Spawned, spawnApp, waitFor } from '../harness/process';
import { closedPort, FakeLlm, startFakeOllama } from '../harness/fake-llm';
import { query } from '../harness/recovery';
import { TestSystem } from '../harness/system';

/** The most tasks that were running at the same moment, from their start and finish times. */
function maxOverlap(rows: { started_at: Date; finished_at: Date }[]): number {
  const points = rows.flatMap((r) => [
    { t: r.started_at.getTime(), d: 1 },
    { t: r.finished_at.getTime(), d: -1 },
  ]);
  points.sort((a, b) => a.t - b.t || a.d - b.d); // a finish before a start at the same instant
  let now = 0;
  let max = 0;
  for (const p of points) max = Math.max(max, (now += p.d));
  return max;
}

describe('tasks e2e: two worker processes run a cluster\'s tasks', () => {
  const sys = new TestSystem('tasks', { LOCAL_LLM_LATENCY_MS: '60', WORKER_CONCURRENCY: '20' });
  let second: Spawned;
  let id: string;

  before(async () => {
    await sys.start();
    second = spawnApp('worker', sys.env);
    await waitFor(async () => second.output().includes('worker started'), 30000, 'second worker');
    const res = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Task Force', target_workers: 5 } });
    id = res.body.id;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${id}`)).body.status === 'active' || undefined, 30000, 'active');
  });
  after(async () => {
    await second?.stop();
    await sys.stop();
  });

  it('runs 100 tasks with at most 5 at once; all succeed and the counters add up', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: `Draft social post number ${i} about our autumn coffee campaign`, priority: i % 3 } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'queued');
      ids.push(r.body.id);
    }
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${id}/tasks?status=succeeded&page_size=1`)).body.total === 100 || undefined, 90000, '100 tasks to succeed');

    const rows = await query<{ started_at: Date; finished_at: Date; agent_id: string; prompt_tokens: number; completion_tokens: number; duration_ms: number; attempts: number; output: string }>(
      sys.db.url,
      `SELECT started_at, finished_at, agent_id, prompt_tokens, completion_tokens, duration_ms, attempts, output FROM tasks WHERE cluster_id = $1`,
      [id],
    );
    assert.equal(rows.length, 100);
    const overlap = maxOverlap(rows);
    assert.ok(overlap <= 5, `at most 5 ran at once (saw ${overlap})`);
    assert.ok(overlap >= 2, `tasks ran in parallel (saw ${overlap})`);
    // the provider waits 60 ms; a timer measured with Date.now() can read 59 (libuv's clock is whole milliseconds)
    const bad = rows.find((r) => !(r.agent_id && r.prompt_tokens > 0 && r.completion_tokens > 0 && r.duration_ms >= 59 && r.attempts === 1 && r.output));
    assert.equal(bad, undefined, `every task has its agent, tokens, the provider's 60 ms in its duration, one attempt and an output: ${JSON.stringify(bad)}`);

    const one = (await sys.call('GET', `/api/tasks/${ids[0]}`)).body;
    assert.equal(one.status, 'succeeded');
    assert.match(one.output, /local development model/);

    const c = (await sys.call('GET', `/api/clusters/${id}`)).body;
    assert.equal(c.tasks_completed, 100);
    assert.equal(c.tasks_failed, 0);
    assert.ok(c.last_active_at);
    const agents = (await sys.call('GET', `/api/clusters/${id}/agents?role=worker`)).body.agents;
    assert.equal(agents.reduce((n: number, a: { tasks_completed: number }) => n + a.tasks_completed, 0), 100);
    assert.ok(agents.every((a: { status: string }) => a.status === 'idle'), 'every agent is free again');
    const perAgent = await query<{ agent_id: string; n: number }>(sys.db.url, `SELECT agent_id, count(*)::int AS n FROM tasks WHERE cluster_id = $1 GROUP BY agent_id`, [id]);
    for (const a of agents) assert.equal(a.tasks_completed, perAgent.find((p) => p.agent_id === a.id)?.n ?? 0);
    const cost = await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM cost_entries WHERE cluster_id = $1 AND kind = 'tokens'`, [id]);
    assert.equal(cost[0].n, 100);
  });

  it('routes a task that names a capability only to agents that have it', async () => {
    const workers = (await sys.call('GET', `/api/clusters/${id}/agents?role=worker`)).body.agents as { id: string; capabilities: string[] }[];
    const counts = new Map<string, number>();
    for (const w of workers) for (const c of w.capabilities) counts.set(c, (counts.get(c) ?? 0) + 1);
    const capability = [...counts.entries()].find(([, n]) => n > 0 && n < workers.length)![0];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: `job ${i}`, capability } })).body.id);
    const done = await waitFor(async () => {
      const ts = await Promise.all(ids.map(async (t) => (await sys.call('GET', `/api/tasks/${t}`)).body));
      return ts.every((t) => t.status === 'succeeded') ? ts : undefined;
    }, 30000, 'capability tasks');
    const allowed = new Set(workers.filter((w) => w.capabilities.includes(capability)).map((w) => w.id));
    assert.ok(done.every((t) => allowed.has(t.agent_id)), `every ${capability} task ran on an agent with it`);
    const unknown = await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'x', capability: 'time_travel' } });
    assert.equal(unknown.status, 422);
    assert.match(unknown.body.message, /time_travel/);
  });

  it('scales down while tasks run: busy workers drain and finish their task, none is lost', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: `drain test ${i}` } })).body.id);
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${id}/tasks?status=running&page_size=1`)).body.total > 0 || undefined, 10000, 'tasks running');
    assert.equal((await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: 3 } })).status, 202);
    await waitFor(async () => {
      const c = (await sys.call('GET', `/api/clusters/${id}`)).body;
      return c.status === 'active' && c.current_workers === 3 ? c : undefined;
    }, 30000, 'scale-down to finish');
    const all = await waitFor(async () => {
      const ts = await Promise.all(ids.map(async (t) => (await sys.call('GET', `/api/tasks/${t}`)).body));
      return ts.every((t) => t.status === 'succeeded') ? ts : undefined;
    }, 30000, 'all 20 tasks to succeed');
    assert.equal(all.length, 20);
    const stopped = (await sys.call('GET', `/api/clusters/${id}/agents?role=worker&status=stopped`)).body.agents;
    assert.equal(stopped.length, 2);
    assert.equal((await sys.call('GET', `/api/clusters/${id}/agents?status=draining`)).body.agents.length, 0);
  });

  it('refuses bad task input with the field named, and cancels queued tasks', async () => {
    const big = await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'x'.repeat(65 * 1024) } });
    assert.equal(big.status, 400);
    assert.match(big.body.message, /input must be shorter than or equal to 65536 characters/);
    const empty = await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: '' } });
    assert.equal(empty.status, 400);
    assert.equal((await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'hi' }, token: '' })).status, 401);

    // its lifecycle rules off, a hibernated cluster is not woken by work: the task waits
    assert.equal((await sys.call('PUT', `/api/clusters/${id}`, { body: { config: { lifecycle: { enabled: false } } } })).status, 200);
    await sys.call('POST', `/api/clusters/${id}/hibernate`);
    const waiting = await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'wait for me' } });
    assert.equal(waiting.status, 201, 'a hibernated cluster accepts tasks');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await sys.call('GET', `/api/tasks/${waiting.body.id}`)).body.status, 'queued');
    const cancelled = await sys.call('POST', `/api/tasks/${waiting.body.id}/cancel`);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal((await sys.call('POST', `/api/tasks/${waiting.body.id}/cancel`)).status, 409);
    assert.equal((await sys.call('GET', '/api/tasks/5a6b7c8d-1111-4222-8333-944455556666')).status, 404);

    const orphan = (await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'never runs' } })).body;
    assert.equal((await sys.call('DELETE', `/api/clusters/${id}`)).status, 202);
    const ended = await waitFor(async () => {
      const t = (await sys.call('GET', `/api/tasks/${orphan.id}`)).body;
      return t.status === 'cancelled' ? t : undefined;
    }, 15000, 'queued task cancelled by destroy');
    assert.match(ended.error, /cluster destroyed/);
    assert.equal((await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'too late' } })).status, 409);
  });
});

describe('tasks e2e: a failing LLM', () => {
  let fake: FakeLlm;
  let sys: TestSystem;

  before(async () => {
    fake = await startFakeOllama({ alwaysStatus: 500 });
    sys = new TestSystem('taskfail', { LLM_PROVIDER: 'ollama', OLLAMA_HOST: fake.url, LLM_MAX_RETRIES: '0', TASK_MAX_ATTEMPTS: '3' });
    await sys.start();
  });
  after(async () => {
    await sys.stop();
    await fake.close();
  });

  it('retries a failing task with backoff, then fails it with the error kept and frees the agent', async () => {
    const c = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Unlucky', target_workers: 3 } })).body;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${c.id}`)).body.status === 'active' || undefined, 30000, 'active');
    const t = (await sys.call('POST', `/api/clusters/${c.id}/tasks`, { body: { input: 'this will fail' } })).body;
    const failed = await waitFor(async () => {
      const x = (await sys.call('GET', `/api/tasks/${t.id}`)).body;
      return x.status === 'failed' ? x : undefined;
    }, 30000, 'task to fail');
    assert.equal(failed.attempts, 3);
    assert.match(failed.error, /ollama is unavailable: .*500 fake failure 500/);
    assert.equal(fake.requests.filter((r) => r.path === '/api/chat').length, 3);
    const cluster = (await sys.call('GET', `/api/clusters/${c.id}`)).body;
    assert.equal(cluster.tasks_failed, 1);
    const agent = (await sys.call('GET', `/api/clusters/${c.id}/agents?role=worker`)).body.agents.find((a: { id: string }) => a.id === failed.agent_id);
    assert.equal(agent.status, 'idle');
    assert.equal(agent.tasks_failed, 1);
  });
});

describe('chat e2e', () => {
  const sys = new TestSystem('chat', { CORS_ORIGINS: 'http://localhost:3001' });

  before(async () => {
    await sys.start();
  });
  after(async () => {
    await sys.stop();
  });

  it('answers the seed call without a token, with CORS for the chat UI origin', async () => {
    const res = await fetch(`${sys.base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3001' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hallo!' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:3001');
    const body = (await res.json()) as { message: { role: string; content: string }; model: string; usage: { total_tokens: number } };
    assert.equal(body.message.role, 'assistant');
    assert.match(body.message.content, /Hallo!/);
    assert.equal(body.model, 'local');
    assert.ok(body.usage.total_tokens > 0);
    const other = await fetch(`${sys.base}/api/chat`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('streams server-sent events ending with a usage event', async () => {
    const res = await fetch(`${sys.base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Plan a product launch for oat milk' }], stream: true }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /text\/event-stream/);
    const events = (await res.text())
      .trim()
      .split('\n\n')
      .map((block) => ({ event: /^event: (.*)$/m.exec(block)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(block)![1]) }));
    const deltas = events.filter((e) => e.event === 'delta');
    assert.ok(deltas.length > 1);
    const text = deltas.map((e) => e.data.content).join('');
    const plain = (await sys.call('POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'Plan a product launch for oat milk' }] } })).body;
    assert.equal(text, plain.message.content);
    const usage = events.find((e) => e.event === 'usage')!;
    assert.deepEqual(usage.data.usage, plain.usage);
    assert.equal(events.at(-1)!.event, 'done');
  });

  it('talks to a cluster supervisor or one of its agents with their system prompts', async () => {
    const c = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Chatty', target_workers: 3 } })).body;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${c.id}`)).body.status === 'active' || undefined, 30000, 'active');
    const sup = (await sys.call('POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'status?' }], cluster_id: c.id } })).body;
    assert.match(sup.message.content, /^Marketing Supervisor/);
    const agent = (await sys.call('GET', `/api/clusters/${c.id}/agents?role=specialist`)).body.agents[0];
    const spec = (await sys.call('POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'hello' }], cluster_id: c.id, agent_id: agent.id } })).body;
    assert.match(spec.message.content, new RegExp(`^${agent.name}`));
    assert.equal((await sys.call('POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'x' }], cluster_id: '5a6b7c8d-1111-4222-8333-944455556666' } })).status, 404);
  });

  it('works with the official openai client, streaming included', async () => {
    const client = new OpenAI({ baseURL: `${sys.base}/v1`, apiKey: 'not-a-brain-key', maxRetries: 0 });
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ['local']);
    const r = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'Say something about queues' }], max_tokens: 100 });
    assert.equal(r.object, 'chat.completion');
    assert.match(r.choices[0].message.content!, /queues/);
    assert.ok(r.usage!.total_tokens > 0);
    const stream = await client.chat.completions.create({ model: 'local', messages: [{ role: 'user', content: 'Say something about queues' }], max_tokens: 100, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, r.choices[0].message.content);
    assert.deepEqual(usage, r.usage);
  });

  it('serves the AXE chat UI routes', async () => {
    const r = (await sys.call('POST', '/api/axe/chat', { body: { model: 'local', messages: [{ role: 'user', content: 'Hallo AXE' }], temperature: 0.7 } })).body;
    assert.match(r.text, /Hallo AXE/);
    assert.ok(r.raw);
    const h = (await sys.call('GET', '/api/axe/health')).body;
    assert.equal(h.status, 'ok');
  });

  it('refuses bad chat input with the rule named', async () => {
    const bad = async (body: unknown) => (await sys.call('POST', '/api/chat', { body })).body.message as string;
    assert.match(await bad({ messages: [{ role: 'tool', content: 'x' }] }), /role must be one of system, user, assistant/);
    assert.match(await bad({ messages: [{ role: 'user', content: '' }] }), /content must not be empty/);
    assert.match(await bad({ messages: [] }), /messages must contain at least 1 elements/);
    assert.match(await bad({ messages: Array(101).fill({ role: 'user', content: 'x' }) }), /messages must contain no more than 100 elements/);
    assert.match(await bad({ messages: [{ role: 'user', content: 'x'.repeat(150_000) }, { role: 'user', content: 'y'.repeat(100_000) }] }), /limit is 204800 bytes/);
    assert.match(await bad({ messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }), /max_tokens must not be less than 1/);
    assert.match(await bad({ messages: [{ role: 'user', content: 'x' }], temperature: 3 }), /temperature must not be greater than 2/);
  });
});

describe('chat e2e: provider down or slow', () => {
  let down: TestSystem;
  let slowFake: FakeLlm;
  let slow: TestSystem;

  before(async () => {
    down = await new TestSystem('chatdown', { LLM_PROVIDER: 'ollama', OLLAMA_HOST: await closedPort(), LLM_MAX_RETRIES: '0' }).start();
    slowFake = await startFakeOllama({ delayMs: 3000 });
    slow = await new TestSystem('chatslow', { LLM_PROVIDER: 'ollama', OLLAMA_HOST: slowFake.url, LLM_TIMEOUT_SECONDS: '1', LLM_MAX_RETRIES: '0' }).start();
  });
  after(async () => {
    await down.stop();
    await slow.stop();
    await slowFake.close();
  });

  it('answers 503 when the provider is down and says so on /api/chat/health', async () => {
    const r = await down.call('POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(r.status, 503);
    assert.match(r.body.message, /LLM provider ollama is unavailable/);
    const s = await down.call('POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'hi' }], stream: true } });
    assert.equal(s.status, 503, 'a stream that cannot start is a plain 503');
    const h = (await down.call('GET', '/api/chat/health')).body;
    assert.equal(h.provider, 'ollama');
    assert.equal(h.reachable, false);
    assert.equal((await down.call('GET', '/api/axe/health')).body.status, 'degraded');
  });

  it('answers 504 when the provider is too slow', async () => {
    const r = await slow.call('POST', '/api/chat', { body: { messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(r.status, 504);
    assert.match(r.body.message, /did not answer within 1 s/);
  });
});

describe('tasks e2e: SIGTERM while a task runs', () => {
  const sys = new TestSystem('graceful', { LOCAL_LLM_LATENCY_MS: '1500' });

  before(async () => {
    await sys.start();
  });
  after(async () => {
    await sys.stop();
  });

  it('lets the in-flight task finish before the worker exits', async () => {
    const c = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Graceful', target_workers: 3 } })).body;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${c.id}`)).body.status === 'active' || undefined, 30000, 'active');
    const t = (await sys.call('POST', `/api/clusters/${c.id}/tasks`, { body: { input: 'slow work' } })).body;
    await waitFor(async () => (await sys.call('GET', `/api/tasks/${t.id}`)).body.status === 'running' || undefined, 10000, 'running');
    const code = await sys.worker.stop(20000);
    assert.equal(code, 0);
    const after = (await sys.call('GET', `/api/tasks/${t.id}`)).body;
    assert.equal(after.status, 'succeeded', 'finished before the process exited');
    assert.equal(after.attempts, 1);
  });
});
