import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/**
 * The customers row for TypeORM users. The customers feature itself reads and writes with SQL in
 * CustomersRepository (lists, jsonb, arrays, keyset pages); erased rows have erasedAt set.
 */
@Entity({ name: 'customers' })
export class CustomerEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  kind!: 'person' | 'organisation';

  @Column('text')
  name!: string;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('text', { name: 'source_channel', nullable: true })
  sourceChannel!: string | null;

  /** The user who owns the relationship; null = the public pool. */
  @Column('text', { name: 'owner_id', nullable: true })
  ownerId!: string | null;

  @Column('text', { nullable: true })
  team!: string | null;

  @Column('text', { array: true, default: () => `'{}'` })
  tags!: string[];

  @Column('timestamptz', { name: 'erased_at', nullable: true })
  erasedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;
}
