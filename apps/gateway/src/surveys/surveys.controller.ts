import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateSurveyRequest,
  SurveyInvitationsRequest,
  SurveyInvitationsView,
  SurveyList,
  SurveyResultsQuery,
  SurveyResultsView,
  SurveyView,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';
import type { UpstreamResponse } from '../upstream/upstream.client';

const UPSTREAM = 'interaction';

const surveyId = (response: UpstreamResponse): string | undefined => {
  const id = (response.body as { id?: unknown; surveyId?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
};
/** The customers an invitation call invited. */
const invitedCustomers = (response: UpstreamResponse): unknown[] => {
  const invited = (response.body as { invited?: unknown } | undefined)?.invited;
  return Array.isArray(invited) ? invited.map((i) => (i as { customerId?: unknown } | null)?.customerId) : [];
};

/**
 * Surveys (interaction): NPS, CSAT, ratings, choices and open text; an invitation per customer with a
 * signed public link (sent by the department); results with NPS and its interval, CSAT and the trend.
 */
@ApiTags('surveys')
@Controller('api/v1/surveys')
export class SurveysController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('surveys:write')
  @ApiOperation({
    summary: 'Create a survey: its questions (nps 0–10, csat 1–5, rating 1–max, single, multiple, text)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: SurveyView })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async create(@Body() body: CreateSurveyRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/surveys',
      body,
      audit: {
        action: 'survey.create',
        resourceType: 'survey',
        change: true,
        personalData: false,
        resourceId: surveyId,
      },
    });
  }

  @Get()
  @RequireScopes('surveys:read')
  @ApiOperation({ summary: 'The surveys, newest first (at most 200), with how many were invited and answered' })
  @ApiOkResponse({ type: SurveyList })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: UPSTREAM, method: 'GET', path: '/internal/v1/surveys' });
  }

  @Get(':id')
  @RequireScopes('surveys:read')
  @ApiOperation({ summary: 'A survey: its questions, how many were invited and how many answered' })
  @ApiOkResponse({ type: SurveyView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/surveys/${id}`,
    });
  }

  @Post(':id/invitations')
  @HttpCode(201)
  @RequireScopes('surveys:write')
  @ApiOperation({
    summary:
      'Invite customers: one invitation per customer and survey, each with a signed link to send them (whoever holds it answers once); customers invited before and ids interaction does not know are listed apart',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: SurveyInvitationsView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async invite(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SurveyInvitationsRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/surveys/${id}/invitations`,
      body,
      audit: {
        action: 'survey.invite',
        resourceType: 'survey',
        change: true,
        personalData: false,
        resourceId: () => id,
        subjects: invitedCustomers,
      },
    });
  }

  @Get(':id/results')
  @RequireScopes('surveys:read')
  @ApiOperation({
    summary:
      'Results in a window: per question the answers, every score’s count, the mean, NPS (% 9–10 − % 0–6, with n and its 95 % interval), CSAT (% 4–5), open answers (masked without pii:read) and the weekly or monthly trend',
  })
  @ApiOkResponse({ type: SurveyResultsView })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async results(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: SurveyResultsQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/surveys/${id}/results${queryString(query)}`,
      // open answers are the customers' words: an unmasked read is audited
      audit: {
        action: 'survey.results',
        resourceType: 'survey',
        change: false,
        personalData: true,
        resourceId: () => id,
      },
    });
  }
}
