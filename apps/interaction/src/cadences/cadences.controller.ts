import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  CreateCadenceRequest,
  EnrolInCadenceRequest,
  type CadenceEnrolmentView,
  type CadenceList,
  type CadenceView,
} from '@rapport/contracts';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { toCadenceView, toEnrolmentView } from './cadence.view';
import { CadencesService } from './cadences.service';

/** Internal API, reached through the gateway only. */
@Controller('internal/v1/cadences')
export class CadencesController {
  constructor(private readonly cadences: CadencesService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('interactions:write')
  async create(@Body() body: CreateCadenceRequest, @Caller() caller: CallerIdentity): Promise<CadenceView> {
    return toCadenceView(await this.cadences.create(body, caller));
  }

  @Get()
  @CallerScopes('interactions:read')
  async list(): Promise<CadenceList> {
    return { items: (await this.cadences.list()).map(toCadenceView) };
  }

  @Get(':id')
  @CallerScopes('interactions:read')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CadenceView> {
    return toCadenceView(await this.cadences.get(id));
  }

  @Post(':id/enrolments')
  @HttpCode(201)
  @CallerScopes('interactions:write')
  async enrol(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: EnrolInCadenceRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<CadenceEnrolmentView> {
    return toEnrolmentView(await this.cadences.enrol(id, body, caller), caller, new Date());
  }

  @Get(':id/enrolments')
  @CallerScopes('interactions:read')
  async enrolments(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('customerId', new ParseUUIDPipe({ optional: true })) customerId: string | undefined,
    @Caller() caller: CallerIdentity,
  ): Promise<{ items: CadenceEnrolmentView[] }> {
    const now = new Date();
    return {
      items: (await this.cadences.enrolments(id, customerId, caller)).map((s) => toEnrolmentView(s, caller, now)),
    };
  }
}
