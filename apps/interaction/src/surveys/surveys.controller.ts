import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  CreateSurveyRequest,
  CustomerSurveyResponsesQuery,
  type CustomerSurveyResponsesView,
  SurveyInvitationsRequest,
  SurveyResponseRequest,
  SurveyResultsQuery,
  type PublicSurveyView,
  type SurveyInvitationsView,
  type SurveyList,
  type SurveyResponseReceipt,
  type SurveyResultsView,
  type SurveyView,
} from '@rapport/contracts';
import { Caller, CallerScopes, PublicRoute, type CallerIdentity } from '@rapport/platform-runtime';
import { SurveysService } from './surveys.service';

/** Internal API, reached through the gateway only. */
@Controller('internal/v1/surveys')
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Post()
  @HttpCode(201)
  @CallerScopes('surveys:write')
  create(@Body() body: CreateSurveyRequest, @Caller() caller: CallerIdentity): Promise<SurveyView> {
    return this.surveys.create(body, caller);
  }

  @Get()
  @CallerScopes('surveys:read')
  async list(): Promise<SurveyList> {
    return { items: await this.surveys.list() };
  }

  @Get(':id')
  @CallerScopes('surveys:read')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<SurveyView> {
    return this.surveys.view(id);
  }

  @Post(':id/invitations')
  @HttpCode(201)
  @CallerScopes('surveys:write')
  invite(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SurveyInvitationsRequest,
    @Caller() caller: CallerIdentity,
  ): Promise<SurveyInvitationsView> {
    return this.surveys.invite(id, body, caller);
  }

  @Get(':id/results')
  @CallerScopes('surveys:read')
  results(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: SurveyResultsQuery,
    @Caller() caller: CallerIdentity,
  ): Promise<SurveyResultsView> {
    return this.surveys.results(id, query, caller);
  }
}

/** Internal, for the gateway's 360 view: a customer's latest survey answers. */
@Controller('internal/v1/customers/:customerId/survey-responses')
export class CustomerSurveyResponsesController {
  constructor(private readonly surveys: SurveysService) {}

  @Get()
  @CallerScopes('surveys:read')
  list(
    @Param('customerId', new ParseUUIDPipe()) customerId: string,
    @Query() query: CustomerSurveyResponsesQuery,
  ): Promise<CustomerSurveyResponsesView> {
    return this.surveys.latestResponsesOf(customerId, query.limit ?? 5);
  }
}

/** The customer's side, public: the token of the invitation's link is the authority. */
@Controller('internal/v1/public/surveys')
export class PublicSurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Get(':token')
  @PublicRoute()
  view(@Param('token') token: string): Promise<PublicSurveyView> {
    return this.surveys.publicView(token);
  }

  @Post(':token/responses')
  @HttpCode(201)
  @PublicRoute()
  respond(@Param('token') token: string, @Body() body: SurveyResponseRequest): Promise<SurveyResponseReceipt> {
    return this.surveys.respond(token, body);
  }
}
