// BRAiN console: a small hash-routed page over the public api (no build step).
//   #/clusters            clusters with status and workers
//   #/clusters/<id>       one cluster: facts, actions, chart, hierarchy, agents, decisions, costs, manifests
//   #/chat[?cluster=<id>] chat with the LLM or a cluster, streamed
import { api, ApiError, apiKey, authHeaders, readSse } from './api.js';
import { clear, fill, h, markdown, money, statusBadge, table, when } from './dom.js';

const view = document.getElementById('view');
const notice = document.getElementById('notice');
const REFRESH_MS = 3000;
let refreshTimer = null;
// bumped on every navigation: a view still loading when the user moved on must not start its timer
let generation = 0;

/** Refreshes every REFRESH_MS while the view that asked is still the one on screen. */
function keepRefreshing(gen, fn) {
  if (gen !== generation) return;
  refreshTimer = setInterval(() => {
    if (gen === generation) void fn();
  }, REFRESH_MS);
}
/** What the view on screen must release when the user navigates away (e.g. its chart). */
let onLeave = null;

// ---- notices and the API key ---------------------------------------------------------------

function say(message, isError = false) {
  notice.hidden = false;
  notice.className = isError ? 'error' : '';
  notice.textContent = message;
}

function sayError(e) {
  if (e instanceof ApiError && e.status === 401) {
    apiKey.clear();
    showKeyState();
    say(`${e.message} — enter a valid API key (button at the top right).`, true);
  } else {
    say(e instanceof Error ? e.message : String(e), true);
  }
}

function showKeyState() {
  const has = Boolean(apiKey.get());
  document.getElementById('key-status').textContent = has ? 'API key set (this tab only)' : 'no API key';
  document.getElementById('key-forget').hidden = !has;
  document.getElementById('key-set').textContent = has ? 'Change key' : 'Enter key';
}

/** Asks for the API key in a dialog; resolves true when one was entered. */
function askForKey() {
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (dialog.returnValue === 'save' && input.value.trim()) {
          apiKey.set(input.value.trim());
          input.value = '';
          showKeyState();
          resolve(true);
        } else resolve(false);
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
}

document.getElementById('key-set').addEventListener('click', () => void askForKey());
document.getElementById('key-forget').addEventListener('click', () => {
  apiKey.clear();
  showKeyState();
  say('API key forgotten.');
});

/** Runs a write: asks for a key first when none is stored, reports the outcome. */
async function act(label, fn) {
  if (!apiKey.get() && !(await askForKey())) return;
  try {
    await fn();
    say(`${label}: accepted.`);
  } catch (e) {
    sayError(e);
  }
}

// ---- routing --------------------------------------------------------------------------------

function route() {
  generation++;
  if (refreshTimer) clearInterval(refreshTimer);
  refreshTimer = null;
  if (onLeave) onLeave();
  onLeave = null;
  notice.hidden = true;
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = path.split('/').filter(Boolean);
  clear(view);
  if (parts[0] === 'clusters' && parts[1]) return clusterView(parts[1]);
  if (parts[0] === 'chat') return chatView(params.get('cluster'));
  return clustersView();
}

window.addEventListener('hashchange', route);
showKeyState();
route();

// ---- clusters list --------------------------------------------------------------------------

