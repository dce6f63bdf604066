import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Answer, SurveyQuestion } from './survey-rules';

export interface SurveyRecord {
  id: string;
  name: string;
  description: string | null;
  questions: SurveyQuestion[];
  createdAt: Date;
  createdBy: string;
  invitations: number;
  responses: number;
}

export interface InvitationRecord {
  id: string;
  surveyId: string;
  customerId: string | null;
  expiresAt: Date;
  respondedAt: Date | null;
}

/** What the results read of one question's answers in a window. */
export interface AnswerCounts {
  /** question id → score → count */
  scores: Map<string, Map<number, number>>;
  /** question id → choice → count */
  choices: Map<string, Map<string, number>>;
  /** question id → period start (ISO) → score → count */
  trend: Map<string, Map<string, Map<number, number>>>;
  /** question id → period start → answers (choice and text questions) */
  trendCounts: Map<string, Map<string, number>>;
  /** question id → newest text answers */
  texts: Map<string, Array<{ text: string; answeredAt: Date }>>;
  responses: number;
}

/** A customer's answered invitation, its scores only. */
export interface CustomerSurveyResponse {
  surveyId: string;
  surveyName: string;
  respondedAt: Date;
  scores: Array<{ questionId: string; type: 'nps' | 'csat' | 'rating'; value: number }>;
}

/** One invitation of a customer and their answers, as subject access exports it. */
export interface CustomerSurveyAnswers {
  invitationId: string;
  surveyId: string;
  surveyName: string;
  invitedAt: string;
  expiresAt: string;
  respondedAt: string | null;
  answers: Array<{ questionId: string; score: number | null; choices: string[] | null; text: string | null }>;
}

export interface ResultsWindow {
  from: Date | null;
  to: Date | null;
  interval: 'week' | 'month';
}

const OPEN_ANSWERS_MAX = 100;

