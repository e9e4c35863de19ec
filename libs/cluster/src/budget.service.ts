import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '#common';
import { Budget, BudgetAlert, BudgetPeriod, Cluster, toEntities } from '#db';
import { countMessageTokens, modelFor, LlmProvider } from '#llm';
import { RUNTIME, Runtime } from '#runtime';
import {
  AWAKE,
  budgetAlertLevels,
  budgetMaxWorkers,
  BudgetPeriodName,
  canReserve,
  conditionHolds,
  estimateTaskCost,
  forecastSpend,
  hardLimitReached,
  MetricsSnapshot,
  parseAlertCondition,
  periodBounds,
  PeriodBounds,
  timeCost,
} from '#scaling';
import { TASK_LLM } from './llm.module';
import { TaskRepository } from './task.repository';

/** Cost entries are recorded in this currency when a cluster has no budget (prices carry no currency). */
export const DEFAULT_CURRENCY = 'USD';
/** A task's completion is estimated at this many tokens when its agent sets no max_tokens. */
export const DEFAULT_ESTIMATE_MAX_TOKENS = 4096;
/** Time cost is accrued for at most this many metrics intervals at once (a stopped system does not bill its downtime). */
export const ACCRUAL_CAP_INTERVALS = 10;

export interface BudgetInput {
  currency: string;
  period: BudgetPeriod | BudgetPeriodName;
  softLimit: number;
  hardLimit: number;
}

/** A cluster's budget now: the period, what was spent and is reserved in it, and the forecast. */
export interface BudgetState {
  budget: Budget;
  bounds: PeriodBounds;
  spent: number;
  reserved: number;
  forecast: number;
  hardReached: boolean;
}

/** Reservation under the cluster's row lock, for one dispatch pass. */
export interface BudgetGate {
  /** reserves the task's estimate when it fits; returns the amount reserved (0 when free), or null when it does not fit */
  reserve(input: string, agent: { id: string; config: Record<string, unknown> }): Promise<number | null>;
}

const money = (x: number) => x.toFixed(2);
const PERIOD_ADJECTIVE: Record<string, string> = { day: 'daily', week: 'weekly', month: 'monthly' };

/**
 * Cost and budgets (the Nest-bound side; the arithmetic is pure in #scaling/budget): budgets,
 * spend per period, the reservation at dispatch, time cost accrual, the autoscaler's budget cap,
 * and alerts (budget levels and the blueprint's monitoring conditions), stored once per level and
 * period, logged, and POSTed to ALERT_WEBHOOK_URL.
 */
@Injectable()
export class BudgetService {
  private readonly logger = new Logger(BudgetService.name);

  constructor(
    @InjectDataSource() readonly ds: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(TASK_LLM) private readonly llm: LlmProvider,
    private readonly tasks: TaskRepository,
  ) {}

  async get(clusterId: string, m: EntityManager = this.ds.manager): Promise<Budget | null> {
    return toEntities(this.ds, Budget, await m.query(`SELECT * FROM budgets WHERE cluster_id = $1`, [clusterId]))[0] ?? null;
  }

  async put(clusterId: string, b: BudgetInput, m: EntityManager = this.ds.manager): Promise<Budget> {
    await m.query(
      `INSERT INTO budgets (cluster_id, currency, period, soft_limit, hard_limit) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (cluster_id) DO UPDATE SET currency = EXCLUDED.currency, period = EXCLUDED.period,
              soft_limit = EXCLUDED.soft_limit, hard_limit = EXCLUDED.hard_limit, updated_at = now()`,
      [clusterId, b.currency.toUpperCase(), b.period, b.softLimit, b.hardLimit],
    );
    return (await this.get(clusterId, m))!;
  }

  /** Recorded spend since `since`, and the estimates of the tasks running now. */
  private async sums(clusterId: string, since: Date, m: EntityManager): Promise<{ spent: number; reserved: number }> {
    const [r] = (await m.query(
      `SELECT (SELECT coalesce(sum(amount), 0) FROM cost_entries WHERE cluster_id = $1 AND occurred_at >= $2)::float8 AS spent,
              (SELECT coalesce(sum(reserved_cost), 0) FROM tasks WHERE cluster_id = $1 AND status = 'running')::float8 AS reserved`,
      [clusterId, since],
    )) as { spent: number; reserved: number }[];
    return r;
  }

