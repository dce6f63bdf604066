import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Allocation, Entry, MovementKind, OpenLot } from './ledger-model';

export interface MovementRecord {
  id: string;
  customerId: string;
  kind: MovementKind;
  points: number;
  balanceAfter: number;
  shortfall: number;
  sourceId: string | null;
  reason: string | null;
  actor: string | null;
}

/** A credit's lot: its points are the movement's. */
export interface NewLot {
  id: string;
  sourceId: string | null;
  earnedAt: Date;
  expiresAt: Date;
}

export interface Posting {
  movement: MovementRecord;
  entries: readonly Entry[];
  lot?: NewLot | undefined;
}

export interface StatementRecord extends MovementRecord {
  /** The keyset cursor: the movement's sequence number. */
  seq: string;
  createdAt: Date;
}

export interface Reconciliation {
  entriesSum: number;
  unbalancedMovements: number;
  liabilityTotal: number;
  balanceTotal: number;
  movementsTotal: number;
  lotsTotal: number;
  negativeLots: number;
  mismatchedMembers: number;
  shortfallTotal: number;
  accounts: Record<string, number>;
}

/** Numbers come back from bigint columns as strings. */
interface StatementRow {
  seq: string;
  id: string;
  customer_id: string;
  kind: MovementKind;
  points: string | number;
  balance_after: string | number;
  shortfall: string | number;
  source_id: string | null;
  reason: string | null;
  actor: string | null;
  created_at: Date;
}

interface LotRow {
  id: string;
  remaining: string | number;
  earned_at: Date;
  expires_at: Date;
  source_id: string | null;
}

interface ReconciliationRow {
  entries_sum: string;
  unbalanced_movements: number;
  liability_total: string;
  balance_total: string;
  movements_total: string;
  lots_total: string;
  negative_lots: number;
  mismatched_members: number;
  shortfall_total: string;
  accounts: Record<string, string>;
}

const toStatement = (row: StatementRow): StatementRecord => ({
  seq: row.seq,
  id: row.id,
  customerId: row.customer_id,
  kind: row.kind,
  points: Number(row.points),
  balanceAfter: Number(row.balance_after),
  shortfall: Number(row.shortfall),
  sourceId: row.source_id,
  reason: row.reason,
  actor: row.actor,
  createdAt: row.created_at,
});

const toLot = (row: LotRow): OpenLot => ({
  id: row.id,
  remaining: Number(row.remaining),
  earnedAt: row.earned_at,
  expiresAt: row.expires_at,
  sourceId: row.source_id,
});

const toReconciliation = (row: ReconciliationRow): Reconciliation => ({
  entriesSum: Number(row.entries_sum),
  unbalancedMovements: row.unbalanced_movements,
  liabilityTotal: Number(row.liability_total),
  balanceTotal: Number(row.balance_total),
  movementsTotal: Number(row.movements_total),
  lotsTotal: Number(row.lots_total),
  negativeLots: row.negative_lots,
  mismatchedMembers: row.mismatched_members,
  shortfallTotal: Number(row.shortfall_total),
  accounts: Object.fromEntries(Object.entries(row.accounts).map(([account, total]) => [account, Number(total)])),
});

/**
 * The only SQL of the book: movements, their double entries and the lots they open or consume.
 * Writes take the caller's transaction (`manager`), which holds the member's lock.
 */
