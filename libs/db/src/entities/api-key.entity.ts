import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { UserRole } from '../enums';

/** An API key. Only a SHA-256 of the secret is stored; the secret is shown once when created. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') role!: UserRole;
  /** first characters of the token, to tell keys apart in listings */
  @Column('text') keyPrefix!: string;
  @Column('text', { unique: true }) keyHash!: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { nullable: true }) lastUsedAt!: Date | null;
  @Column('timestamptz', { nullable: true }) revokedAt!: Date | null;
}