  async state(clusterId: string, now = new Date(), m: EntityManager = this.ds.manager): Promise<BudgetState | null> {
    const budget = await this.get(clusterId, m);
    if (!budget) return null;
    const bounds = periodBounds(budget.period as BudgetPeriodName, now);
    const { spent, reserved } = await this.sums(clusterId, bounds.start, m);
    return { budget, bounds, spent, reserved, forecast: forecastSpend(spent, bounds, now), hardReached: hardLimitReached(spent, Number(budget.hardLimit)) };
  }

  /** Refuses (402 BUDGET_EXCEEDED) when the cluster's hard limit is reached: new tasks and scale-ups. */
  async assertWithinBudget(clusterId: string, what: string, m: EntityManager = this.ds.manager): Promise<void> {
    const s = await this.state(clusterId, new Date(), m);
    if (!s?.hardReached) return;
    const b = s.budget;
    throw new DomainError(
      ErrorCode.BudgetExceeded,
      `${what} refused: the cluster's ${PERIOD_ADJECTIVE[b.period] ?? b.period} budget (hard limit ${money(Number(b.hardLimit))} ${b.currency}) is reached: ` +
        `${money(s.spent)} ${b.currency} spent since ${s.bounds.start.toISOString()}; it resets at ${s.bounds.end.toISOString()} or when the limit is raised`,
      { budget: { period: b.period, currency: b.currency, soft_limit: Number(b.softLimit), hard_limit: Number(b.hardLimit) }, spent: s.spent, resets_at: s.bounds.end.toISOString() },
    );
  }

  /**
   * The reservation for one dispatch pass (the caller holds the cluster's row lock, so no other
   * dispatch of this cluster reserves meanwhile). Each task reserves its estimate: its prompt
   * tokens (the agent's system prompt and the input, counted with the tokenizer) plus the agent's
   * max_tokens, priced for the agent's model. It fits when spend + outstanding reservations + the
   * estimate stay within the hard limit; a free model always fits.
   */
  async gate(m: EntityManager, clusterId: string): Promise<BudgetGate> {
    const s = await this.state(clusterId, new Date(), m);
    // no budget, nothing to hold against: dispatch stays as cheap as without this feature
    if (!s) return { reserve: async () => 0 };
    const prices = this.runtime.config.llm.prices;
    let reserved = s.reserved;
    const prompts = new Map<string, string>();
    return {
      reserve: async (input, agent) => {
        const cfg = agent.config as { model?: string; max_tokens?: number };
        const model = modelFor(this.llm, cfg.model);
        const price = prices[model] ?? prices['*'] ?? { prompt: 0, completion: 0 };
        if (price.prompt <= 0 && price.completion <= 0) return 0;
        if (!prompts.has(agent.id)) prompts.set(agent.id, (await this.tasks.agentContext(agent.id, m))?.systemPrompt ?? '');
        const promptTokens = countMessageTokens([
          { role: 'system', content: prompts.get(agent.id)! },
          { role: 'user', content: input },
        ]);
        const estimate = estimateTaskCost(price, promptTokens, typeof cfg.max_tokens === 'number' && cfg.max_tokens > 0 ? cfg.max_tokens : DEFAULT_ESTIMATE_MAX_TOKENS);
        if (!canReserve({ hardLimit: Number(s.budget.hardLimit), spent: s.spent, reserved, estimate })) return null;
        reserved += estimate;
        return estimate;
      },
    };
  }

  /**
   * The autoscaler's `budget_max_workers` (see budgetMaxWorkers): with the hard limit reached the
   * current target; otherwise what the remaining budget pays for at the workers' hourly rate until
   * the period resets; undefined without a budget or with free workers.
   */
  async maxWorkers(c: Cluster, m: EntityManager, now: Date): Promise<number | undefined> {
    const s = await this.state(c.id, now, m);
    if (!s) return undefined;
    const rates = this.runtime.config.cost.agentHourlyRates;
    const rows = (await m.query(`SELECT role, count(*)::int AS n FROM cluster_agents WHERE cluster_id = $1 AND role <> 'worker' AND status = ANY($2) GROUP BY role`, [c.id, AWAKE])) as {
      role: string;
      n: number;
    }[];
    const other = rows.reduce((sum, r) => sum + r.n * (rates[r.role] ?? 0), 0);
    return budgetMaxWorkers({
      hardLimit: Number(s.budget.hardLimit),
      spent: s.spent,
      reserved: s.reserved,
      currentTarget: c.targetWorkers,
      workerRate: rates.worker ?? 0,
      otherRatePerHour: other,
      hoursLeft: (s.bounds.end.getTime() - now.getTime()) / 3_600_000,
    });
  }

