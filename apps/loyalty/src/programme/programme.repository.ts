import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ProgrammeSchema, type Programme } from './programme';

export interface ProgrammeRecord {
  config: Programme;
  version: number;
  updatedAt: Date;
}

interface ProgrammeRow {
  config: unknown;
  version: number;
  updated_at: Date;
}

const toProgramme = (row: ProgrammeRow): ProgrammeRecord => ({
  config: ProgrammeSchema.parse(row.config),
  version: row.version,
  updatedAt: row.updated_at,
});

/** The only SQL of the programme (one row, `default`). */
@Injectable()
export class ProgrammeRepository {
  private readonly programmeOfTransaction = new WeakMap<EntityManager, Promise<ProgrammeRecord>>();

  constructor(private readonly dataSource: DataSource) {}

  /** Read once per transaction: a batch of events shares one (a programme change applies from the next transaction). */
  async current(manager: EntityManager = this.dataSource.manager): Promise<ProgrammeRecord> {
    if (manager === this.dataSource.manager) return this.read(manager);
    let cached = this.programmeOfTransaction.get(manager);
    if (!cached) {
      cached = this.read(manager);
      this.programmeOfTransaction.set(manager, cached);
    }
    return cached;
  }

  private async read(manager: EntityManager): Promise<ProgrammeRecord> {
    const [row]: ProgrammeRow[] = await manager.query(
      `SELECT config, version, updated_at FROM loyalty.programmes WHERE id = 'default'`,
    );
    return toProgramme(row!);
  }

  /** Undefined when the version moved on meanwhile (optimistic concurrency). */
  async update(config: Programme, expectedVersion: number): Promise<Omit<ProgrammeRecord, 'config'> | undefined> {
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [Array<Omit<ProgrammeRow, 'config'>>, number] = await this.dataSource.query(
      `UPDATE loyalty.programmes SET config = $1, version = version + 1, updated_at = now()
       WHERE id = 'default' AND version = $2 RETURNING version, updated_at`,
      [JSON.stringify(config), expectedVersion],
    );
    const row = rows[0];
    return row ? { version: row.version, updatedAt: row.updated_at } : undefined;
  }
}
