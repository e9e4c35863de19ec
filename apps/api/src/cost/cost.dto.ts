import { IsIn, IsNumber, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../common/paging.dto';

/** A cluster's budget: spend per calendar period (UTC) against a soft and a hard limit. */
export class BudgetDto {
  /** three-letter currency code, e.g. USD (prices and rates are taken to be in it; nothing is converted) */
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be a three-letter code (e.g. USD)' })
  currency!: string;

  /** day (from 00:00 UTC), week (ISO, from Monday 00:00 UTC) or month (from the 1st, 00:00 UTC) */
  @IsIn(['day', 'week', 'month'], { message: 'period must be one of day, week, month' })
  period!: 'day' | 'week' | 'month';

  /** an alert is raised once the spend reaches it; >= 0 and <= hard_limit */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'soft_limit must be a number' })
  @Min(0, { message: 'soft_limit must be >= 0' })
  @Max(1e12, { message: 'soft_limit must be <= 1e12' })
  soft_limit!: number;

  /** new tasks and scale-ups are refused (402) once the spend reaches it; >= 0 */
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'hard_limit must be a number' })
  @Min(0, { message: 'hard_limit must be >= 0' })
  @Max(1e12, { message: 'hard_limit must be <= 1e12' })
  hard_limit!: number;
}

export class BudgetViewDto {
  cluster_id!: string;
  currency!: string;
  period!: string;
  soft_limit!: number;
  hard_limit!: number;
  updated_at!: Date;
}

export class AlertsQuery extends PageQueryDto {
  /** only this cluster's alerts */
  @IsOptional() @IsUUID('all', { message: 'cluster_id must be a UUID' })
  cluster_id?: string;
}

export class AlertDto {
  id!: string;
  cluster_id!: string;
  /** budget or monitoring */
  kind!: string;
  /** soft, forecast, hard, or monitoring:<condition> */
  level!: string;
  message!: string;
  /** the spend (budget) or the metric's value (monitoring) */
  spend!: number;
  /** the limit (budget) or the condition's threshold (monitoring) */
  limit!: number;
  period_start!: Date;
  created_at!: Date;
}

export class AlertListDto {
  alerts!: AlertDto[];
  total!: number;
  page!: number;
  page_size!: number;
}


export class CostByModelDto {
  model!: string;
  amount!: number;
  tokens!: number;
  tasks!: number;
}

export class CostByRoleDto {
  role!: string;
  amount!: number;
  tasks_cost!: number;
  time_cost!: number;
}

export class CostsDto {
  cluster_id!: string;
  /** ISO 4217 code of the amounts */
  currency!: string;
  /** the budget's period, or month without a budget */
  period!: string;
  period_start!: string;
  resets_at!: string;
  /** tasks_cost + time_cost this period */
  spent!: number;
  /** cost of the tokens of tasks */
  tasks_cost!: number;
  /** cost of agent time */
  time_cost!: number;
  /** tasks costed this period */
  tasks!: number;
  cost_per_task!: number;
  /** cost reserved by running tasks, not yet spent */
  reserved!: number;
  /** spend at the end of the period at the current burn rate */
  forecast!: number;
  by_model!: CostByModelDto[];
  by_role!: CostByRoleDto[];
  budget!: BudgetViewDto | null;
  hard_limit_reached!: boolean;
}
