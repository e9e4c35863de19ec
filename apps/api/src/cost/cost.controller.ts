import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BudgetService, budgetView, ClusterRepository } from '#cluster';
import { BudgetAlert } from '#db';
import { invalid, notFound } from '#common';
import { pageWindow } from '../common/paging.dto';
import { UuidParam } from '../common/uuid-param';
import { AlertDto, AlertListDto, AlertsQuery, BudgetDto, BudgetViewDto, CostsDto } from './cost.dto';

const alertDto = (a: BudgetAlert): AlertDto => ({
  id: a.id,
  cluster_id: a.clusterId,
  kind: a.kind,
  level: a.level,
  message: a.message,
  spend: Number(a.spend),
  limit: Number(a.limitAmount),
  period_start: a.periodStart,
  created_at: a.createdAt,
});

@ApiTags('costs')
@ApiBearerAuth()
@Controller('api')
export class CostController {
  constructor(
    private readonly budgets: BudgetService,
    private readonly clusters: ClusterRepository,
  ) {}

  private async mustExist(id: string): Promise<void> {
    if (!(await this.clusters.find(id))) throw notFound('cluster', id);
  }

  /** The cluster's budget; 404 when it has none. */
  @Get('clusters/:id/budget')
  async getBudget(@UuidParam() id: string): Promise<BudgetViewDto> {
    await this.mustExist(id);
    const b = await this.budgets.get(id);
    if (!b) throw notFound('budget of cluster', id);
    return budgetView(b);
  }

  /** Sets the cluster's budget (operator): limits >= 0, soft_limit <= hard_limit. */
  @Put('clusters/:id/budget')
  async putBudget(@UuidParam() id: string, @Body() dto: BudgetDto): Promise<BudgetViewDto> {
    if (dto.soft_limit > dto.hard_limit) {
      throw invalid([{ path: 'soft_limit', rule: 'soft_le_hard', message: `soft_limit (${dto.soft_limit}) must be <= hard_limit (${dto.hard_limit})` }]);
    }
    await this.mustExist(id);
    return budgetView(await this.budgets.put(id, { currency: dto.currency, period: dto.period, softLimit: dto.soft_limit, hardLimit: dto.hard_limit }));
  }

  /**
   * Spend this period (the budget's, or the calendar month without one): by model and by role,
   * tasks and time cost, cost per task, outstanding reservations, the period start and reset, and
   * the forecast to the end of the period at the current burn rate (spend / elapsed × period length).
   */
  @Get('clusters/:id/costs')
  @ApiOkResponse({ type: CostsDto })
  async getCosts(@UuidParam() id: string): Promise<Record<string, unknown>> {
    await this.mustExist(id);
    return this.budgets.costs(id);
  }

  /** Budget and monitoring alerts, newest first. */
  @Get('alerts')
  async listAlerts(@Query() q: AlertsQuery): Promise<AlertListDto> {
    const [rows, total] = await this.budgets.alerts(q.cluster_id, pageWindow(q).skip, pageWindow(q).take);
    return { alerts: rows.map(alertDto), total, page: q.page, page_size: q.page_size };
  }
}
