import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A generated document describing a cluster (README.md, SKILLS.md). */
@Entity('manifests')
export class Manifest {
  @PrimaryColumn('uuid') clusterId!: string;
  @PrimaryColumn('text') name!: string;
  @Column('text') content!: string;
  @Column('text') checksum!: string;
  @Column('int', { default: 1 }) version!: number;
  @Column('timestamptz') generatedAt!: Date;
  /**
   * The cluster row's `updated_at` this manifest reflects (set also when a regeneration found the
   * content unchanged); older than the cluster's means the manifest is behind. Compared in SQL only:
   * a JS Date would drop the microseconds.
   */
  @Column('timestamptz', { nullable: true }) clusterUpdatedAt!: Date | null;
}