  /**
   * Time cost of every cluster's live agents since its last accrual (once per system, on the metrics
   * tick). Per cluster, in one transaction: lock the row, read `cost_accrued_at`, insert one
   * `agent_time` entry per role for [previous, now), advance `cost_accrued_at` to now. A second tick
   * (overlapping or retried) finds the interval already accrued. A cluster's first tick only starts
   * the clock; an interval is capped at ACCRUAL_CAP_INTERVALS metrics intervals.
   */
  async accrueTime(): Promise<number> {
    const rates = this.runtime.config.cost.agentHourlyRates;
    if (!Object.values(rates).some((r) => r > 0)) return 0;
    const capMs = ACCRUAL_CAP_INTERVALS * this.runtime.config.metrics.intervalSeconds * 1000;
    const ids = ((await this.ds.query(`SELECT id FROM clusters WHERE status <> 'destroyed'`)) as { id: string }[]).map((r) => r.id);
    let entries = 0;
    for (const id of ids) {
      entries += await this.ds.transaction(async (m) => {
        const [row] = (await m.query(`SELECT cost_accrued_at AS prev, clock_timestamp() AS now FROM clusters WHERE id = $1 FOR NO KEY UPDATE`, [id])) as { prev: Date | null; now: Date }[];
        if (!row) return 0;
        await m.query(`UPDATE clusters SET cost_accrued_at = $2 WHERE id = $1`, [id, row.now]);
        if (!row.prev || row.prev >= row.now) return 0;
        const from = new Date(Math.max(row.prev.getTime(), row.now.getTime() - capMs));
        const counts = (await m.query(`SELECT role, count(*)::int AS n FROM cluster_agents WHERE cluster_id = $1 AND status = ANY($2) GROUP BY role`, [id, AWAKE])) as { role: string; n: number }[];
        const lines = timeCost(Object.fromEntries(counts.map((r) => [r.role, r.n])), rates, from, row.now);
        if (!lines.length) return 0;
        const currency = (await this.get(id, m))?.currency ?? DEFAULT_CURRENCY;
        for (const l of lines) {
          await m.query(
            `INSERT INTO cost_entries (cluster_id, kind, amount, currency, quantity, model, task_id, agent_id, role, occurred_at) VALUES ($1, 'agent_time', $2, $3, $4, NULL, NULL, NULL, $5, $6)`,
            [id, l.amount.toFixed(6), currency, l.agents * l.hours, l.role, row.now],
          );
        }
        return lines.length;
      });
    }
    return entries;
  }

