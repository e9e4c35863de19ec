import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ClusterStatus, ClusterType } from '../enums';

/** Scaling settings copied from the blueprint when the cluster is created (editable per cluster). */
export interface ClusterScalingSettings {
  metric: string;
  scaleUpThreshold: number;
  scaleDownThreshold: number;
  cooldownSeconds: number;
  mode?: 'threshold' | 'target_tracking';
  targetPerWorker?: number;
  targetWaitSeconds?: number;
  stabilizationWindowSeconds?: number;
}

@Entity('clusters')
@Index(['status'])
export class Cluster {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text') type!: ClusterType;
  @Column('text') status!: ClusterStatus;
  /** why the cluster is in its status (e.g. the reason a spawn failed) */
  @Column('text', { nullable: true }) statusReason!: string | null;
  @Column('text') blueprintId!: string;
  @Column('text') blueprintVersion!: string;
  @Column('int') minWorkers!: number;
  @Column('int') maxWorkers!: number;
  /** the worker count the cluster converges to; live workers are counted from cluster_agents */
  @Column('int') targetWorkers!: number;
  @Column('jsonb', { default: () => "'{}'" }) config!: Record<string, unknown>;
  @Column('text', { array: true, default: () => "'{}'" }) tags!: string[];
  @Column('jsonb', { nullable: true }) scaling!: ClusterScalingSettings | null;
  /** set at creation: on when the blueprint has a `scaling` section */
  @Column('boolean', { default: false }) autoscalingEnabled!: boolean;
  @Column('timestamptz', { nullable: true }) lastScaledAt!: Date | null;
  @Column('timestamptz', { nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) hibernatedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) destroyedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) lastActiveAt!: Date | null;
  @Column('int', { default: 0 }) tasksCompleted!: number;
  @Column('int', { default: 0 }) tasksFailed!: number;
  @Column('double precision', { default: 0 }) avgTaskDurationMs!: number;
  @Column('uuid', { nullable: true }) createdBy!: string | null;
  /** time cost is accrued up to here (advanced atomically by the metrics tick) */
  @Column('timestamptz', { nullable: true }) costAccruedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
