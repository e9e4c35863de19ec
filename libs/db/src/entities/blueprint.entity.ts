import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A blueprint id (slug) and its current version; each version's YAML lives in blueprint_versions. */
@Entity('blueprints')
export class Blueprint {
  @PrimaryColumn('text') id!: string;
  @Column('text') name!: string;
  @Column('text') currentVersion!: string;
  @Column('text', { nullable: true }) description!: string | null;
  @Column('text', { nullable: true }) author!: string | null;
  @Column('text', { array: true, default: () => "'{}'" }) tags!: string[];
  @Column('boolean', { default: true }) isActive!: boolean;
  /** 'file' for shipped blueprints synced at start-up, 'upload' for API uploads */
  @Column('text') source!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}

/** One immutable version of a blueprint: stored versions are never overwritten. */
@Entity('blueprint_versions')
export class BlueprintVersion {
  @PrimaryColumn('text') blueprintId!: string;
  @PrimaryColumn('text') version!: string;
  @Column('text') yaml!: string;
  /** the validated, normalised document the loader produced */
  @Column('jsonb') definition!: Record<string, unknown>;
  @Column('text') checksum!: string;
  @Column('uuid', { nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
