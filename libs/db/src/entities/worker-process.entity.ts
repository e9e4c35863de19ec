import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A running worker process and its last heartbeat: how the api knows whether any worker is alive. */
@Entity('worker_processes')
export class WorkerProcess {
  /** random per process start */
  @PrimaryColumn('uuid') id!: string;
  @Column('text') hostname!: string;
  @Column('int') pid!: number;
  @Column('text') version!: string;
  @Column('text') queueBackend!: string;
  @Column('timestamptz') startedAt!: Date;
  @Column('timestamptz') lastSeenAt!: Date;
  /** resident memory at the last heartbeat */
  @Column('bigint') rssBytes!: string;
  /** CPU time (user + system) used since the process started */
  @Column('double precision') cpuSeconds!: number;
  /** CPU used over the last heartbeat period, in percent of one core */
  @Column('double precision') cpuPercent!: number;
}