@Injectable()
export class MovementsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends a movement with its two entries and moves the member's balance — and for a credit opens
   * its lot — in one statement (one round trip).
   */
  async append(manager: EntityManager, { movement, entries, lot }: Posting): Promise<Date> {
    const lotSql = lot
      ? `, lot AS (
         INSERT INTO loyalty.lots (id, customer_id, movement_id, source_id, points, remaining, earned_at, expires_at)
         VALUES ($12, $2, $1, $13, $4, $4, $14, $15)
       )`
      : '';
    const [row]: Array<{ created_at: Date }> = await manager.query(
      `WITH movement AS (
         INSERT INTO loyalty.movements (id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING created_at
       ), entries AS (
         INSERT INTO loyalty.entries (movement_id, account, customer_id, amount)
         SELECT $1, account, $2, amount FROM unnest($10::text[], $11::bigint[]) AS e(account, amount)
       ), member AS (
         UPDATE loyalty.members SET balance = $5 WHERE customer_id = $2
       )${lotSql}
       SELECT created_at FROM movement`,
      [
        movement.id,
        movement.customerId,
        movement.kind,
        movement.points,
        movement.balanceAfter,
        movement.shortfall,
        movement.sourceId,
        movement.reason,
        movement.actor,
        entries.map((e) => e.account),
        entries.map((e) => e.amount),
        ...(lot ? [lot.id, lot.sourceId, lot.earnedAt, lot.expiresAt] : []),
      ],
    );
    return row!.created_at;
  }

  /** Many credits at once (set-based earning): movements in order, their entries, their lots. The caller writes the balances. */
  async appendMany(manager: EntityManager, postings: readonly Posting[]): Promise<void> {
    if (postings.length === 0) return;
    const entries = postings.flatMap(({ movement, entries }) =>
      entries.map((e) => ({ movementId: movement.id, customerId: movement.customerId, ...e })),
    );
    const lots = postings.flatMap(({ movement, lot }) =>
      lot ? [{ ...lot, movementId: movement.id, customerId: movement.customerId, points: movement.points }] : [],
    );
    const m = postings.map((p) => p.movement);
    await manager.query(
      `WITH movement AS (
         INSERT INTO loyalty.movements (id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor)
         SELECT id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY
           AS t(id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor, ord)
         ORDER BY ord
       ), entries AS (
         INSERT INTO loyalty.entries (movement_id, account, customer_id, amount)
         SELECT * FROM unnest($10::uuid[], $11::text[], $12::uuid[], $13::bigint[])
       )
       INSERT INTO loyalty.lots (id, customer_id, movement_id, source_id, points, remaining, earned_at, expires_at)
       SELECT id, customer_id, movement_id, source_id, points, points, earned_at, expires_at
       FROM unnest($14::uuid[], $15::uuid[], $16::uuid[], $17::text[], $18::bigint[], $19::timestamptz[], $20::timestamptz[])
         AS l(id, customer_id, movement_id, source_id, points, earned_at, expires_at)`,
      [
        m.map((r) => r.id),
        m.map((r) => r.customerId),
        m.map((r) => r.kind),
        m.map((r) => r.points),
        m.map((r) => r.balanceAfter),
        m.map((r) => r.shortfall),
        m.map((r) => r.sourceId),
        m.map((r) => r.reason),
        m.map((r) => r.actor),
        entries.map((e) => e.movementId),
        entries.map((e) => e.account),
        entries.map((e) => e.customerId),
        entries.map((e) => e.amount),
        lots.map((l) => l.id),
        lots.map((l) => l.customerId),
        lots.map((l) => l.movementId),
        lots.map((l) => l.sourceId),
        lots.map((l) => l.points),
        lots.map((l) => l.earnedAt),
        lots.map((l) => l.expiresAt),
      ],
    );
  }

  async openLots(manager: EntityManager, customerId: string): Promise<OpenLot[]> {
    const rows: LotRow[] = await manager.query(
      `SELECT id, remaining, earned_at, expires_at, source_id FROM loyalty.lots WHERE customer_id = $1 AND remaining > 0 ORDER BY expires_at, earned_at, id`,
      [customerId],
    );
    return rows.map(toLot);
  }

  /**
   * Lots a movement opens besides the one of a credit (a merge re-creates the merged-away member's
   * open lots on the survivor): each with its own points, earn date, expiry and origin.
   */
  async insertLots(
    manager: EntityManager,
    customerId: string,
    movementId: string,
    lots: ReadonlyArray<NewLot & { points: number }>,
  ): Promise<void> {
    if (lots.length === 0) return;
    await manager.query(
      `INSERT INTO loyalty.lots (id, customer_id, movement_id, source_id, points, remaining, earned_at, expires_at)
       SELECT id, $1, $2, source_id, points, points, earned_at, expires_at
       FROM unnest($3::uuid[], $4::text[], $5::bigint[], $6::timestamptz[], $7::timestamptz[]) AS l(id, source_id, points, earned_at, expires_at)`,
      [
        customerId,
        movementId,
        lots.map((l) => l.id),
        lots.map((l) => l.sourceId),
        lots.map((l) => l.points),
        lots.map((l) => l.earnedAt),
        lots.map((l) => l.expiresAt),
      ],
    );
  }

  async consumeLots(manager: EntityManager, movementId: string, allocations: readonly Allocation[]): Promise<void> {
    if (allocations.length === 0) return;
    const ids = allocations.map((a) => a.lotId);
    const points = allocations.map((a) => a.points);
    await manager.query(
      `UPDATE loyalty.lots l SET remaining = l.remaining - a.points
       FROM unnest($1::uuid[], $2::bigint[]) AS a(lot_id, points) WHERE l.id = a.lot_id`,
      [ids, points],
    );
    await manager.query(
      `INSERT INTO loyalty.lot_allocations (movement_id, lot_id, points) SELECT $1, lot_id, points FROM unnest($2::uuid[], $3::bigint[]) AS a(lot_id, points)`,
      [movementId, ids, points],
    );
  }

  async customersWithExpiredLots(asOf: Date, limit: number): Promise<string[]> {
    const rows: Array<{ customer_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT customer_id FROM loyalty.lots WHERE remaining > 0 AND expires_at <= $1 LIMIT $2`,
      [asOf, limit],
    );
    return rows.map((r) => r.customer_id);
  }

  /**
   * Newest first, keyset on the movement sequence. `ORDER BY movements.seq`, qualified: a bare `seq`
   * would name the output column `seq::text` and sort as text ('99' after '100'), so a member whose
   * movements cross a power of ten got a first page without the newest and later pages with gaps.
   */
  async statement(customerId: string, limit: number, before?: string): Promise<StatementRecord[]> {
    const rows: StatementRow[] = await this.dataSource.query(
      `SELECT seq::text, id, customer_id, kind, points, balance_after, shortfall, source_id, reason, actor, created_at
       FROM loyalty.movements WHERE customer_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) ORDER BY movements.seq DESC LIMIT $3`,
      [customerId, before ?? null, limit],
    );
    return rows.map(toStatement);
  }

  /** Free-text reasons and who typed them may name the person; the amounts stay so the books balance. */
  /** How many movements still named a reason typed by hand or an actor, and no longer do. */
  async anonymise(manager: EntityManager, customerId: string): Promise<number> {
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE loyalty.movements SET reason = CASE WHEN kind = 'adjust' THEN 'erased' ELSE reason END, actor = NULL
        WHERE customer_id = $1 AND (actor IS NOT NULL OR (kind = 'adjust' AND reason IS DISTINCT FROM 'erased'))`,
      [customerId],
    );
    return affected;
  }

  /** One snapshot: every movement balanced, and entries, movements, balances and lots agreeing. */
  async reconciliation(): Promise<Reconciliation> {
    const [row]: ReconciliationRow[] = await this.dataSource.query(`
      WITH per_movement AS (
        SELECT m.id, count(e.id) AS n, coalesce(sum(e.amount), 0) AS total,
               coalesce(sum(e.amount) FILTER (WHERE e.account = 'member_liability'), 0) AS liability, m.points
        FROM loyalty.movements m LEFT JOIN loyalty.entries e ON e.movement_id = m.id GROUP BY m.id, m.points
      ),
      -- One grouped pass per table joined on the member, not a subquery per member: those re-scanned the
      -- lots (no index covers spent lots) once per member: 4.3 s against 18 ms on the test suite's ledger of
      -- 10k members, and a gateway timeout in CI.
      per_member AS (
        SELECT mb.customer_id, mb.balance, coalesce(l.liability, 0) AS liability,
               coalesce(mv.movements, 0) AS movements, coalesce(lt.lots, 0) AS lots
        FROM loyalty.members mb
        LEFT JOIN (SELECT customer_id, -sum(amount) AS liability FROM loyalty.entries
                    WHERE account = 'member_liability' GROUP BY customer_id) l ON l.customer_id = mb.customer_id
        LEFT JOIN (SELECT customer_id, sum(points) AS movements FROM loyalty.movements GROUP BY customer_id) mv
               ON mv.customer_id = mb.customer_id
        LEFT JOIN (SELECT customer_id, sum(remaining) AS lots FROM loyalty.lots GROUP BY customer_id) lt
               ON lt.customer_id = mb.customer_id
      )
      SELECT (SELECT coalesce(sum(amount), 0) FROM loyalty.entries)::text AS entries_sum,
             (SELECT count(*) FROM per_movement WHERE n <> 2 OR total <> 0 OR liability <> -points)::int AS unbalanced_movements,
             (SELECT coalesce(-sum(amount), 0) FROM loyalty.entries WHERE account = 'member_liability')::text AS liability_total,
             (SELECT coalesce(sum(balance), 0) FROM loyalty.members)::text AS balance_total,
             (SELECT coalesce(sum(points), 0) FROM loyalty.movements)::text AS movements_total,
             (SELECT coalesce(sum(remaining), 0) FROM loyalty.lots)::text AS lots_total,
             (SELECT count(*) FROM loyalty.lots WHERE remaining < 0)::int AS negative_lots,
             (SELECT count(*) FROM per_member WHERE balance <> liability OR balance <> movements OR balance <> lots)::int AS mismatched_members,
             (SELECT coalesce(sum(shortfall), 0) FROM loyalty.movements)::text AS shortfall_total,
             (SELECT coalesce(json_object_agg(account, total), '{}') FROM (SELECT account, sum(amount)::text AS total FROM loyalty.entries GROUP BY account) a) AS accounts
    `);
    return toReconciliation(row!);
  }
}
