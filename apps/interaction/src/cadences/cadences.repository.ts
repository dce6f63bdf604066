import { Injectable } from '@nestjs/common';
import type { CadenceStopCondition, CadenceTrigger, InteractionChannel } from '@rapport/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { visibilitySql, type RowVisibility } from '../shared/row-visibility';

export interface CadenceStepRecord {
  dayOffset: number;
  channel: InteractionChannel;
  note: string | null;
}

export interface CadenceRecord {
  id: string;
  name: string;
  description: string | null;
  steps: CadenceStepRecord[];
  stopOn: CadenceStopCondition[];
  trigger: CadenceTrigger;
  createdBy: string;
  createdAt: Date;
}

export interface EnrolmentRecord {
  id: string;
  cadenceId: string;
  customerId: string;
  assignee: string;
  team: string | null;
  stopOn: CadenceStopCondition[];
  stopped: boolean;
  stopReason: CadenceStopCondition | null;
  stoppedAt: Date | null;
  enrolledBy: string;
  enrolledAt: Date;
}

interface CadenceRow {
  id: string;
  name: string;
  description: string | null;
  steps: CadenceStepRecord[];
  stop_on: CadenceStopCondition[];
  trigger: CadenceTrigger;
  created_by: string;
  created_at: Date;
}

interface EnrolmentRow {
  id: string;
  cadence_id: string;
  customer_id: string;
  assignee: string;
  team: string | null;
  stop_on: CadenceStopCondition[];
  stopped: boolean;
  stop_reason: CadenceStopCondition | null;
  stopped_at: Date | null;
  enrolled_by: string;
  enrolled_at: Date;
}

const CADENCE_COLUMNS = 'id, name, description, steps, stop_on, trigger, created_by, created_at';
const ENROLMENT_COLUMNS = `id, cadence_id, customer_id, assignee, team, stop_on, stopped, stop_reason, stopped_at,
  enrolled_by, enrolled_at`;

