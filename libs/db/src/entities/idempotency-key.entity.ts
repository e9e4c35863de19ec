import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The first answer to a request sent with an Idempotency-Key, replayed for retries. */
@Entity('idempotency_keys')
export class IdempotencyKey {
  /** the route (e.g. `POST /api/clusters`) plus the caller */
  @PrimaryColumn('text') scope!: string;
  @PrimaryColumn('text') key!: string;
  @Column('text') requestHash!: string;
  @Column('int') statusCode!: number;
  @Column('jsonb') responseBody!: unknown;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
}
