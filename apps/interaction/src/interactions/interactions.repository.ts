import { Injectable } from '@nestjs/common';
import type { InteractionChannel, InteractionDirection } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql, type RowVisibility } from '../shared/row-visibility';

export interface InteractionRecord {
  id: string;
  customerId: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurredAt: Date;
  agent: string;
  team: string | null;
  summary: string | null;
  outcome: string | null;
  durationSeconds: number | null;
  ticketId: string | null;
  campaignId: string | null;
  followUpId: string | null;
  loggedBy: string;
  loggedAt: Date;
}

export interface InteractionFilters {
  customerId?: string | undefined;
  channel?: InteractionChannel | undefined;
  agent?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The keyset position of a timeline page: newest first by occurred_at, then id. */
export interface TimelinePosition {
  occurredAt: string;
  id: string;
}

interface InteractionRow {
  id: string;
  customer_id: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  occurred_at: Date;
  agent: string;
  team: string | null;
  summary: string | null;
  outcome: string | null;
  duration_seconds: number | null;
  ticket_id: string | null;
  campaign_id: string | null;
  follow_up_id: string | null;
  logged_by: string;
  logged_at: Date;
  /** occurred_at as PostgreSQL prints it (microseconds), for exact keyset cursors. */
  occurred_key: string;
}

const COLUMNS = `i.id, i.customer_id, i.channel, i.direction, i.occurred_at, i.agent, i.team, i.summary, i.outcome,
  i.duration_seconds, i.ticket_id, i.campaign_id, i.follow_up_id, i.logged_by, i.logged_at, i.occurred_at::text AS occurred_key`;

/** The only SQL of the interaction log. */
@Injectable()
export class InteractionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, interaction: InteractionRecord): Promise<InteractionRecord> {
    const rows: InteractionRow[] = await manager.query(
      `INSERT INTO interaction.interactions AS i
         (id, customer_id, channel, direction, occurred_at, agent, team, summary, outcome, duration_seconds,
          ticket_id, campaign_id, follow_up_id, logged_by, logged_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       RETURNING ${COLUMNS}`,
      [
        interaction.id,
        interaction.customerId,
        interaction.channel,
        interaction.direction,
        interaction.occurredAt,
        interaction.agent,
        interaction.team,
        interaction.summary,
        interaction.outcome,
        interaction.durationSeconds,
        interaction.ticketId,
        interaction.campaignId,
        interaction.followUpId,
        interaction.loggedBy,
        interaction.loggedAt,
      ],
    );
    return toRecord(rows[0]!);
  }

  /**
   * A page of interactions, newest first (occurred_at, then id), after `after`. The customer's timeline
   * is everyone's who may read interactions; the list across customers follows the row rule.
   */
  async list(
    filters: InteractionFilters,
    visibility: RowVisibility,
    after: TimelinePosition | undefined,
    limit: number,
  ): Promise<{ records: InteractionRecord[]; lastKey: string | null }> {
    const params: unknown[] = [];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [visibilitySql(visibility, params, 'i', ['agent', 'logged_by'])];
    if (filters.customerId !== undefined) where.push(`i.customer_id = ${add(filters.customerId)}`);
    if (filters.channel !== undefined) where.push(`i.channel = ${add(filters.channel)}`);
    if (filters.agent !== undefined) where.push(`i.agent = ${add(filters.agent)}`);
    if (filters.from !== undefined) where.push(`i.occurred_at >= ${add(filters.from)}`);
    if (filters.to !== undefined) where.push(`i.occurred_at < ${add(filters.to)}`);
    if (after) where.push(`(i.occurred_at, i.id) < (${add(after.occurredAt)}::timestamptz, ${add(after.id)}::uuid)`);
    const rows: InteractionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM interaction.interactions i WHERE ${where.join(' AND ')}
        ORDER BY i.occurred_at DESC, i.id DESC LIMIT ${add(limit)}`,
      params,
    );
    return { records: rows.map(toRecord), lastKey: rows[rows.length - 1]?.occurred_key ?? null };
  }

  /** Whether the follow-up exists and is the customer's (a contact may name the follow-up it answers). */
  async followUpOfCustomer(manager: EntityManager, followUpId: string, customerId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM interaction.follow_ups WHERE id = $1 AND customer_id = $2`,
      [followUpId, customerId],
    );
    return rows.length > 0;
  }

  /** Everything held on a customer, oldest first (the subject's export). */
  async ofCustomer(customerId: string): Promise<InteractionRecord[]> {
    const rows: InteractionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM interaction.interactions i WHERE i.customer_id = $1 ORDER BY i.occurred_at, i.id`,
      [customerId],
    );
    return rows.map(toRecord);
  }

  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE interaction.interactions SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /** Returns how many rows went (the erasure acknowledgement counts them). */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.interactions WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }
}

function toRecord(row: InteractionRow): InteractionRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    direction: row.direction,
    occurredAt: row.occurred_at,
    agent: row.agent,
    team: row.team,
    summary: row.summary,
    outcome: row.outcome,
    durationSeconds: row.duration_seconds,
    ticketId: row.ticket_id,
    campaignId: row.campaign_id,
    followUpId: row.follow_up_id,
    loggedBy: row.logged_by,
    loggedAt: row.logged_at,
  };
}
