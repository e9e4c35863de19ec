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

/** A soft or hard limit crossed in a period; unique so each is raised once per period. */
@Entity('budget_alerts')
@Index(['clusterId', 'level', 'periodStart'], { unique: true })
export class BudgetAlert {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') clusterId!: string;
  @Column('text') level!: string;
  @Column('timestamptz') periodStart!: Date;
  @Column('numeric', { precision: 14, scale: 6 }) spend!: string;
  @Column('numeric', { precision: 14, scale: 2 }) limitAmount!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
