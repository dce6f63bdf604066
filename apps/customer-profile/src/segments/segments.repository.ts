import { Injectable } from '@nestjs/common';
import type { SegmentDefinition, SegmentKind } from '@rapport/contracts';
import type { CustomerVisibility } from '@rapport/platform-auth';
import { DataSource, type EntityManager } from 'typeorm';
import type { CustomerRecord } from '../customers/customer.record';
import { CUSTOMER_COLUMNS, CustomersRepository, type CustomerRow } from '../customers/customers.repository';
import { visibilitySql } from '../shared/visibility.sql';
import { EXPORT_ROW_SQL, type ExportRow } from '../exports/customer-csv';
import type { ParsedGroup } from './segment-fields';
import { SegmentQueryBuilder } from './segment-query.builder';

export interface SegmentRecord {
  id: string;
  name: string;
  description: string | null;
  kind: SegmentKind;
  definition: SegmentDefinition | null;
  ownerId: string;
  team: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

interface SegmentRow {
  id: string;
  name: string;
  description: string | null;
  kind: SegmentKind;
  definition: SegmentDefinition | null;
  owner_id: string;
  team: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

/** Who the members are: a parsed definition, or the hand-picked members of a static list. */
export type MemberSource = { kind: 'dynamic'; root: ParsedGroup } | { kind: 'static'; segmentId: string };

const toSegment = (r: SegmentRow): SegmentRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  kind: r.kind,
  definition: r.definition,
  ownerId: r.owner_id,
  team: r.team,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

const SEGMENT_COLUMNS = 'id, name, description, kind, definition, owner_id, team, created_at, updated_at, version';

/**
 * The only SQL of segments. Member queries are always one statement over the customers the caller
 * may see (row-level rule), never erased or merged ones.
 */
@Injectable()
export class SegmentsRepository {
  private readonly builder = new SegmentQueryBuilder();

  constructor(
    private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
  ) {}

  async insert(segment: Omit<SegmentRecord, 'createdAt' | 'updatedAt' | 'version'>): Promise<SegmentRecord> {
    const rows: SegmentRow[] = await this.dataSource.query(
      `INSERT INTO customer_profile.segments (id, name, description, kind, definition, owner_id, team)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${SEGMENT_COLUMNS}`,
      [
        segment.id,
        segment.name,
        segment.description,
        segment.kind,
        segment.definition === null ? null : JSON.stringify(segment.definition),
        segment.ownerId,
        segment.team,
      ],
    );
    return toSegment(rows[0]!);
  }

  async find(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    forUpdate = false,
  ): Promise<SegmentRecord | null> {
    const rows: SegmentRow[] = await manager.query(
      `SELECT ${SEGMENT_COLUMNS} FROM customer_profile.segments WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toSegment(rows[0]) : null;
  }

  async list(): Promise<SegmentRecord[]> {
    const rows: SegmentRow[] = await this.dataSource.query(
      `SELECT ${SEGMENT_COLUMNS} FROM customer_profile.segments ORDER BY name, id LIMIT 1000`,
    );
    return rows.map(toSegment);
  }

  async update(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
    fields: { name: string; description: string | null; definition: SegmentDefinition | null },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `UPDATE customer_profile.segments SET name = $3, description = $4, definition = $5, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2 RETURNING id`,
      [
        id,
        expectedVersion,
        fields.name,
        fields.description,
        fields.definition === null ? null : JSON.stringify(fields.definition),
      ],
    );
    return rows.length > 0;
  }

  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`DELETE FROM customer_profile.segments WHERE id = $1`, [id]);
  }

  async count(source: MemberSource, visibility: CustomerVisibility): Promise<number> {
    const params: unknown[] = [];
    const rows: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n ${this.membersFrom(source, visibility, params)}`,
      params,
    );
    return rows[0]!.n;
  }

  /** One keyset page by id: the customers (one statement) and their identifiers and contacts (two more). */
  async members(
    source: MemberSource,
    visibility: CustomerVisibility,
    afterId: string | null,
    limit: number,
  ): Promise<CustomerRecord[]> {
    const params: unknown[] = [];
    const from = this.membersFrom(source, visibility, params);
    params.push(afterId, limit);
    const rows: CustomerRow[] = await this.dataSource.query(
      `SELECT ${CUSTOMER_COLUMNS} ${from} AND ($${params.length - 1}::uuid IS NULL OR c.id > $${params.length - 1}::uuid)
        ORDER BY c.id LIMIT $${params.length}`,
      params,
    );
    return this.customers.withRelations(this.dataSource.manager, rows);
  }