async function clustersView() {
  const gen = generation;
  document.title = 'Clusters · BRAiN console';
  const status = h('select', { id: 'filter-status', 'aria-label': 'Filter by status' }, h('option', { value: '' }, 'all statuses'),
    ['planning', 'spawning', 'active', 'scaling_up', 'scaling_down', 'hibernated', 'destroying', 'destroyed', 'failed'].map((s) => h('option', { value: s }, s)));
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  view.append(h('h1', {}, 'Clusters'), h('section', { class: 'card' }, h('div', { class: 'actions' }, h('label', {}, 'Status', status)), body));
  let page = 1;
  const load = async () => {
    try {
      const q = new URLSearchParams({ page: String(page), page_size: '20' });
      if (status.value) q.set('status', status.value);
      const r = await api('GET', `/api/clusters?${q}`);
      clear(body);
      if (!r.clusters.length) {
        body.append(h('p', {}, 'No clusters yet. Create one with ', h('code', {}, 'npm run cli -- clusters create --blueprint marketing-v1 --name NAME'), ' or POST /api/clusters.'));
        return;
      }
      body.append(
        table(
          ['Name', 'Status', 'Type', 'Blueprint', { label: 'Workers (live / target)', num: true }, { label: 'Min..max', num: true }, { label: 'Agents', num: true }, 'Last active'],
          r.clusters.map((c) =>
            h('tr', { 'data-cluster-id': c.id },
              h('td', {}, h('a', { href: `#/clusters/${encodeURIComponent(c.id)}` }, c.name)),
              h('td', {}, statusBadge(c.status)),
              h('td', {}, c.type),
              h('td', {}, c.blueprint_id),
              h('td', { class: 'num' }, `${c.current_workers} / ${c.target_workers}`),
              h('td', { class: 'num' }, `${c.min_workers}..${c.max_workers}`),
              h('td', { class: 'num' }, c.agents_count),
              h('td', {}, when(c.last_active_at)),
            ),
          ),
        ),
        pager(page, r.total, r.page_size, (p) => {
          page = p;
          void load();
        }),
      );
    } catch (e) {
      clear(body);
      sayError(e);
    }
  };
  status.addEventListener('change', () => {
    page = 1;
    void load();
  });
  await load();
  keepRefreshing(gen, load);
}

function pager(page, total, size, go) {
  const pages = Math.max(1, Math.ceil(total / size));
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'secondary', disabled: page <= 1, onclick: () => go(page - 1) }, 'Previous'),
    h('span', {}, `page ${page} of ${pages} (${total} in all)`),
    h('button', { type: 'button', class: 'secondary', disabled: page >= pages, onclick: () => go(page + 1) }, 'Next'),
  );
}

// ---- one cluster ----------------------------------------------------------------------------

