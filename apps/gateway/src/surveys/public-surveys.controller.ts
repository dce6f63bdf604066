import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { SurveyResponseRequest } from '@rapport/contracts';
import { PublicRoute } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import { relay } from '../upstream/relay-response';
import { UpstreamClient } from '../upstream/upstream.client';

/**
 * The customer's side of a survey, through the signed link of their invitation. Public: the customer has
 * no account, and the token is the authority (interaction checks it: forged or expired 403, a second
 * answer 409). Left out of the OpenAPI document, whose operations are all authorized API calls (as the
 * CSAT link is).
 */
@Controller('api/v1/public/surveys')
export class PublicSurveysController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Get(':token')
  @PublicRoute()
  @ApiExcludeEndpoint()
  async view(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    relay(response, await this.call('GET', `/internal/v1/public/surveys/${encodeURIComponent(token)}`, request));
  }

  @Post(':token/responses')
  @HttpCode(201)
  @PublicRoute()
  @ApiExcludeEndpoint()
  async respond(
    @Param('token') token: string,
    @Body() body: SurveyResponseRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    relay(
      response,
      await this.call('POST', `/internal/v1/public/surveys/${encodeURIComponent(token)}/responses`, request, body),
    );
  }

  private call(method: 'GET' | 'POST', path: string, request: Request, body?: unknown) {
    return this.upstream.call('interaction', method, path, {
      // no caller: the service's route is public too; this identity only names who forwarded it
      identity: { sub: 'survey-link', roles: [], scopes: [] },
      requestId: request.requestId,
      ...(body === undefined ? {} : { body }),
    });
  }
}
