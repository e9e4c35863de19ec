import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ScalingSource } from '../enums';

/** Audit log of every scaling evaluation and action, including "did nothing, because...". */
@Entity('scaling_decisions')
@Index(['clusterId', 'createdAt'])
export class ScalingDecision {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid') clusterId!: string;
  @Column('text') source!: ScalingSource;
  /** api key id (or 'system') that asked */
  @Column('text', { nullable: true }) requestedBy!: string | null;
  @Column('text', { nullable: true }) reason!: string | null;
  /** ScaledUp, ScaledDown, WithinThresholds, CoolingDown, AtMax, AtMin, MetricsMissing, BudgetCapped, Paused, Manual... */
  @Column('text') reasonCode!: string;
  @Column('text', { nullable: true }) rule!: string | null;
  @Column('int') fromWorkers!: number;
  @Column('int') toWorkers!: number;
  @Column('boolean') applied!: boolean;
  @Column('jsonb', { default: () => "'{}'" }) inputs!: Record<string, unknown>;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
