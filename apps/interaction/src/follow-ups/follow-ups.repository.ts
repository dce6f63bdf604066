import { Injectable } from '@nestjs/common';
import type { FollowUpStatus, FollowUpTimerKind, InteractionChannel } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql, type RowVisibility } from '../shared/row-visibility';
import { followUpStatusSql } from './follow-up-status';

export interface FollowUpRecord {
  id: string;
  customerId: string;
  assignee: string;
  team: string | null;
  channel: InteractionChannel;
  dueAt: Date;
  remindAt: Date;
  note: string | null;
  snoozeCount: number;
  completedAt: Date | null;
  interactionId: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  /** The cadence enrolment that planned it, and which step; null for one planned by hand. */
  enrolmentId: string | null;
  stepIndex: number | null;
}

export type NewFollowUp = Omit<
  FollowUpRecord,
  'snoozeCount' | 'completedAt' | 'interactionId' | 'updatedAt' | 'enrolmentId' | 'stepIndex'
> &
  Partial<Pick<FollowUpRecord, 'enrolmentId' | 'stepIndex'>>;

export interface FollowUpFilters {
  assignee?: string | undefined;
  status?: FollowUpStatus | undefined;
  customerId?: string | undefined;
  /** Only those due on this calendar day (YYYY-MM-DD) in `timeZone`. */
  dueOn?: { date: string; timeZone: string } | undefined;
}

/** The list's keyset position: earliest due first, then id. */
export interface FollowUpPosition {
  dueAt: string;
  id: string;
}

/** A timer claimed by a tick, with its follow-up as it stands. */
export interface ClaimedTimer {
  kind: FollowUpTimerKind;
  dueAt: Date;
  fireAt: Date;
  followUp: FollowUpRecord;
}

interface FollowUpRow {
  id: string;
  customer_id: string;
  assignee: string;
  team: string | null;
  channel: InteractionChannel;
  due_at: Date;
  remind_at: Date;
  note: string | null;
  snooze_count: number;
  completed_at: Date | null;
  interaction_id: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  enrolment_id: string | null;
  step_index: number | null;
  due_key: string;
}

const COLUMNS = `f.id, f.customer_id, f.assignee, f.team, f.channel, f.due_at, f.remind_at, f.note, f.snooze_count,
  f.completed_at, f.interaction_id, f.created_by, f.created_at, f.updated_at, f.enrolment_id, f.step_index,
  f.due_at::text AS due_key`;

