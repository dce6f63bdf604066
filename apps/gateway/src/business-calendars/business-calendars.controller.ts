import { versionFromIfMatch } from '@rapport/platform-http';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddCalendarOverridesRequest,
  BusinessCalendarList,
  BusinessCalendarView,
  CalendarBusinessMinutesQuery,
  CalendarBusinessMinutesView,
  CalendarDeadlineQuery,
  CalendarDeadlineView,
  CalendarVersionList,
  CreateBusinessCalendarRequest,
  ReplaceBusinessCalendarRequest,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { answerId, ApiProxy, type AuditPolicy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';
import type { UpstreamResponse } from '../upstream/upstream.client';

const UPSTREAM = 'service-desk';

/** The calendar a create answered with. */

/** Every change of a calendar is audited (the service keeps what changed in its version history). */
const calendarChange = (
  action: string,
  resourceId: (response: UpstreamResponse) => string | undefined,
): AuditPolicy => ({
  action,
  resourceType: 'business-calendar',
  change: true,
  personalData: false,
  resourceId,
});

const IF_MATCH_DOC = {
  name: 'If-Match',
  required: false,
  description:
    'The ETag read ("3"): the replacement applies only to that version (412 when stale); unconditional without it',
};

/**
 * Business calendars (service-desk): the working time SLA deadlines count in. Reading them and asking the
 * arithmetic is for whoever reads tickets; changes are for admins, audited and versioned.
 */
@ApiTags('business-calendars')
@Controller('api/v1/business-calendars')
export class BusinessCalendarsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Get()
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'Every business calendar, by name, without its overrides (their count and date span)' })
  @ApiOkResponse({ type: BusinessCalendarList })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: '/internal/v1/business-calendars',
    });
  }

  @Post()
  @HttpCode(201)
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      'Create a business calendar (admins): time zone, weekly windows (several per day), dated overrides (holiday, workday, closure)',
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: BusinessCalendarView, description: 'The calendar at version 1; its ETag is its version' })
  @ApiProblems(400, 401, 403, 409, 422, 429, 502, 504)
  async create(
    @Body() body: CreateBusinessCalendarRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: '/internal/v1/business-calendars',
      body,
      audit: calendarChange('business-calendar.create', answerId),
    });
  }

  @Get(':id')
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'A business calendar with all its overrides, by date' })
  @ApiOkResponse({ type: BusinessCalendarView, description: 'Its ETag is its version: send it as If-Match on PUT' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/business-calendars/${id}`,
    });
  }

  @Put(':id')
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      'Replace a business calendar (admins): name, time zone, weekly windows and every override (those left out are removed); a new version',
  })
  @ApiHeader(IF_MATCH_DOC)
  @ApiOkResponse({ type: BusinessCalendarView, description: 'The calendar after the change' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 422, 429, 502, 504)
  async replace(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReplaceBusinessCalendarRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const version = versionFromIfMatch(request.header('if-match'), body.version);
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'PUT',
      path: `/internal/v1/business-calendars/${id}`,
      body: { ...body, ...(version !== undefined ? { version } : {}) },
      audit: calendarChange('business-calendar.replace', () => id),
    });
  }

  @Post(':id/overrides')
  @HttpCode(200)
  @RequireScopes('admin')
  @ApiOperation({
    summary:
      "Add a batch of dated overrides (admins), such as a new year's official arrangement; one for a date already overridden replaces it; a new version",
  })
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Optional: the ETag read ("3"); when given (or version in the body), a stale one gets 412',
  })
  @ApiOkResponse({ type: BusinessCalendarView, description: 'The calendar after the change' })
  @ApiProblems(400, 401, 403, 404, 412, 422, 429, 502, 504)
  async addOverrides(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AddCalendarOverridesRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const version = versionFromIfMatch(request.header('if-match'), body.version);
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'POST',
      path: `/internal/v1/business-calendars/${id}/overrides`,
      body: { ...body, ...(version !== undefined ? { version } : {}) },
      audit: calendarChange('business-calendar.overrides.add', () => id),
    });
  }

  @Get(':id/versions')
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'The change history of a business calendar: every version, who, when and what changed' })
  @ApiOkResponse({ type: CalendarVersionList })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async versions(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/business-calendars/${id}/versions`,
    });
  }

  @Get(':id/deadline')
  @RequireScopes('tickets:read')
  @ApiOperation({
    summary:
      'When `minutes` of working time have elapsed since `from` on this calendar (a deadline ending with a window is that window’s end); 422 when the calendar has too little working time in the 10 years after `from`',
  })
  @ApiOkResponse({ type: CalendarDeadlineView })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async deadline(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CalendarDeadlineQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/business-calendars/${id}/deadline${queryString(query)}`,
    });
  }

  @Get(':id/business-minutes')
  @RequireScopes('tickets:read')
  @ApiOperation({ summary: 'The working time between `from` and `to` on this calendar, exact to the second' })
  @ApiOkResponse({ type: CalendarBusinessMinutesView })
  @ApiProblems(400, 401, 403, 404, 422, 429, 502, 504)
  async businessMinutes(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CalendarBusinessMinutesQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: UPSTREAM,
      method: 'GET',
      path: `/internal/v1/business-calendars/${id}/business-minutes${queryString(query)}`,
    });
  }
}
