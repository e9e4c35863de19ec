import { Module } from '@nestjs/common';
import { CostController } from './cost.controller';

/** Budgets, costs and alerts (the logic is BudgetService in #cluster, shared with the worker). */
@Module({ controllers: [CostController] })
export class CostModule {}
