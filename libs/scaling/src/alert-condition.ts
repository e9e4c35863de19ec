// The blueprint's monitoring alerts (`{condition: "error_rate > 10%", action: notify_admin}`):
// a small parser for `<metric> <op> <number>[%]` and its evaluation over a metrics sample.
import { MetricsSnapshot, METRIC_FIELDS } from './autoscale-policy';

export type ConditionOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export interface AlertCondition {
  /** as written (blueprint name, e.g. task_queue_length) */
  metric: string;
  /** the sample field it reads */
  field: keyof Omit<MetricsSnapshot, 'sampled_at'>;
  op: ConditionOp;
  /** the threshold in the field's own unit (error_rate is a fraction, so "10%" is 0.1) */
  value: number;
}

/** Sample fields by every name a condition may use: the blueprint metric names and the field names. */
const FIELDS: Readonly<Record<string, AlertCondition['field']>> = {
  ...METRIC_FIELDS,
  queue_length: 'queue_length',
  running: 'running',
  running_tasks: 'running',
  oldest_wait_seconds: 'oldest_wait_seconds',
  avg_response_ms: 'avg_response_ms',
  average_response_time: 'avg_response_ms',
};

/** Fields kept as a fraction 0..1: a percentage is divided by 100 for them; other fields are in percent already. */
const FRACTIONS = new Set<string>(['error_rate']);

const PATTERN = /^\s*([a-z_][a-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/i;

/** Parses `<metric> <op> <number>[%]`; an error message naming the problem otherwise. */
export function parseAlertCondition(text: string): AlertCondition | { error: string } {
  const m = PATTERN.exec(text ?? '');
  if (!m) return { error: `"${text}" is not <metric> <op> <number>[%] (op one of > >= < <= == !=)` };
  const metric = m[1].toLowerCase();
  const field = FIELDS[metric];
  if (!field) return { error: `"${metric}" is not a metric (${Object.keys(FIELDS).join(', ')})` };
  let value = Number(m[3]);
  if (m[4] === '%' && FRACTIONS.has(field)) value /= 100;
  return { metric, field, op: m[2] as ConditionOp, value };
}

/** True when the sample meets the condition; false when the sample lacks the field. */
export function conditionHolds(c: AlertCondition, sample: Partial<MetricsSnapshot>): boolean {
  const v = sample[c.field];
  if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  switch (c.op) {
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    case '==':
      return v === c.value;
    case '!=':
      return v !== c.value;
  }
}