/** The only SQL of cadences and their enrolments. */
@Injectable()
export class CadencesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The new cadence, or undefined when its name is taken. */
  async insert(cadence: CadenceRecord): Promise<CadenceRecord | undefined> {
    const rows: CadenceRow[] = await this.dataSource.query(
      `INSERT INTO interaction.cadences (id, name, description, steps, stop_on, trigger, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (name) DO NOTHING
       RETURNING ${CADENCE_COLUMNS}`,
      [
        cadence.id,
        cadence.name,
        cadence.description,
        JSON.stringify(cadence.steps),
        cadence.stopOn,
        cadence.trigger,
        cadence.createdBy,
        cadence.createdAt,
      ],
    );
    return rows[0] ? toCadence(rows[0]) : undefined;
  }

  async list(): Promise<CadenceRecord[]> {
    const rows: CadenceRow[] = await this.dataSource.query(
      `SELECT ${CADENCE_COLUMNS} FROM interaction.cadences ORDER BY name`,
    );
    return rows.map(toCadence);
  }

  async find(id: string): Promise<CadenceRecord | undefined> {
    const rows: CadenceRow[] = await this.dataSource.query(
      `SELECT ${CADENCE_COLUMNS} FROM interaction.cadences WHERE id = $1`,
      [id],
    );
    return rows[0] ? toCadence(rows[0]) : undefined;
  }

  /** The cadences a trigger starts. */
  async triggeredBy(manager: EntityManager, trigger: CadenceTrigger): Promise<CadenceRecord[]> {
    const rows: CadenceRow[] = await manager.query(
      `SELECT ${CADENCE_COLUMNS} FROM interaction.cadences WHERE trigger = $1 ORDER BY name`,
      [trigger],
    );
    return rows.map(toCadence);
  }

  /** The new enrolment, or undefined when the customer already runs this cadence. */
  async enrol(manager: EntityManager, enrolment: EnrolmentRecord): Promise<EnrolmentRecord | undefined> {
    const rows: EnrolmentRow[] = await manager.query(
      `INSERT INTO interaction.cadence_enrolments
         (id, cadence_id, customer_id, assignee, team, stop_on, enrolled_by, enrolled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (cadence_id, customer_id) WHERE NOT stopped DO NOTHING
       RETURNING ${ENROLMENT_COLUMNS}`,
      [
        enrolment.id,
        enrolment.cadenceId,
        enrolment.customerId,
        enrolment.assignee,
        enrolment.team,
        enrolment.stopOn,
        enrolment.enrolledBy,
        enrolment.enrolledAt,
      ],
    );
    return rows[0] ? toEnrolment(rows[0]) : undefined;
  }

  /** The customer's running enrolments that `condition` stops, marked stopped (row-locked by the update). */
  async stopRunning(
    manager: EntityManager,
    customerId: string,
    condition: CadenceStopCondition,
    at: Date,
  ): Promise<EnrolmentRecord[]> {
    const [rows]: [EnrolmentRow[], number] = await manager.query(
      `UPDATE interaction.cadence_enrolments SET stopped = true, stop_reason = $2, stopped_at = $3
        WHERE customer_id = $1 AND NOT stopped AND $2 = ANY(stop_on)
        RETURNING ${ENROLMENT_COLUMNS}`,
      [customerId, condition, at],
    );
    return rows.map(toEnrolment);
  }

  /** The cadence's enrolments the caller may see (the follow-ups' row rule, on the enrolment's assignee and team). */
  async enrolmentsOf(
    cadenceId: string,
    customerId: string | undefined,
    visibility: RowVisibility,
  ): Promise<EnrolmentRecord[]> {
    const params: unknown[] = [cadenceId, customerId ?? null];
    const rows: EnrolmentRow[] = await this.dataSource.query(
      `SELECT ${ENROLMENT_COLUMNS} FROM interaction.cadence_enrolments e
        WHERE e.cadence_id = $1 AND ($2::uuid IS NULL OR e.customer_id = $2)
          AND ${visibilitySql(visibility, params, 'e', ['assignee'])}
        ORDER BY e.enrolled_at, e.id`,
      params,
    );
    return rows.map(toEnrolment);
  }

  /** Everything held on a customer (the subject's export). */
  async ofCustomer(customerId: string): Promise<EnrolmentRecord[]> {
    const rows: EnrolmentRow[] = await this.dataSource.query(
      `SELECT ${ENROLMENT_COLUMNS} FROM interaction.cadence_enrolments WHERE customer_id = $1 ORDER BY enrolled_at, id`,
      [customerId],
    );
    return rows.map(toEnrolment);
  }

  /**
   * The merged customer's enrolments become the survivor's; where both run the same cadence, the
   * survivor's own stays running and the merged one is stopped.
   */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(
      `UPDATE interaction.cadence_enrolments m SET stopped = true, stopped_at = now()
        WHERE m.customer_id = $1 AND NOT m.stopped AND EXISTS (
          SELECT 1 FROM interaction.cadence_enrolments s
           WHERE s.customer_id = $2 AND s.cadence_id = m.cadence_id AND NOT s.stopped)`,
      [mergedId, survivorId],
    );
    await manager.query(`UPDATE interaction.cadence_enrolments SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /** Returns how many rows went. */
  async erase(manager: EntityManager, customerId: string): Promise<number> {
    const [, affected]: [unknown[], number] = await manager.query(
      `DELETE FROM interaction.cadence_enrolments WHERE customer_id = $1`,
      [customerId],
    );
    return affected;
  }
}

function toCadence(row: CadenceRow): CadenceRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    steps: row.steps,
    stopOn: row.stop_on,
    trigger: row.trigger,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

function toEnrolment(row: EnrolmentRow): EnrolmentRecord {
  return {
    id: row.id,
    cadenceId: row.cadence_id,
    customerId: row.customer_id,
    assignee: row.assignee,
    team: row.team,
    stopOn: row.stop_on,
    stopped: row.stopped,
    stopReason: row.stop_reason,
    stoppedAt: row.stopped_at,
    enrolledBy: row.enrolled_by,
    enrolledAt: row.enrolled_at,
  };
}