  /** One keyset page of the CSV export columns (the same as the customers export). */
  async exportPage(
    source: MemberSource,
    visibility: CustomerVisibility,
    afterId: string | null,
    limit: number,
  ): Promise<ExportRow[]> {
    const params: unknown[] = [];
    const from = this.membersFrom(source, visibility, params);
    params.push(afterId, limit);
    return this.dataSource.query(
      `SELECT ${EXPORT_ROW_SQL} ${from} AND ($${params.length - 1}::uuid IS NULL OR c.id > $${params.length - 1}::uuid)
        ORDER BY c.id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Adds the visible customers among `ids` to a static list in one statement; says for each id
   * whether it was added, already a member, or not found (unknown, erased, merged or invisible).
   */
  async addMembers(
    manager: EntityManager,
    segmentId: string,
    ids: readonly string[],
    visibility: CustomerVisibility,
    addedBy: string,
  ): Promise<{ id: string; found: boolean; changed: boolean }[]> {
    const params: unknown[] = [segmentId, ids, addedBy];
    return manager.query(
      `WITH wanted AS (SELECT DISTINCT w.id FROM unnest($2::uuid[]) AS w(id)),
            found AS (SELECT c.id FROM customer_profile.customers c JOIN wanted ON wanted.id = c.id
                       WHERE c.erased_at IS NULL AND c.merged_into IS NULL AND ${visibilitySql(visibility, params)}),
            added AS (INSERT INTO customer_profile.segment_members (segment_id, customer_id, added_by)
                      SELECT $1, found.id, $3 FROM found ON CONFLICT DO NOTHING RETURNING customer_id)
       SELECT wanted.id, found.id IS NOT NULL AS found, added.customer_id IS NOT NULL AS changed
         FROM wanted LEFT JOIN found ON found.id = wanted.id LEFT JOIN added ON added.customer_id = wanted.id`,
      params,
    );
  }

  /** The mirror of addMembers: removes the visible customers among `ids` from a static list. */
  async removeMembers(
    manager: EntityManager,
    segmentId: string,
    ids: readonly string[],
    visibility: CustomerVisibility,
  ): Promise<{ id: string; found: boolean; changed: boolean }[]> {
    const params: unknown[] = [segmentId, ids];
    return manager.query(
      `WITH wanted AS (SELECT DISTINCT w.id FROM unnest($2::uuid[]) AS w(id)),
            found AS (SELECT c.id FROM customer_profile.customers c JOIN wanted ON wanted.id = c.id
                       WHERE c.erased_at IS NULL AND c.merged_into IS NULL AND ${visibilitySql(visibility, params)}),
            removed AS (DELETE FROM customer_profile.segment_members m USING found
                         WHERE m.segment_id = $1 AND m.customer_id = found.id RETURNING m.customer_id)
       SELECT wanted.id, found.id IS NOT NULL AS found, removed.customer_id IS NOT NULL AS changed
         FROM wanted LEFT JOIN found ON found.id = wanted.id LEFT JOIN removed ON removed.customer_id = wanted.id`,
      params,
    );
  }

  async touch(manager: EntityManager, segmentId: string): Promise<void> {
    await manager.query(`UPDATE customer_profile.segments SET updated_at = now() WHERE id = $1`, [segmentId]);
  }

  /** Subject access: the static lists a customer is on. */
  async listsOf(
    manager: EntityManager,
    customerId: string,
  ): Promise<{ segmentId: string; name: string; addedAt: string }[]> {
    return manager.query(
      `SELECT s.id AS "segmentId", s.name, m.added_at AS "addedAt" FROM customer_profile.segment_members m
         JOIN customer_profile.segments s ON s.id = m.segment_id WHERE m.customer_id = $1 ORDER BY m.added_at`,
      [customerId],
    );
  }

  async dropMemberships(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(`DELETE FROM customer_profile.segment_members WHERE customer_id = $1`, [customerId]);
  }

  /** A merge: the survivor joins the lists the merged customer was on. */
  async moveMemberships(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(
      `INSERT INTO customer_profile.segment_members (segment_id, customer_id, added_by, added_at)
       SELECT segment_id, $2, added_by, added_at FROM customer_profile.segment_members WHERE customer_id = $1
       ON CONFLICT DO NOTHING`,
      [mergedId, survivorId],
    );
    await this.dropMemberships(manager, mergedId);
  }

  private membersFrom(source: MemberSource, visibility: CustomerVisibility, params: unknown[]): string {
    const where = ['c.erased_at IS NULL', 'c.merged_into IS NULL', visibilitySql(visibility, params)];
    if (source.kind === 'dynamic') {
      where.push(this.builder.where(source.root, params));
      return `FROM customer_profile.customers c LEFT JOIN customer_profile.customer_purchase_summary s ON s.customer_id = c.id
        WHERE ${where.join(' AND ')}`;
    }
    params.push(source.segmentId);
    return `FROM customer_profile.segment_members m JOIN customer_profile.customers c ON c.id = m.customer_id
        WHERE m.segment_id = $${params.length} AND ${where.join(' AND ')}`;
  }
}
