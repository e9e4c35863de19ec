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
}
