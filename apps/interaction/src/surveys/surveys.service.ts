import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  SurveyRespondedV1,
  type CreateSurveyRequest,
  type CustomerSurveyResponsesView,
  type PublicSurveyView,
  type QuestionResultView,
  type SurveyInvitationsRequest,
  type SurveyInvitationsView,
  type SurveyResponseReceipt,
  type SurveyResponseRequest,
  type SurveyResultsQuery,
  type SurveyResultsView,
  type SurveyView,
} from '@rapport/contracts';
import { maskText, signedTokenKey, SignedTokens } from '@rapport/platform-auth';
import { OutboxWriter } from '@rapport/platform-messaging';
import { SERVICE_CONFIG, type CallerIdentity, type ServiceConfig } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { checkAnswers, isScored, resolveQuestions, type SurveyQuestion } from './survey-rules';
import { csat, mean, nps, type ScoreCounts } from './survey-scores';
import { SURVEYS_CONFIG, type SurveysConfig } from './surveys.config';
import { SurveysErrorCode, SurveysException } from './surveys.exception';
import { SurveysRepository, type AnswerCounts, type SurveyRecord } from './surveys.repository';

const DAY_MS = 86_400_000;
const SURVEY_LIST_MAX = 200;

/**
 * Surveys: created by whoever writes surveys, answered by customers through a signed link per
 * invitation (the token is the authority: forged, expired or foreign 403; a second answer 409), counted
 * into NPS, CSAT and distributions. An answer and its survey.responded event are one transaction.
 */
@Injectable()
export class SurveysService {
  private readonly links: SignedTokens;

  constructor(
    private readonly dataSource: DataSource,
    private readonly surveys: SurveysRepository,
    private readonly outbox: OutboxWriter,
    @Inject(SURVEYS_CONFIG) private readonly config: SurveysConfig,
    @Inject(SERVICE_CONFIG) serviceConfig: ServiceConfig,
  ) {
    this.links = new SignedTokens(
      signedTokenKey(
        config.INTERACTION_SURVEY_LINK_SECRET,
        serviceConfig.INTERNAL_AUTH_SECRET,
        'interaction',
        'survey-link.v1',
      ),
    );
  }

  async create(request: CreateSurveyRequest, caller: CallerIdentity): Promise<SurveyView> {
    const { questions, issues } = resolveQuestions(request.questions);
    if (issues.length > 0)
      throw new SurveysException(SurveysErrorCode.InvalidSurvey, 'The survey’s questions do not fit together', issues);
    const id = randomUUID();
    await this.surveys.insert({
      id,
      name: request.name,
      description: request.description ?? null,
      questions,
      createdAt: new Date(),
      createdBy: caller.sub,
    });
    return toSurveyView(await this.get(id));
  }

  async list(): Promise<SurveyView[]> {
    return (await this.surveys.list(SURVEY_LIST_MAX)).map(toSurveyView);
  }

  async view(id: string): Promise<SurveyView> {
    return toSurveyView(await this.get(id));
  }

  /** The customer's latest answers, scores only (for the 360 view). */
  async latestResponsesOf(customerId: string, limit: number): Promise<CustomerSurveyResponsesView> {
    return {
      items: (await this.surveys.latestResponsesOf(customerId, limit)).map((r) => ({
        ...r,
        respondedAt: r.respondedAt.toISOString(),
      })),
    };
  }

