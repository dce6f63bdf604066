import { versionFromIfMatch } from '@rapport/platform-http';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import {
  AddCalendarOverridesRequest,
  CalendarBusinessMinutesQuery,
  CalendarDeadlineQuery,
  CreateBusinessCalendarRequest,
  ReplaceBusinessCalendarRequest,
  type BusinessCalendarList,
  type BusinessCalendarView,
  type CalendarBusinessMinutesView,
  type CalendarDeadlineView,
  type CalendarVersionList,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import type { Response } from 'express';
import { toCalendarView, toSummaryView, toVersionView } from './calendar.view';
import { CalendarsService, type CalendarWithOverrides } from './calendars.service';

/**
 * Internal API, reached through the gateway only: business calendars and the arithmetic on them.
 * Reading and asking deadlines is for whoever reads tickets; changes are for admins (defence in depth:
 * the gateway has the same rule), each a new version with its entry in the history.
 */
@Controller('internal/v1/business-calendars')
export class CalendarsController {
  constructor(private readonly calendars: CalendarsService) {}

  @Get()
  @CallerScopes('tickets:read')
  async list(): Promise<BusinessCalendarList> {
    return { items: (await this.calendars.list()).map(toSummaryView) };
  }

  @Post()
  @HttpCode(201)
  @CallerScopes('admin')
  async create(
    @Body() body: CreateBusinessCalendarRequest,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BusinessCalendarView> {
    const view = withEtag(response, await this.calendars.create(body, caller));
    response.setHeader('Location', `/internal/v1/business-calendars/${view.id}`);
    return view;
  }

  @Get(':id')
  @CallerScopes('tickets:read')
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BusinessCalendarView> {
    return withEtag(response, await this.calendars.get(id));
  }

  @Put(':id')
  @CallerScopes('admin')
  async replace(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReplaceBusinessCalendarRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BusinessCalendarView> {
    const expected = versionFromIfMatch(ifMatch, body.version);
    return withEtag(response, await this.calendars.replace(id, body, expected, caller));
  }

  @Post(':id/overrides')
  @HttpCode(200)
  @CallerScopes('admin')
  async addOverrides(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: AddCalendarOverridesRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Caller() caller: CallerIdentity,
    @Res({ passthrough: true }) response: Response,
  ): Promise<BusinessCalendarView> {
    const expected = versionFromIfMatch(ifMatch, body.version);
    return withEtag(response, await this.calendars.addOverrides(id, body, expected, caller));
  }

  @Get(':id/versions')
  @CallerScopes('tickets:read')
  async versions(@Param('id', new ParseUUIDPipe()) id: string): Promise<CalendarVersionList> {
    return { calendarId: id, items: (await this.calendars.versions(id)).map(toVersionView) };
  }

  @Get(':id/deadline')
  @CallerScopes('tickets:read')
  deadline(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CalendarDeadlineQuery,
  ): Promise<CalendarDeadlineView> {
    return this.calendars.deadline(id, query.from, query.minutes);
  }

  @Get(':id/business-minutes')
  @CallerScopes('tickets:read')
  businessMinutes(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CalendarBusinessMinutesQuery,
  ): Promise<CalendarBusinessMinutesView> {
    return this.calendars.businessMinutes(id, query.from, query.to);
  }
}

function withEtag(response: Response, state: CalendarWithOverrides): BusinessCalendarView {
  response.setHeader('ETag', `"${state.calendar.version}"`);
  return toCalendarView(state);
}