async function clusterView(id) {
  const gen = generation;
  const path = `/api/clusters/${encodeURIComponent(id)}`;
  const title = h('h1', {}, 'Cluster');
  const facts = h('section', { class: 'card', 'aria-labelledby': 'facts-h' }, h('h2', { id: 'facts-h' }, 'Status'), h('p', { class: 'muted' }, 'Loading…'));
  const target = h('input', { id: 'scale-target', type: 'number', min: 0, max: 1000, step: 1, required: true, style: 'width:7rem' });
  const reason = h('input', { id: 'scale-reason', type: 'text', maxlength: 500, placeholder: 'why (kept in the decision log)', style: 'width:18rem' });
  const actions = h('section', { class: 'card', 'aria-labelledby': 'actions-h' },
    h('h2', { id: 'actions-h' }, 'Actions'),
    h('form', { class: 'actions', id: 'scale-form', onsubmit: (ev) => {
      ev.preventDefault();
      void act(`Scale to ${target.value}`, async () => {
        const body = { target_workers: Number(target.value) };
        if (reason.value.trim()) body.reason = reason.value.trim();
        await api('POST', `${path}/scale`, body);
        await refresh();
      });
    } },
      h('label', {}, 'Target workers', target),
      h('label', {}, 'Reason', reason),
      h('button', { type: 'submit', id: 'scale-button' }, 'Scale'),
      h('button', { type: 'button', class: 'secondary', id: 'hibernate-button', onclick: () => void act('Hibernate', async () => { await api('POST', `${path}/hibernate`); await refresh(); }) }, 'Hibernate'),
      h('button', { type: 'button', class: 'secondary', id: 'reactivate-button', onclick: () => void act('Reactivate', async () => { await api('POST', `${path}/reactivate`); await refresh(); }) }, 'Reactivate'),
      h('a', { href: `#/chat?cluster=${encodeURIComponent(id)}` }, 'Chat with this cluster'),
    ),
  );
  const chartBox = h('div', { class: 'chart', id: 'metrics-chart', role: 'img', 'aria-label': 'Live workers and queue length over time' });
  const chartNote = h('p', { class: 'muted' });
  const chartCard = h('section', { class: 'card', 'aria-labelledby': 'chart-h' }, h('h2', { id: 'chart-h' }, 'Workers and queue over time'), chartBox, chartNote);
  const tree = h('section', { class: 'card', 'aria-labelledby': 'tree-h', id: 'hierarchy' }, h('h2', { id: 'tree-h' }, 'Hierarchy'));
  const agents = h('section', { class: 'card', 'aria-labelledby': 'agents-h', id: 'agents' }, h('h2', { id: 'agents-h' }, 'Agents'));
  const decisions = h('section', { class: 'card', 'aria-labelledby': 'decisions-h', id: 'decisions' }, h('h2', { id: 'decisions-h' }, 'Scaling decisions'));
  const costs = h('section', { class: 'card', 'aria-labelledby': 'costs-h', id: 'costs' }, h('h2', { id: 'costs-h' }, 'Costs and budget'));
  const manifests = h('section', { class: 'card', 'aria-labelledby': 'manifests-h', id: 'manifests' }, h('h2', { id: 'manifests-h' }, 'Manifests'));
  view.append(title, h('div', { class: 'grid' }, facts, actions), chartCard, h('div', { class: 'grid' }, tree, costs), agents, decisions, manifests);

  let agentsPage = 1;
  let firstLoad = true;
  let chart = null;
  onLeave = () => chart?.destroy();

  async function loadFacts() {
    const c = await api('GET', path);
    document.title = `${c.name} · BRAiN console`;
    title.textContent = c.name;
    if (firstLoad) target.value = String(c.target_workers);
    firstLoad = false;
    target.min = String(c.min_workers);
    target.max = String(c.max_workers);
    fill(facts, 
      h('h2', { id: 'facts-h' }, 'Status'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', { id: 'cluster-status' }, statusBadge(c.status), c.status_reason ? h('span', { class: 'muted' }, ` ${c.status_reason}`) : null),
        h('dt', {}, 'Workers'), h('dd', { id: 'cluster-workers' }, `${c.current_workers} live, target ${c.target_workers} (min ${c.min_workers}, max ${c.max_workers})`),
        h('dt', {}, 'Agents'), h('dd', {}, String(c.agents_count)),
        h('dt', {}, 'Blueprint'), h('dd', {}, `${c.blueprint_id} ${c.blueprint_version}`),
        h('dt', {}, 'Type'), h('dd', {}, c.type),
        h('dt', {}, 'Autoscaling'), h('dd', {}, c.autoscaling_enabled ? `on (${c.scaling?.metric ?? 'rule'})` : 'off'),
        h('dt', {}, 'Tasks'), h('dd', {}, `${c.tasks_completed} completed, ${c.tasks_failed} failed`),
        h('dt', {}, 'Last scaled'), h('dd', {}, when(c.last_scaled_at)),
        h('dt', {}, 'Created'), h('dd', {}, when(c.created_at)),
        c.description ? [h('dt', {}, 'Description'), h('dd', {}, c.description)] : null,
      ),
    );
  }

  async function loadChart() {
    const r = await api('GET', `${path}/metrics?limit=300`);
    const samples = [...r.samples].reverse(); // the api answers newest first
    if (!samples.length) {
      chartNote.textContent = 'No metric samples yet: the worker takes one every METRICS_INTERVAL_SECONDS.';
      return;
    }
    const data = [samples.map((s) => Date.parse(s.sampled_at) / 1000), samples.map((s) => s.live_workers), samples.map((s) => s.queue_length)];
    chartNote.textContent = `${samples.length} samples, latest ${when(samples[samples.length - 1].sampled_at)}: ${samples[samples.length - 1].live_workers} live workers, ${samples[samples.length - 1].queue_length} queued tasks.`;
    if (!window.uPlot || gen !== generation) return; // no chart for a view the user has left
    const width = Math.max(320, chartBox.clientWidth || 800);
    if (chart) {
      chart.setData(data);
      return;
    }
    chart = new window.uPlot(
      {
        width,
        height: 240,
        series: [
          {},
          { label: 'live workers', stroke: '#2456c7', width: 2 },
          { label: 'queue length', stroke: '#c7562a', width: 2 },
        ],
        axes: [{}, { label: 'count' }],
        scales: { x: { time: true } },
      },
      data,
      chartBox,
    );
  }

  async function loadTree() {
    const r = await api('GET', `${path}/hierarchy`);
    const node = (n) =>
      h('li', {},
        h('span', {}, h('strong', {}, n.name), ` — ${n.role} `, statusBadge(n.status)),
        n.subordinates.length ? h('ul', {}, n.subordinates.map(node)) : null,
      );
    fill(tree, 
      h('h2', { id: 'tree-h' }, `Hierarchy (${r.total_agents} agents)`),
      r.supervisor ? h('ul', { class: 'tree' }, node(r.supervisor)) : h('p', { class: 'muted' }, 'No supervisor yet.'),
    );
  }

  async function loadAgents() {
    const r = await api('GET', `${path}/agents?page=${agentsPage}&page_size=20`);
    fill(agents, 
      h('h2', { id: 'agents-h' }, 'Agents'),
      table(
        ['Name', 'Role', 'Status', { label: 'Tasks done', num: true }, { label: 'Failed', num: true }, 'Last active', 'Error'],
        r.agents.map((a) =>
          h('tr', {},
            h('td', {}, a.name),
            h('td', {}, a.role),
            h('td', {}, statusBadge(a.status)),
            h('td', { class: 'num' }, a.tasks_completed),
            h('td', { class: 'num' }, a.tasks_failed),
            h('td', {}, when(a.last_active_at)),
            h('td', {}, a.error ?? ''),
          ),
        ),
      ),
      pager(agentsPage, r.total, r.page_size, (p) => {
        agentsPage = p;
        void loadAgents().catch(sayError);
      }),
    );
  }

  async function loadDecisions() {
    const r = await api('GET', `${path}/scaling-decisions?page_size=20`);
    fill(decisions, 
      h('h2', { id: 'decisions-h' }, `Scaling decisions (${r.total})`),
      r.decisions.length
        ? table(
            ['When', 'Source', { label: 'From → to', num: true }, 'Applied', 'Why'],
            r.decisions.map((d) =>
              h('tr', {},
                h('td', {}, when(d.created_at)),
                h('td', {}, d.source, d.requested_by ? h('span', { class: 'muted' }, ` (${d.requested_by})`) : null),
                h('td', { class: 'num' }, `${d.from_workers} → ${d.to_workers}`),
                h('td', {}, d.applied ? 'yes' : 'no'),
                h('td', {}, h('code', {}, d.reason_code), ' ', d.reason ?? ''),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No decisions yet.'),
    );
  }

  async function loadCosts() {
    const c = await api('GET', `${path}/costs`);
    const b = c.budget;
    fill(costs, 
      h('h2', { id: 'costs-h' }, 'Costs and budget'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Period'), h('dd', {}, `${c.period} from ${when(c.period_start)}, resets ${when(c.resets_at)}`),
        h('dt', {}, 'Spent'), h('dd', { id: 'cost-spent' }, money(c.spent, c.currency)),
        h('dt', {}, 'Tasks / time'), h('dd', {}, `${money(c.tasks_cost, c.currency)} for ${c.tasks} tasks, ${money(c.time_cost, c.currency)} agent time`),
        h('dt', {}, 'Forecast'), h('dd', {}, typeof c.forecast === 'number' ? money(c.forecast, c.currency) : JSON.stringify(c.forecast)),
        h('dt', {}, 'Budget'), h('dd', {}, b ? `soft ${money(b.soft_limit, b.currency)}, hard ${money(b.hard_limit, b.currency)}${c.hard_limit_reached ? ' — hard limit reached' : ''}` : 'none set'),
      ),
      c.by_model.length
        ? table(['Model', { label: 'Tokens', num: true }, { label: 'Tasks', num: true }, { label: 'Amount', num: true }],
            c.by_model.map((m) => h('tr', {}, h('td', {}, m.model), h('td', { class: 'num' }, m.tokens), h('td', { class: 'num' }, m.tasks), h('td', { class: 'num' }, money(m.amount, c.currency)))))
        : null,
    );
  }

  async function loadManifests() {
    try {
      const r = await api('GET', `${path}/manifests`);
      const body = h('div', {});
      fill(manifests, 
        h('h2', { id: 'manifests-h' }, 'Manifests'),
        h('div', { class: 'actions' }, r.manifests.map((m) =>
          h('button', { type: 'button', class: 'secondary', onclick: async () => {
            try {
              const text = await api('GET', `${path}/manifests/${encodeURIComponent(m.name)}`);
              fill(body, h('h3', {}, m.name, h('span', { class: 'muted' }, ` generated ${when(m.generated_at)}`)), markdown(text));
            } catch (e) {
              sayError(e);
            }
          } }, `Show ${m.name}`),
        )),
        body,
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) fill(manifests, h('h2', { id: 'manifests-h' }, 'Manifests'), h('p', { class: 'muted' }, 'Not generated yet.'));
      else throw e;
    }
  }

  async function refresh() {
    await Promise.all([loadFacts(), loadChart(), loadTree(), loadDecisions(), loadAgents()]);
  }

  try {
    await refresh();
    await Promise.all([loadCosts(), loadManifests()]);
  } catch (e) {
    sayError(e);
    return;
  }
  keepRefreshing(gen, () => refresh().catch(sayError));
}

// ---- chat -----------------------------------------------------------------------------------

async function chatView(clusterId) {
  document.title = 'Chat · BRAiN console';
  const target = h('select', { id: 'chat-target' }, h('option', { value: '' }, 'the LLM directly'));
  const model = h('input', { id: 'chat-model', type: 'text', maxlength: 200, placeholder: 'configured default (local)' });
  const text = h('textarea', { id: 'chat-input', required: true, maxlength: 20000, placeholder: 'Ask something…' });
  const send = h('button', { type: 'submit', id: 'chat-send' }, 'Send');
  const log = h('div', { class: 'chat-log', id: 'chat-log', 'aria-live': 'polite' });
  const history = [];
  view.append(
    h('h1', {}, 'Chat'),
    h('section', { class: 'card' },
      h('form', { class: 'chat', id: 'chat-form', onsubmit: (ev) => {
        ev.preventDefault();
        void ask();
      } },
        h('div', { class: 'actions' }, h('label', {}, 'Talk to', target), h('label', {}, 'Model', model)),
        log,
        h('label', { for: 'chat-input' }, 'Message'),
        text,
        h('div', {}, send),
      ),
    ),
  );
  try {
    const r = await api('GET', '/api/clusters?page_size=100');
    for (const c of r.clusters) if (!['destroyed', 'destroying'].includes(c.status)) target.append(h('option', { value: c.id }, `cluster ${c.name} (its supervisor)`));
    if (clusterId) target.value = clusterId;
  } catch (e) {
    sayError(e);
  }

  async function ask() {
    const content = text.value.trim();
    if (!content) return;
    history.push({ role: 'user', content });
    log.append(h('div', { class: 'msg msg-user' }, h('span', { class: 'who' }, 'you'), content));
    text.value = '';
    const answer = h('span', { class: 'answer' });
    const meta = h('span', { class: 'who' }, 'assistant');
    const bubble = h('div', { class: 'msg msg-assistant', 'aria-busy': 'true' }, meta, answer);
    log.append(bubble);
    send.disabled = true;
    const body = { messages: history, stream: true };
    if (model.value.trim()) body.model = model.value.trim();
    if (target.value) body.cluster_id = target.value;
    try {
      const res = await fetch('/api/chat', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...authHeaders() }, body: JSON.stringify(body) });
      if (!res.ok) {
        const err = await res.json().catch(() => ({ message: `HTTP ${res.status}` }));
        throw new ApiError(res.status, err);
      }
      await readSse(res, (event, data) => {
        if (event === 'delta') {
          answer.textContent += data.content;
          log.scrollTop = log.scrollHeight;
        } else if (event === 'usage') {
          meta.textContent = `assistant · ${data.model} · ${data.usage?.total_tokens ?? '?'} tokens`;
        } else if (event === 'error') {
          bubble.className = 'msg msg-error';
          answer.textContent += `\n[error: ${data.message ?? 'stream failed'}]`;
        }
      });
      bubble.setAttribute('aria-busy', 'false');
      bubble.dataset.done = 'true';
      history.push({ role: 'assistant', content: answer.textContent });
    } catch (e) {
      history.pop();
      bubble.className = 'msg msg-error';
      answer.textContent = e instanceof Error ? e.message : String(e);
      bubble.setAttribute('aria-busy', 'false');
    } finally {
      send.disabled = false;
      text.focus();
    }
  }
}
