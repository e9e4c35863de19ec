// Cost and budget arithmetic as plain functions (no Nest, TypeORM or BullMQ): budget periods,
// the forecast, the reservation rule, time cost, the budget's worker cap and the alert levels.

export type BudgetPeriodName = 'day' | 'week' | 'month';

export interface PeriodBounds {
  /** inclusive */
  start: Date;
  /** exclusive: when the period resets */
  end: Date;
}

/**
 * The calendar period containing `now`, in UTC: a day from 00:00, an ISO week from Monday 00:00,
 * a month from the 1st 00:00.
 */
export function periodBounds(period: BudgetPeriodName, now: Date): PeriodBounds {
  const y = now.getUTCFullYear();
  const mo = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (period) {
    case 'day':
      return { start: new Date(Date.UTC(y, mo, d)), end: new Date(Date.UTC(y, mo, d + 1)) };
    case 'week': {
      const sinceMonday = (now.getUTCDay() + 6) % 7; // Sunday is 0 in JS, the 7th day in ISO
      return { start: new Date(Date.UTC(y, mo, d - sinceMonday)), end: new Date(Date.UTC(y, mo, d - sinceMonday + 7)) };
    }
    case 'month':
      return { start: new Date(Date.UTC(y, mo, 1)), end: new Date(Date.UTC(y, mo + 1, 1)) };
    default:
      throw new Error(`unknown budget period ${String(period)}`);
  }
}

/**
 * Spend at the end of the period if it goes on at the rate so far: spend / elapsed × period length
 * (linear burn). In the first minute of a period the rate is not meaningful yet, so the forecast is
 * the spend itself.
 */
export function forecastSpend(spend: number, bounds: PeriodBounds, now: Date): number {
  const elapsed = now.getTime() - bounds.start.getTime();
  const length = bounds.end.getTime() - bounds.start.getTime();
  if (elapsed < 60_000 || spend <= 0) return Math.max(0, spend);
  return (spend / Math.min(elapsed, length)) * length;
}

/** Limits compare at this precision (the amounts are numeric(14, 6)). */
const EPS = 1e-9;

/**
 * The hard limit is reached when the spend is at or above it. A hard limit of 0 means "only free
 * work": it counts as reached once anything has been spent.
 */
export function hardLimitReached(spend: number, hardLimit: number): boolean {
  return hardLimit > 0 ? spend >= hardLimit - EPS : spend > EPS;
}

export interface ReservationInput {
  hardLimit: number | null;
  /** recorded spend this period */
  spent: number;
  /** estimates of tasks running now (not yet settled) */
  reserved: number;
  /** this task's estimate */
  estimate: number;
}

/**
 * May a task with this estimate start? Free work (estimate 0) always may; with no budget anything
 * may; otherwise only when spend + outstanding reservations + the estimate stay within the hard limit.
 */
export function canReserve(r: ReservationInput): boolean {
  if (r.estimate <= 0 || r.hardLimit === null) return true;
  return r.spent + r.reserved + r.estimate <= r.hardLimit + EPS;
}

/** A task's worst-case price: its prompt tokens and the agent's max_tokens, per 1,000 tokens. */
export function estimateTaskCost(price: { prompt: number; completion: number }, promptTokens: number, maxTokens: number): number {
  return (Math.max(0, promptTokens) * price.prompt + Math.max(0, maxTokens) * price.completion) / 1000;
}

export interface TimeCostLine {
  role: string;
  agents: number;
  hours: number;
  amount: number;
}

/**
 * Time cost of the live agents over [from, to): agents × hours × the role's rate, one line per role
 * with a positive amount. The agents are counted at the tick (an agent that started or stopped within
 * the interval counts for the whole of it: at the default 30 s interval that is at most 30 s off).
 */
export function timeCost(agentsByRole: Readonly<Record<string, number>>, rates: Readonly<Record<string, number>>, from: Date, to: Date): TimeCostLine[] {
  const hours = Math.max(0, to.getTime() - from.getTime()) / 3_600_000;
  if (hours <= 0) return [];
  const out: TimeCostLine[] = [];
  for (const [role, agents] of Object.entries(agentsByRole)) {
    const rate = rates[role] ?? 0;
    const amount = agents * hours * rate;
    if (agents > 0 && amount > 0) out.push({ role, agents, hours, amount });
  }
  return out;
}

export interface BudgetCapInput {
  hardLimit: number;
  spent: number;
  reserved: number;
  /** the cluster's target now */
  currentTarget: number;
  /** hourly rate of one worker agent */
  workerRate: number;
  /** the hourly rate of every other live agent (supervisor, leads, specialists) together */
  otherRatePerHour: number;
  /** hours until the period resets */
  hoursLeft: number;
}

/**
 * The most workers the budget affords, for the autoscaler's `budget_max_workers`:
 * - hard limit reached: the current target (no scale-up);
 * - workers free (rate 0): undefined, no cap (tokens are held back per task by the reservation);
 * - otherwise floor((hard − spent − reserved − other agents' rate × hours left) / (worker rate × hours left)),
 *   at least 0: the pool that, kept until the period resets, stays within the hard limit.
 */
export function budgetMaxWorkers(b: BudgetCapInput): number | undefined {
  if (hardLimitReached(b.spent, b.hardLimit)) return b.currentTarget;
  if (b.workerRate <= 0) return undefined;
  const hours = Math.max(b.hoursLeft, 1 / 60);
  const left = b.hardLimit - b.spent - b.reserved - b.otherRatePerHour * hours;
  return Math.max(0, Math.floor(left / (b.workerRate * hours) + EPS));
}

export type BudgetAlertLevel = 'soft' | 'forecast' | 'hard';

/**
 * Which alerts the spend raises: `soft` when the spend reached the soft limit, `hard` when it reached
 * the hard limit, `forecast` when the forecast exceeds the hard limit before it is reached. Nothing is
 * raised on a spend of 0.
 */
export function budgetAlertLevels(spend: number, forecast: number, softLimit: number, hardLimit: number): BudgetAlertLevel[] {
  if (spend <= EPS) return [];
  const out: BudgetAlertLevel[] = [];
  if (spend >= softLimit - EPS) out.push('soft');
  const hard = hardLimitReached(spend, hardLimit);
  if (!hard && forecast > hardLimit + EPS) out.push('forecast');
  if (hard) out.push('hard');
  return out;
}
