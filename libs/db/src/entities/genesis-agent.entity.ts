import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An agent made by Genesis: its template, traits, effective config and system prompt. */
@Entity('genesis_agents')
export class GenesisAgent {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') templateId!: string;
  /** 'explicit' (named by the blueprint or request) or 'inferred' */
  @Column('text') templateChoice!: string;
  @Column('text') templateReason!: string;
  @Column('text', { nullable: true }) role!: string | null;
  @Column('jsonb') traits!: Record<string, number>;
  @Column('jsonb') config!: Record<string, unknown>;
  @Column('text') systemPrompt!: string;
  @Column('text', { array: true, default: () => "'{}'" }) capabilities!: string[];
  @Column('text', { array: true, default: () => "'{}'" }) tools!: string[];
  @Column('jsonb', { default: () => "'[]'" }) warnings!: unknown[];
  @Column('text', { default: 'active' }) status!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}

/** The agent's DNA at a point in time: everything needed to make the same agent again. */
@Entity('genesis_dna_snapshots')
@Index(['agentId', 'version'], { unique: true })
export class DnaSnapshot {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') agentId!: string;
  @Column('int') version!: number;
  @Column('jsonb') dna!: Record<string, unknown>;
  @Column('text') checksum!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