  /** One invitation per customer and survey, under the survey's row lock (concurrent invitations wait). */
  async invite(id: string, request: SurveyInvitationsRequest, caller: CallerIdentity): Promise<SurveyInvitationsView> {
    const ids = [...new Set(request.customerIds)];
    const expiresAt = new Date(
      Date.now() + (request.validDays ?? this.config.INTERACTION_SURVEY_LINK_TTL_DAYS) * DAY_MS,
    );
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.surveys.find(id, manager, true))) throw surveyNotFound(id);
      const { known, invited } = await this.surveys.inviteable(manager, id, ids);
      const fresh = ids
        .filter((c) => known.has(c) && !invited.has(c))
        .map((customerId) => ({ id: randomUUID(), surveyId: id, customerId, expiresAt }));
      await this.surveys.insertInvitations(manager, fresh, caller.sub);
      return {
        invited: fresh.map((i) => ({
          invitationId: i.id,
          customerId: i.customerId,
          link: `/api/v1/public/surveys/${this.links.sign({ i: i.id }, expiresAt)}`,
          expiresAt: expiresAt.toISOString(),
        })),
        alreadyInvited: ids.filter((c) => invited.has(c)),
        unknown: ids.filter((c) => !known.has(c)),
      };
    });
  }

  /** What the customer sees behind the link: the questions, nothing about them. */
  async publicView(token: string): Promise<PublicSurveyView> {
    const invitationId = this.invitationOf(token);
    const invitation = await this.surveys.invitation(invitationId);
    if (!invitation || invitation.customerId === null) throw linkInvalid();
    const survey = await this.get(invitation.surveyId);
    return {
      name: survey.name,
      description: survey.description,
      questions: survey.questions,
      expiresAt: invitation.expiresAt.toISOString(),
      answered: invitation.respondedAt !== null,
    };
  }

  async respond(token: string, request: SurveyResponseRequest): Promise<SurveyResponseReceipt> {
    const invitationId = this.invitationOf(token);
    return this.dataSource.transaction(async (manager) => {
      const invitation = await this.surveys.invitation(invitationId, manager, true);
      if (!invitation || invitation.customerId === null) throw linkInvalid();
      if (invitation.respondedAt !== null)
        throw new SurveysException(SurveysErrorCode.AlreadyAnswered, 'This invitation was answered already');
      const survey = (await this.surveys.find(invitation.surveyId, manager))!;
      const { answers, issues } = checkAnswers(survey.questions, request.answers);
      if (issues.length > 0)
        throw new SurveysException(SurveysErrorCode.InvalidResponse, 'The answers do not fit the survey', issues);
      const at = new Date();
      await this.surveys.answer(manager, invitation, answers, at);
      const typeOf = new Map(survey.questions.map((q) => [q.id, q.type]));
      await this.outbox.addMany(manager, [
        {
          definition: SurveyRespondedV1,
          subject: invitation.customerId,
          data: {
            surveyId: survey.id,
            invitationId: invitation.id,
            customerId: invitation.customerId,
            ticketId: null,
            scores: answers
              .filter((a) => a.score !== null)
              .map((a) => ({
                questionId: a.questionId,
                type: typeOf.get(a.questionId) as 'nps' | 'csat' | 'rating',
                value: a.score!,
              })),
            respondedAt: at.toISOString(),
          },
        },
      ]);
      return { surveyId: survey.id, answers: answers.length, respondedAt: at.toISOString() };
    });
  }

  async results(id: string, query: SurveyResultsQuery, caller: CallerIdentity): Promise<SurveyResultsView> {
    const survey = await this.get(id);
    const from = query.from ? new Date(query.from) : null;
    const to = query.to ? new Date(query.to) : null;
    if (from && to && from.getTime() >= to.getTime())
      throw new SurveysException(SurveysErrorCode.WindowInvalid, 'from must be before to', [
        { field: 'from', message: 'from must be before to' },
      ]);
    const interval = query.interval ?? 'month';
    const counts = await this.surveys.counts(
      id,
      { from, to, interval },
      survey.questions.filter((q) => q.type === 'text').map((q) => q.id),
    );
    const text = caller.scopes.includes('pii:read') ? (t: string) => t : maskText;
    return {
      surveyId: id,
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      interval,
      responses: counts.responses,
      questions: survey.questions.map((q) => questionResult(q, counts, text)),
    };
  }

  private async get(id: string): Promise<SurveyRecord> {
    const survey = await this.surveys.find(id);
    if (!survey) throw surveyNotFound(id);
    return survey;
  }

  private invitationOf(token: string): string {
    const verified = this.links.verify(token, new Date());
    const invitationId = verified?.claims['i'];
    if (typeof invitationId !== 'string' || !/^[0-9a-f-]{36}$/.test(invitationId)) throw linkInvalid();
    return invitationId;
  }
}

function questionResult(
  question: SurveyQuestion,
  counts: AnswerCounts,
  text: (t: string) => string,
): QuestionResultView {
  const scores: ScoreCounts = counts.scores.get(question.id) ?? new Map();
  const choices = counts.choices.get(question.id) ?? new Map<string, number>();
  const texts = counts.texts.get(question.id) ?? [];
  const scored = isScored(question.type);
  const score = (c: ScoreCounts): number | null =>
    question.type === 'nps' ? (nps(c)?.score ?? null) : question.type === 'csat' ? (csat(c)?.percent ?? null) : mean(c);
  const trend = scored
    ? [...(counts.trend.get(question.id) ?? new Map<string, Map<number, number>>())].map(([periodStart, c]) => ({
        periodStart,
        n: [...c.values()].reduce((a, b) => a + b, 0),
        score: score(c),
      }))
    : [...(counts.trendCounts.get(question.id) ?? new Map<string, number>())].map(([periodStart, n]) => ({
        periodStart,
        n,
        score: null,
      }));
  const n = trend.reduce((sum, point) => sum + point.n, 0);
  return {
    questionId: question.id,
    type: question.type,
    text: question.text,
    n,
    distribution: scored
      ? range(question.min!, question.max!).map((v) => ({ value: String(v), count: scores.get(v) ?? 0 }))
      : (question.options ?? []).map((o) => ({ value: o, count: choices.get(o) ?? 0 })),
    average: scored ? mean(scores) : null,
    nps: question.type === 'nps' ? nps(scores) : null,
    csat: question.type === 'csat' ? csat(scores) : null,
    openAnswers: texts.map((t) => ({ text: text(t.text), answeredAt: t.answeredAt.toISOString() })),
    trend: trend.sort((a, b) => a.periodStart.localeCompare(b.periodStart)),
  };
}

function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

function toSurveyView(survey: SurveyRecord): SurveyView {
  return {
    id: survey.id,
    name: survey.name,
    description: survey.description,
    questions: survey.questions,
    invitations: survey.invitations,
    responses: survey.responses,
    createdAt: survey.createdAt.toISOString(),
    createdBy: survey.createdBy,
  };
}

function surveyNotFound(id: string): SurveysException {
  return new SurveysException(SurveysErrorCode.SurveyNotFound, `Survey ${id} was not found`);
}

/** One answer for every token that does not grant an answer: nothing tells a forger what was wrong. */
function linkInvalid(): SurveysException {
  return new SurveysException(
    SurveysErrorCode.LinkInvalid,
    'This survey link is not valid (forged, expired, or its customer was erased)',
  );
}