  /** Spend this period by model and role, tasks and time cost, reservations, and the forecast. */
  async costs(clusterId: string, now = new Date()): Promise<Record<string, unknown>> {
    const s = await this.state(clusterId, now);
    const bounds = s?.bounds ?? periodBounds('month', now);
    const q = (sql: string) => this.ds.query(sql, [clusterId, bounds.start]);
    const [byModel, byRole, [totals]] = (await Promise.all([
      q(`SELECT model, sum(amount)::float8 AS amount, sum(quantity)::float8 AS tokens, count(DISTINCT task_id)::int AS tasks FROM cost_entries
          WHERE cluster_id = $1 AND occurred_at >= $2 AND kind = 'tokens' GROUP BY model ORDER BY amount DESC`),
      q(`SELECT coalesce(role, 'unknown') AS role, sum(amount) FILTER (WHERE kind = 'tokens')::float8 AS tasks_cost,
                sum(amount) FILTER (WHERE kind = 'agent_time')::float8 AS time_cost, sum(amount)::float8 AS amount
           FROM cost_entries WHERE cluster_id = $1 AND occurred_at >= $2 GROUP BY 1 ORDER BY amount DESC`),
      q(`SELECT coalesce(sum(amount) FILTER (WHERE kind = 'tokens'), 0)::float8 AS tasks_cost,
                coalesce(sum(amount) FILTER (WHERE kind = 'agent_time'), 0)::float8 AS time_cost,
                count(DISTINCT task_id)::int AS tasks,
                (SELECT coalesce(sum(reserved_cost), 0) FROM tasks WHERE cluster_id = $1 AND status = 'running')::float8 AS reserved
           FROM cost_entries WHERE cluster_id = $1 AND occurred_at >= $2`),
    ])) as [
      { model: string | null; amount: number; tokens: number; tasks: number }[],
      { role: string; tasks_cost: number | null; time_cost: number | null; amount: number }[],
      { tasks_cost: number; time_cost: number; tasks: number; reserved: number }[],
    ];
    const spent = totals.tasks_cost + totals.time_cost;
    const b = s?.budget;
    return {
      cluster_id: clusterId,
      currency: b?.currency ?? DEFAULT_CURRENCY,
      period: b?.period ?? 'month',
      period_start: bounds.start.toISOString(),
      resets_at: bounds.end.toISOString(),
      spent,
      tasks_cost: totals.tasks_cost,
      time_cost: totals.time_cost,
      tasks: totals.tasks,
      cost_per_task: totals.tasks ? totals.tasks_cost / totals.tasks : 0,
      reserved: totals.reserved,
      forecast: forecastSpend(spent, bounds, now),
      by_model: byModel.map((r) => ({ model: r.model ?? 'unknown', amount: r.amount, tokens: r.tokens, tasks: r.tasks })),
      by_role: byRole.map((r) => ({ role: r.role, amount: r.amount, tasks_cost: r.tasks_cost ?? 0, time_cost: r.time_cost ?? 0 })),
      budget: b ? budgetView(b) : null,
      hard_limit_reached: s?.hardReached ?? false,
    };
  }

  /**
   * Evaluates every cluster's budget (soft reached, forecast above hard, hard reached) and the
   * blueprint's monitoring conditions over its latest sample; raises what holds.
   */
  async evaluateAlerts(now = new Date()): Promise<number> {
    let raised = 0;
    const budgets = (await this.ds.query(`SELECT b.cluster_id FROM budgets b JOIN clusters c ON c.id = b.cluster_id WHERE c.status <> 'destroyed'`)) as { cluster_id: string }[];
    for (const { cluster_id: id } of budgets) {
      const s = await this.state(id, now);
      if (!s) continue;
      const soft = Number(s.budget.softLimit);
      const hard = Number(s.budget.hardLimit);
      for (const level of budgetAlertLevels(s.spent, s.forecast, soft, hard)) {
        const limit = level === 'soft' ? soft : hard;
        const c = s.budget.currency;
        const message =
          level === 'soft'
            ? `soft limit reached: ${money(s.spent)} ${c} of ${money(soft)} ${c} spent this ${s.budget.period}`
            : level === 'hard'
              ? `hard limit reached: ${money(s.spent)} ${c} of ${money(hard)} ${c} spent this ${s.budget.period}; new tasks and scale-ups are refused`
              : `forecast ${money(s.forecast)} ${c} exceeds the hard limit ${money(hard)} ${c} by the end of the ${s.budget.period} (${money(s.spent)} ${c} spent)`;
        if (await this.raise({ clusterId: id, kind: 'budget', level, periodStart: s.bounds.start, spend: s.spent, limit, message })) raised++;
      }
    }
    raised += await this.evaluateMonitoring(now);
    return raised;
  }

