import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TaskStatus } from '../enums';

@Entity('tasks')
@Index(['clusterId', 'status', 'priority', 'createdAt'])
export class Task {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') clusterId!: string;
  @Column('text') status!: TaskStatus;
  @Column('text') input!: string;
  @Column('text', { nullable: true }) capability!: string | null;
  @Column('int', { default: 0 }) priority!: number;
  @Column('jsonb', { default: () => "'{}'" }) metadata!: Record<string, unknown>;
  @Column('text', { nullable: true }) output!: string | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('uuid', { nullable: true }) agentId!: string | null;
  @Column('int', { default: 0 }) attempts!: number;
  @Column('int', { default: 3 }) maxAttempts!: number;
  @Column('text', { nullable: true }) model!: string | null;
  @Column('int', { nullable: true }) promptTokens!: number | null;
  @Column('int', { nullable: true }) completionTokens!: number | null;
  @Column('numeric', { precision: 14, scale: 6, nullable: true }) cost!: string | null;
  /** the estimated cost held against the budget while the task runs; 0 once settled */
  @Column('numeric', { precision: 14, scale: 6, default: 0 }) reservedCost!: string;
  @Column('int', { nullable: true }) durationMs!: number | null;
  @Column('timestamptz', { nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) finishedAt!: Date | null;
  @Column('uuid', { nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
