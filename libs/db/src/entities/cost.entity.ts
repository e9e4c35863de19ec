import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { BudgetPeriod } from '../enums';

/** One priced unit of spend: a task's tokens or an agent's live time. Amounts are numeric strings. */
@Entity('cost_entries')
@Index(['clusterId', 'occurredAt'])
export class CostEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid') clusterId!: string;
  /** 'tokens' or 'agent_time' */
  @Column('text') kind!: string;
  @Column('numeric', { precision: 14, scale: 6 }) amount!: string;
  @Column('text') currency!: string;
  @Column('double precision') quantity!: number;
  @Column('text', { nullable: true }) model!: string | null;
  @Column('uuid', { nullable: true }) taskId!: string | null;
  @Column('uuid', { nullable: true }) agentId!: string | null;
  /** the agent role the entry is for (time cost per role; a task's agent role for tokens) */
  @Column('text', { nullable: true }) role!: string | null;
  @Column('timestamptz') occurredAt!: Date;
}

@Entity('budgets')
export class Budget {
  @PrimaryColumn('uuid') clusterId!: string;
  @Column('text') currency!: string;
  @Column('text') period!: BudgetPeriod;
  @Column('numeric', { precision: 14, scale: 2 }) softLimit!: string;
  @Column('numeric', { precision: 14, scale: 2 }) hardLimit!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

/**
 * An alert: a budget level (soft, forecast, hard) crossed in a budget period, or a blueprint
 * monitoring condition met (level = the condition, period = the UTC day); unique so each is raised
 * once per period.
 */
@Entity('budget_alerts')
@Index(['clusterId', 'level', 'periodStart'], { unique: true })
@Index('IDX_budget_alerts_created', ['createdAt'])
export class BudgetAlert {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') clusterId!: string;
  @Column('text') level!: string;
  @Column('timestamptz') periodStart!: Date;
  @Column('numeric', { precision: 14, scale: 6 }) spend!: string;
  @Column('numeric', { precision: 14, scale: 2 }) limitAmount!: string;
  /** 'budget' or 'monitoring' */
  @Column('text', { default: 'budget' }) kind!: string;
  @Column('text', { default: '' }) message!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