  private async evaluateMonitoring(now: Date): Promise<number> {
    // the versions with monitoring alerts (each parsed once), then the latest sample of every
    // cluster that runs one of them: joined per cluster, each row detoasted its version's whole
    // definition and carried its alerts again, most of this pass's time at 10,000 clusters
    const versions = (await this.ds.query(
      `SELECT blueprint_id || '@' || version AS key, definition->'monitoring'->'alerts' AS alerts FROM blueprint_versions
        WHERE jsonb_typeof(definition->'monitoring'->'alerts') = 'array'`,
    )) as { key: string; alerts: { condition?: unknown; action?: unknown }[] }[];
    if (!versions.length) return 0;
    const alertsOf = new Map(versions.map((v) => [v.key, v.alerts]));
    const rows = (await this.ds.query(
      `SELECT c.id, c.blueprint_id || '@' || c.blueprint_version AS key, s.*
         FROM clusters c
         JOIN LATERAL (SELECT queue_length, running_tasks, queue_wait_ms, tasks_per_minute, avg_response_ms, error_rate, load_percentage, cpu_usage, memory_usage, sampled_at
                         FROM metric_samples WHERE cluster_id = c.id ORDER BY sampled_at DESC LIMIT 1) s ON true
        WHERE c.status <> 'destroyed' AND c.blueprint_id || '@' || c.blueprint_version = ANY($1)`,
      [[...alertsOf.keys()]],
    )) as ({ id: string; key: string } & Record<string, number | null>)[];
    let raised = 0;
    const day = periodBounds('day', now).start;
    for (const r of rows) {
      const sample: Partial<MetricsSnapshot> = {
        queue_length: r.queue_length,
        running: r.running_tasks,
        oldest_wait_seconds: r.queue_wait_ms === null ? 0 : r.queue_wait_ms / 1000,
        tasks_per_minute: r.tasks_per_minute,
        avg_response_ms: r.avg_response_ms,
        error_rate: r.error_rate,
        load_percentage: r.load_percentage,
        cpu_usage: r.cpu_usage,
        memory_usage: r.memory_usage,
      };
      for (const a of alertsOf.get(r.key)!) {
        if (typeof a?.condition !== 'string') continue;
        const cond = parseAlertCondition(a.condition);
        if ('error' in cond || !conditionHolds(cond, sample)) continue;
        const value = sample[cond.field] as number;
        const message = `monitoring alert "${a.condition}" (action ${String(a.action ?? 'notify_admin')}): ${cond.field} is ${value}`;
        if (await this.raise({ clusterId: r.id, kind: 'monitoring', level: `monitoring:${a.condition}`, periodStart: day, spend: value, limit: cond.value, message })) raised++;
      }
    }
    return raised;
  }

  /**
   * Stores an alert once per (cluster, level, period) and not again within 24 h of the same level;
   * when stored, logs it and POSTs it to ALERT_WEBHOOK_URL without waiting (2 s timeout, failures
   * logged). Returns whether it was new.
   */
  async raise(a: { clusterId: string; kind: string; level: string; periodStart: Date; spend: number; limit: number; message: string }): Promise<boolean> {
    const [row] = (await this.ds.query(
      `INSERT INTO budget_alerts (cluster_id, level, period_start, spend, limit_amount, kind, message)
       SELECT $1, $2, $3, $4, $5, $6, $7
        WHERE NOT EXISTS (SELECT 1 FROM budget_alerts WHERE cluster_id = $1 AND level = $2 AND created_at > now() - interval '24 hours')
       ON CONFLICT (cluster_id, level, period_start) DO NOTHING
       RETURNING id, created_at`,
      [a.clusterId, a.level, a.periodStart, a.spend.toFixed(6), a.limit.toFixed(2), a.kind, a.message],
    )) as { id: string; created_at: Date }[];
    if (!row) return false;
    this.logger.warn({ clusterId: a.clusterId, kind: a.kind, level: a.level, alertId: row.id }, a.message);
    const url = this.runtime.config.cost.alertWebhookUrl;
    if (url) {
      const body = {
        id: row.id,
        cluster_id: a.clusterId,
        kind: a.kind,
        level: a.level,
        message: a.message,
        spend: a.spend,
        limit: a.limit,
        period_start: a.periodStart.toISOString(),
        created_at: new Date(row.created_at).toISOString(),
      };
      void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(2000) })
        .then((res) => {
          if (!res.ok) this.logger.warn({ alertId: row.id, status: res.status }, 'alert webhook answered with an error');
        })
        .catch((e: unknown) => this.logger.warn({ alertId: row.id, error: e instanceof Error ? e.message : String(e) }, 'alert webhook failed'));
    }
    return true;
  }

  /** Alerts, newest first. */
  async alerts(clusterId: string | undefined, skip: number, take: number): Promise<[BudgetAlert[], number]> {
    return this.ds.getRepository(BudgetAlert).findAndCount({ where: clusterId ? { clusterId } : {}, order: { createdAt: 'DESC', id: 'ASC' }, skip, take });
  }
}

export function budgetView(b: Budget) {
  return { cluster_id: b.clusterId, currency: b.currency, period: b.period, soft_limit: Number(b.softLimit), hard_limit: Number(b.hardLimit), updated_at: b.updatedAt };
}
