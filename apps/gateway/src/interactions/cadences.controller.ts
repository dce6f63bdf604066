import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CadenceEnrolmentList,
  CadenceEnrolmentsQuery,
  CadenceEnrolmentView,
  CadenceList,
  CadenceView,
  CreateCadenceRequest,
  EnrolInCadenceRequest,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';

const UPSTREAM = 'interaction';

/**
 * Cadences (interaction): named sequences of follow-up steps, started for a customer by hand. An
 * enrolment ends early when the customer replies, buys or withdraws marketing consent (as the cadence says).
 */
@ApiTags('cadences')
@Controller('api/v1/cadences')
export class CadencesController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get()
  @RequireScopes('interactions:read')
  @ApiOperation({ summary: 'The cadences, by name' })
  @ApiOkResponse({ type: CadenceList })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, { upstream: UPSTREAM, method: 'GET', path: '/internal/v1/cadences' });
  }

  @Post()
  @HttpCode(201)
  @RequireScopes('interactions:write')
  @ApiOperation({
    summary:
      'Define a cadence: a unique name (409 when taken), steps (day offset in business days, channel, note) and what stops an enrolment early (replied, purchased, consent-withdrawn; default all)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: CadenceView })
  @ApiProblems(400, 401, 403, 409, 422, 429, 502, 504)
  async create(@Body() body: CreateCadenceRequest, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/cadences',
      body,
    });
  }

  @Post(':id/enrolments')
  @HttpCode(201)
  @RequireScopes('interactions:write')
  @ApiOperation({
    summary:
      "Start the cadence for a customer interaction knows (422 otherwise): one follow-up per step, due the step's business days later, for the assignee (default the caller; follow-up.created each); 409 when the customer runs it already",
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: CadenceEnrolmentView })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async enrol(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: EnrolInCadenceRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/cadences/${id}/enrolments`,
      body,
      audit: {
        action: 'cadence.enrol',
        resourceType: 'customer',
        change: true,
        resourceId: (r) => (r.body as { customerId?: string } | undefined)?.customerId,
      },
    });
  }

  @Get(':id')
  @RequireScopes('interactions:read')
  @ApiOperation({ summary: 'A cadence: its steps and stop conditions' })
  @ApiOkResponse({ type: CadenceView })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/cadences/${id}`,
    });
  }

  @Get(':id/enrolments')
  @RequireScopes('interactions:read')
  @ApiOperation({
    summary:
      "The cadence's enrolments (of one customer, if given): active, completed (every step done) or stopped (and why), each with its follow-ups",
  })
  @ApiOkResponse({ type: CadenceEnrolmentList, description: 'Notes are masked without the pii:read scope' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async enrolments(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CadenceEnrolmentsQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/cadences/${id}/enrolments${queryString(query)}`,
    });
  }
}
