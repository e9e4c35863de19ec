import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One periodic measurement of a cluster, from real rows (tasks, agents) and worker processes. */
@Entity('metric_samples')
@Index(['clusterId', 'sampledAt'])
export class MetricSample {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('uuid') clusterId!: string;
  @Column('timestamptz') sampledAt!: Date;
  @Column('int') queueLength!: number;
  @Column('double precision', { nullable: true }) queueWaitMs!: number | null;
  @Column('int') runningTasks!: number;
  @Column('double precision') tasksPerMinute!: number;
  @Column('double precision', { nullable: true }) avgResponseMs!: number | null;
  @Column('double precision') errorRate!: number;
  @Column('int') liveWorkers!: number;
  @Column('int') busyWorkers!: number;
  @Column('double precision') loadPercentage!: number;
  @Column('double precision', { nullable: true }) cpuUsage!: number | null;
  @Column('double precision', { nullable: true }) memoryUsage!: number | null;
  @Column('jsonb', { default: () => "'{}'" }) agentsByStatus!: Record<string, number>;
}
