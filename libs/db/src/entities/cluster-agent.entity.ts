import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { AgentRole, AgentStatus } from '../enums';

@Entity('cluster_agents')
@Index(['clusterId', 'role', 'status'])
@Index('IDX_cluster_agents_live_spawn_key', ['clusterId', 'spawnKey'], { unique: true, where: `status NOT IN ('stopped', 'spawn_failed')` })
export class ClusterAgent {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') clusterId!: string;
  @Column('uuid', { nullable: true }) genesisAgentId!: string | null;
  /** the blueprint agent definition this agent was made from (null when added by hand) */
  @Column('text', { nullable: true }) definitionName!: string | null;
  @Column('text') name!: string;
  @Column('text') role!: AgentRole;
  @Column('text') status!: AgentStatus;
  @Column('uuid', { nullable: true }) reportsToId!: string | null;
  @Column('text', { array: true, default: () => "'{}'" }) capabilities!: string[];
  @Column('text', { array: true, default: () => "'{}'" }) skills!: string[];
  @Column('jsonb', { default: () => "'{}'" }) config!: Record<string, unknown>;
  @Column('text', { nullable: true }) error!: string | null;
  /**
   * Deterministic key of the slot this agent fills (e.g. `worker:Image Generator:3`); unique among
   * a cluster's live agents so a retried or duplicated spawn job cannot create the same agent twice.
   */
  @Column('text') spawnKey!: string;
  @Column('uuid', { nullable: true }) currentTaskId!: string | null;
  @Column('int', { default: 0 }) tasksCompleted!: number;
  @Column('int', { default: 0 }) tasksFailed!: number;
  @Column('double precision', { default: 0 }) avgTaskDurationMs!: number;
  @Column('timestamptz', { nullable: true }) lastActiveAt!: Date | null;
  @Column('timestamptz', { nullable: true }) startedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) stoppedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