/** The only SQL of follow-ups and their timers. */
@Injectable()
export class FollowUpsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, followUp: NewFollowUp): Promise<FollowUpRecord> {
    const rows: FollowUpRow[] = await manager.query(
      `INSERT INTO interaction.follow_ups AS f
         (id, customer_id, assignee, team, channel, due_at, remind_at, note, created_by, created_at, updated_at,
          enrolment_id, step_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12)
       RETURNING ${COLUMNS}`,
      [
        followUp.id,
        followUp.customerId,
        followUp.assignee,
        followUp.team,
        followUp.channel,
        followUp.dueAt,
        followUp.remindAt,
        followUp.note,
        followUp.createdBy,
        followUp.createdAt,
        followUp.enrolmentId ?? null,
        followUp.stepIndex ?? null,
      ],
    );
    return toRecord(rows[0]!);
  }

  async findVisible(id: string, visibility: RowVisibility): Promise<FollowUpRecord | undefined> {
    const params: unknown[] = [id];
    const rows: FollowUpRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM interaction.follow_ups f
        WHERE f.id = $1 AND ${visibilitySql(visibility, params, 'f', ['assignee'])}`,
      params,
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The follow-up with its row lock, if the caller may see it. */
  async lockVisible(
    manager: EntityManager,
    id: string,
    visibility: RowVisibility,
  ): Promise<FollowUpRecord | undefined> {
    const params: unknown[] = [id];
    const rows: FollowUpRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM interaction.follow_ups f
        WHERE f.id = $1 AND ${visibilitySql(visibility, params, 'f', ['assignee'])} FOR UPDATE`,
      params,
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(
    filters: FollowUpFilters,
    visibility: RowVisibility,
    now: Date,
    after: FollowUpPosition | undefined,
    limit: number,
  ): Promise<{ records: FollowUpRecord[]; lastKey: string | null }> {
    const params: unknown[] = [];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [visibilitySql(visibility, params, 'f', ['assignee'])];
    if (filters.assignee !== undefined) where.push(`f.assignee = ${add(filters.assignee)}`);
    if (filters.customerId !== undefined) where.push(`f.customer_id = ${add(filters.customerId)}`);
    if (filters.status !== undefined) where.push(followUpStatusSql(filters.status, () => `${add(now)}::timestamptz`));
    if (filters.dueOn !== undefined)
      where.push(
        `f.due_at >= (${add(filters.dueOn.date)}::date::timestamp AT TIME ZONE ${add(filters.dueOn.timeZone)})
         AND f.due_at < ((${add(filters.dueOn.date)}::date + 1)::timestamp AT TIME ZONE ${add(filters.dueOn.timeZone)})`,
      );
    if (after) where.push(`(f.due_at, f.id) > (${add(after.dueAt)}::timestamptz, ${add(after.id)}::uuid)`);
    const rows: FollowUpRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM interaction.follow_ups f WHERE ${where.join(' AND ')}
        ORDER BY f.due_at, f.id LIMIT ${add(limit)}`,
      params,
    );
    return { records: rows.map(toRecord), lastKey: rows[rows.length - 1]?.due_key ?? null };
  }

  async complete(manager: EntityManager, id: string, interactionId: string, at: Date): Promise<FollowUpRecord> {
    const rows: [FollowUpRow[], number] = await manager.query(
      `UPDATE interaction.follow_ups f SET completed_at = $3, interaction_id = $2, updated_at = $3
        WHERE f.id = $1 RETURNING ${COLUMNS}`,
      [id, interactionId, at],
    );
    return toRecord(rows[0][0]!);
  }

  async snooze(manager: EntityManager, id: string, dueAt: Date, remindAt: Date, at: Date): Promise<FollowUpRecord> {
    const rows: [FollowUpRow[], number] = await manager.query(
      `UPDATE interaction.follow_ups f SET due_at = $2, remind_at = $3, snooze_count = snooze_count + 1, updated_at = $4
        WHERE f.id = $1 RETURNING ${COLUMNS}`,
      [id, dueAt, remindAt, at],
    );
    return toRecord(rows[0][0]!);
  }

  /**
   * The timers of a due time: the reminder (when the due time is still ahead) and overdue. A due time
   * already timed keeps its timers (and whether they fired), so a snooze back to it never fires twice.
   */
  async schedule(manager: EntityManager, followUp: FollowUpRecord, now: Date): Promise<void> {
    const kinds: FollowUpTimerKind[] = followUp.dueAt.getTime() > now.getTime() ? ['due', 'overdue'] : ['overdue'];
    await manager.query(
      `INSERT INTO interaction.follow_up_timers (follow_up_id, kind, due_at, fire_at)
       SELECT $1, k.kind, $2, CASE k.kind WHEN 'due' THEN $3::timestamptz ELSE $2::timestamptz END
         FROM unnest($4::text[]) AS k (kind)
       ON CONFLICT (follow_up_id, kind, due_at) DO NOTHING`,
      [followUp.id, followUp.dueAt, followUp.remindAt, kinds],
    );
  }

  /** The timers not fired yet go (a completion, or a snooze that sets a new due time). */
  async cancelPending(manager: EntityManager, followUpId: string): Promise<void> {
    await manager.query(`DELETE FROM interaction.follow_up_timers WHERE follow_up_id = $1 AND fired_at IS NULL`, [
      followUpId,
    ]);
  }

  /**
   * Claims due timers with their follow-ups' row locks, skipping those another transaction holds (a tick
   * of another replica, or a completion or snooze, which settles the timers itself), and marks them fired,
   * in the caller's transaction. Committed, a timer never fires again; rolled back, it stays due.
   */
  async claimDue(manager: EntityManager, now: Date, limit: number): Promise<ClaimedTimer[]> {
    const rows: (FollowUpRow & { timer_kind: FollowUpTimerKind; timer_due_at: Date; fire_at: Date })[] =
      await manager.query(
        `SELECT t.kind AS timer_kind, t.due_at AS timer_due_at, t.fire_at, ${COLUMNS}
           FROM interaction.follow_up_timers t JOIN interaction.follow_ups f ON f.id = t.follow_up_id
          WHERE t.fired_at IS NULL AND t.fire_at <= $1 AND f.completed_at IS NULL
          ORDER BY t.fire_at, t.kind LIMIT $2
          FOR UPDATE OF t, f SKIP LOCKED`,
        [now, limit],
      );
    if (rows.length === 0) return [];
    await manager.query(
      `UPDATE interaction.follow_up_timers t SET fired_at = clock_timestamp()
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS x (follow_up_id, kind, due_at)
        WHERE t.follow_up_id = x.follow_up_id AND t.kind = x.kind AND t.due_at = x.due_at`,
      [rows.map((r) => r.id), rows.map((r) => r.timer_kind), rows.map((r) => r.timer_due_at)],
    );
    return rows.map((r) => ({ kind: r.timer_kind, dueAt: r.timer_due_at, fireAt: r.fire_at, followUp: toRecord(r) }));
  }

  /** A follow-up's timers, for tests and debugging: what fires when, and what fired. */
  async timersOf(
    followUpId: string,
  ): Promise<{ kind: FollowUpTimerKind; dueAt: Date; fireAt: Date; firedAt: Date | null }[]> {
    const rows: { kind: FollowUpTimerKind; due_at: Date; fire_at: Date; fired_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT kind, due_at, fire_at, fired_at FROM interaction.follow_up_timers WHERE follow_up_id = $1
          ORDER BY fire_at, kind`,
        [followUpId],
      );
    return rows.map((r) => ({ kind: r.kind, dueAt: r.due_at, fireAt: r.fire_at, firedAt: r.fired_at }));
  }

  /** The follow-ups of cadence enrolments, by step. */
  async ofEnrolments(enrolmentIds: string[]): Promise<FollowUpRecord[]> {
    if (enrolmentIds.length === 0) return [];
    const rows: FollowUpRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM interaction.follow_ups f WHERE f.enrolment_id = ANY($1::uuid[])
        ORDER BY f.enrolment_id, f.step_index`,
      [enrolmentIds],
    );
    return rows.map(toRecord);
  }

  /** A stopped enrolment's open follow-ups go, with their timers; the done ones stay. Returns how many went. */
  async cancelOpenOfEnrolments(manager: EntityManager, enrolmentIds: string[]): Promise<number> {
    if (enrolmentIds.length === 0) return 0;
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.follow_ups WHERE enrolment_id = ANY($1::uuid[]) AND completed_at IS NULL`,
      [enrolmentIds],
    );
    return affected;
  }

  /** Everything held on a customer, oldest first (the subject's export). */
  async ofCustomer(customerId: string): Promise<FollowUpRecord[]> {
    const rows: FollowUpRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM interaction.follow_ups f WHERE f.customer_id = $1 ORDER BY f.created_at, f.id`,
      [customerId],
    );
    return rows.map(toRecord);
  }

  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE interaction.follow_ups SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /** Returns how many follow-ups went; their timers go with them. */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.follow_ups WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }
}

function toRecord(row: FollowUpRow): FollowUpRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    assignee: row.assignee,
    team: row.team,
    channel: row.channel,
    dueAt: row.due_at,
    remindAt: row.remind_at,
    note: row.note,
    snoozeCount: row.snooze_count,
    completedAt: row.completed_at,
    interactionId: row.interaction_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    enrolmentId: row.enrolment_id,
    stepIndex: row.step_index,
  };
}