/** The only SQL of surveys. */
@Injectable()
export class SurveysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(survey: Omit<SurveyRecord, 'invitations' | 'responses'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO interaction.surveys (id, name, description, questions, created_at, created_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [
        survey.id,
        survey.name,
        survey.description,
        JSON.stringify(survey.questions),
        survey.createdAt,
        survey.createdBy,
      ],
    );
  }

  /** The newest surveys with their counts. */
  async list(limit: number): Promise<SurveyRecord[]> {
    const rows: SurveyRow[] = await this.dataSource.query(
      `SELECT s.*,
              (SELECT count(*)::int FROM interaction.survey_invitations i WHERE i.survey_id = s.id) AS invitations,
              (SELECT count(*)::int FROM interaction.survey_invitations i
                WHERE i.survey_id = s.id AND i.responded_at IS NOT NULL) AS responses
         FROM interaction.surveys s ORDER BY s.created_at DESC, s.id LIMIT $1`,
      [limit],
    );
    return rows.map(toSurvey);
  }

  async find(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<SurveyRecord | undefined> {
    const rows: SurveyRow[] = await manager.query(
      `SELECT s.*,
              (SELECT count(*)::int FROM interaction.survey_invitations i WHERE i.survey_id = s.id) AS invitations,
              (SELECT count(*)::int FROM interaction.survey_invitations i WHERE i.survey_id = s.id AND i.responded_at IS NOT NULL) AS responses
         FROM interaction.surveys s WHERE s.id = $1${lock ? ' FOR UPDATE OF s' : ''}`,
      [id],
    );
    return rows[0] && toSurvey(rows[0]);
  }

  /** Of these ids, the customers interaction knows, and those of them invited to the survey already. */
  async inviteable(
    manager: EntityManager,
    surveyId: string,
    customerIds: readonly string[],
  ): Promise<{ known: Set<string>; invited: Set<string> }> {
    const rows: Array<{ customer_id: string; invited: boolean }> = await manager.query(
      `SELECT c.customer_id,
              EXISTS (SELECT 1 FROM interaction.survey_invitations i
                       WHERE i.survey_id = $1 AND i.customer_id = c.customer_id) AS invited
         FROM interaction.customer_refs c WHERE c.customer_id = ANY($2::uuid[])`,
      [surveyId, customerIds],
    );
    return {
      known: new Set(rows.map((r) => r.customer_id)),
      invited: new Set(rows.filter((r) => r.invited).map((r) => r.customer_id)),
    };
  }

  async insertInvitations(
    manager: EntityManager,
    invitations: ReadonlyArray<{ id: string; surveyId: string; customerId: string; expiresAt: Date }>,
    actor: string,
  ): Promise<void> {
    if (invitations.length === 0) return;
    await manager.query(
      `INSERT INTO interaction.survey_invitations (id, survey_id, customer_id, expires_at, created_by)
       SELECT x.id, x.survey_id, x.customer_id, x.expires_at, $5
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[]) AS x (id, survey_id, customer_id, expires_at)`,
      [
        invitations.map((i) => i.id),
        invitations.map((i) => i.surveyId),
        invitations.map((i) => i.customerId),
        invitations.map((i) => i.expiresAt),
        actor,
      ],
    );
  }

  async invitation(
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<InvitationRecord | undefined> {
    const rows: InvitationRow[] = await manager.query(
      `SELECT id, survey_id, customer_id, expires_at, responded_at FROM interaction.survey_invitations
        WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] && toInvitation(rows[0]);
  }

  async answer(
    manager: EntityManager,
    invitation: InvitationRecord,
    answers: readonly Answer[],
    at: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO interaction.survey_answers (invitation_id, survey_id, question_id, score, choices, text, answered_at)
       SELECT $1, $2, x.question_id, x.score, CASE WHEN x.choices IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(x.choices)) END, x.text, $3
         FROM jsonb_to_recordset($4::jsonb) AS x (question_id text, score smallint, choices jsonb, text text)`,
      [
        invitation.id,
        invitation.surveyId,
        at,
        JSON.stringify(
          answers.map((a) => ({ question_id: a.questionId, score: a.score, choices: a.choices, text: a.text })),
        ),
      ],
    );
    await manager.query(`UPDATE interaction.survey_invitations SET responded_at = $2 WHERE id = $1`, [
      invitation.id,
      at,
    ]);
  }

  /** A customer's invitations with their answers (subject access). */
  async ofCustomer(customerId: string): Promise<CustomerSurveyAnswers[]> {
    const rows: Array<{
      id: string;
      survey_id: string;
      survey_name: string;
      created_at: Date;
      expires_at: Date;
      responded_at: Date | null;
      answers: Array<{ questionId: string; score: number | null; choices: string[] | null; text: string | null }>;
    }> = await this.dataSource.query(
      `SELECT i.id, i.survey_id, s.name AS survey_name, i.created_at, i.expires_at, i.responded_at,
              coalesce((SELECT jsonb_agg(jsonb_build_object('questionId', a.question_id, 'score', a.score,
                                 'choices', a.choices, 'text', a.text) ORDER BY a.question_id)
                          FROM interaction.survey_answers a WHERE a.invitation_id = i.id), '[]'::jsonb) AS answers
         FROM interaction.survey_invitations i JOIN interaction.surveys s ON s.id = i.survey_id
        WHERE i.customer_id = $1 ORDER BY i.created_at, i.id`,
      [customerId],
    );
    return rows.map((r) => ({
      invitationId: r.id,
      surveyId: r.survey_id,
      surveyName: r.survey_name,
      invitedAt: r.created_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
      respondedAt: r.responded_at?.toISOString() ?? null,
      answers: r.answers,
    }));
  }

  /** A customer's latest answered invitations with their scores (the 360 view). */
  async latestResponsesOf(customerId: string, limit: number): Promise<CustomerSurveyResponse[]> {
    const rows: Array<{
      survey_id: string;
      survey_name: string;
      questions: SurveyQuestion[];
      responded_at: Date;
      scores: Array<{ questionId: string; value: number }>;
    }> = await this.dataSource.query(
      `SELECT i.survey_id, s.name AS survey_name, s.questions, i.responded_at,
              coalesce((SELECT jsonb_agg(jsonb_build_object('questionId', a.question_id, 'value', a.score) ORDER BY a.question_id)
                          FROM interaction.survey_answers a WHERE a.invitation_id = i.id AND a.score IS NOT NULL), '[]'::jsonb) AS scores
         FROM interaction.survey_invitations i JOIN interaction.surveys s ON s.id = i.survey_id
        WHERE i.customer_id = $1 AND i.responded_at IS NOT NULL
        ORDER BY i.responded_at DESC, i.id LIMIT $2`,
      [customerId, limit],
    );
    return rows.map((r) => {
      const typeOf = new Map(r.questions.map((q) => [q.id, q.type]));
      return {
        surveyId: r.survey_id,
        surveyName: r.survey_name,
        respondedAt: r.responded_at,
        scores: r.scores.map((sc) => ({
          questionId: sc.questionId,
          type: typeOf.get(sc.questionId) as 'nps' | 'csat' | 'rating',
          value: sc.value,
        })),
      };
    });
  }

  /** A merge: the merged customer's invitations (answered or not) belong to the survivor. */
  async rekey(manager: EntityManager, mergedId: string, survivorId: string): Promise<void> {
    await manager.query(`UPDATE interaction.survey_invitations SET customer_id = $2 WHERE customer_id = $1`, [
      mergedId,
      survivorId,
    ]);
  }

  /**
   * An erasure: the invitations lose the customer (their links stop working) and the answers their
   * text; the scores stay as anonymous counts in the results. Answers how many of each.
   */
  async erase(manager: EntityManager, customerId: string): Promise<{ invitations: number; texts: number }> {
    const [texts]: [unknown[], number] = await manager.query(
      `UPDATE interaction.survey_answers a SET text = NULL
         FROM interaction.survey_invitations i
        WHERE i.id = a.invitation_id AND i.customer_id = $1 AND a.text IS NOT NULL RETURNING 1`,
      [customerId],
    );
    const [invitations]: [unknown[], number] = await manager.query(
      `UPDATE interaction.survey_invitations SET customer_id = NULL, erased_at = now() WHERE customer_id = $1 RETURNING 1`,
      [customerId],
    );
    return { invitations: invitations.length, texts: texts.length };
  }

  /** A survey's answers in the window, counted: by score and choice, by period, and the newest texts. */
  async counts(surveyId: string, window: ResultsWindow, textQuestionIds: readonly string[]): Promise<AnswerCounts> {
    const params: unknown[] = [surveyId, window.from, window.to];
    const within = `a.survey_id = $1 AND ($2::timestamptz IS NULL OR a.answered_at >= $2) AND ($3::timestamptz IS NULL OR a.answered_at < $3)`;
    // the start of the answer's UTC week or month, as an instant
    const period = `(date_trunc('${window.interval === 'week' ? 'week' : 'month'}', a.answered_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
    const [scoreRows, choiceRows, periodRows, textRows, [responses]] = await Promise.all([
      this.dataSource.query(
        `SELECT a.question_id, a.score, ${period} AS period, count(*)::int AS n FROM interaction.survey_answers a
          WHERE ${within} AND a.score IS NOT NULL GROUP BY 1, 2, 3`,
        params,
      ) as Promise<Array<{ question_id: string; score: number; period: Date; n: number }>>,
      this.dataSource.query(
        `SELECT a.question_id, c.choice, count(*)::int AS n FROM interaction.survey_answers a, unnest(a.choices) AS c (choice)
          WHERE ${within} GROUP BY 1, 2`,
        params,
      ) as Promise<Array<{ question_id: string; choice: string; n: number }>>,
      this.dataSource.query(
        `SELECT a.question_id, ${period} AS period, count(*)::int AS n FROM interaction.survey_answers a
          WHERE ${within} AND a.score IS NULL GROUP BY 1, 2`,
        params,
      ) as Promise<Array<{ question_id: string; period: Date; n: number }>>,
      // each text question's newest answers, read backwards on (survey_id, question_id, answered_at)
      this.dataSource.query(
        `SELECT q.question_id, a.text, a.answered_at
           FROM unnest($4::text[]) AS q (question_id)
           CROSS JOIN LATERAL (
             SELECT a.text, a.answered_at FROM interaction.survey_answers a
              WHERE ${within} AND a.question_id = q.question_id AND a.text IS NOT NULL
              ORDER BY a.answered_at DESC, a.invitation_id DESC LIMIT ${OPEN_ANSWERS_MAX}) a
          ORDER BY a.answered_at DESC`,
        [...params, textQuestionIds],
      ) as Promise<Array<{ question_id: string; text: string; answered_at: Date }>>,
      // a response's answers all carry its responded_at: count the invitations, not the answers
      this.dataSource.query(
        `SELECT count(*)::int AS n FROM interaction.survey_invitations i
          WHERE i.survey_id = $1 AND i.responded_at IS NOT NULL
            AND ($2::timestamptz IS NULL OR i.responded_at >= $2) AND ($3::timestamptz IS NULL OR i.responded_at < $3)`,
        params,
      ) as Promise<Array<{ n: number }>>,
    ]);
    const counts: AnswerCounts = {
      scores: new Map(),
      choices: new Map(),
      trend: new Map(),
      trendCounts: new Map(),
      texts: new Map(),
      responses: responses?.n ?? 0,
    };
    const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n);
    const inner = <K, V>(map: Map<string, Map<K, V>>, key: string) => {
      let found = map.get(key);
      if (!found) map.set(key, (found = new Map()));
      return found;
    };
    for (const row of scoreRows) {
      add(inner(counts.scores, row.question_id), row.score, row.n);
      const periodKey = row.period.toISOString();
      add(inner(inner(counts.trend, row.question_id) as Map<string, Map<number, number>>, periodKey), row.score, row.n);
    }
    for (const row of choiceRows) add(inner(counts.choices, row.question_id), row.choice, row.n);
    for (const row of periodRows) add(inner(counts.trendCounts, row.question_id), row.period.toISOString(), row.n);
    for (const row of textRows) {
      const list = counts.texts.get(row.question_id) ?? [];
      list.push({ text: row.text, answeredAt: row.answered_at });
      counts.texts.set(row.question_id, list);
    }
    return counts;
  }
}

interface SurveyRow {
  id: string;
  name: string;
  description: string | null;
  questions: SurveyQuestion[];
  created_at: Date;
  created_by: string;
  invitations: number;
  responses: number;
}

interface InvitationRow {
  id: string;
  survey_id: string;
  customer_id: string | null;
  expires_at: Date;
  responded_at: Date | null;
}

function toSurvey(row: SurveyRow): SurveyRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    questions: row.questions,
    createdAt: row.created_at,
    createdBy: row.created_by,
    invitations: row.invitations,
    responses: row.responses,
  };
}

function toInvitation(row: InvitationRow): InvitationRecord {
  return {
    id: row.id,
    surveyId: row.survey_id,
    customerId: row.customer_id,
    expiresAt: row.expires_at,
    respondedAt: row.responded_at,
  };
}
