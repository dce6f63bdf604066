import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { CsatRequest, CsatTokenQuery } from '@rapport/contracts';
import { PublicRoute } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import { relay } from '../upstream/relay-response';
import { UpstreamClient } from '../upstream/upstream.client';

/**
 * The customer's rating of a resolved ticket, through the signed link an agent sent them (csatLink on
 * the ticket). Public: the customer has no account, and the link's token is the authority (service-desk
 * checks it: forged or expired 403, a second rating of the same resolution 409). Left out of the OpenAPI
 * document, whose operations are all authorized API calls (like the erasure JWKS).
 */
@Controller('api/v1/tickets')
export class TicketCsatController {
  constructor(private readonly upstream: UpstreamClient) {}

  @Post(':id/csat')
  @HttpCode(201)
  @PublicRoute()
  @ApiExcludeEndpoint()
  async submit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: CsatTokenQuery,
    @Body() body: CsatRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const result = await this.upstream.call(
      'service-desk',
      'POST',
      `/internal/v1/tickets/${id}/csat?token=${encodeURIComponent(query.token)}`,
      {
        // no caller: the service's route is public too; this identity only names who forwarded it
        identity: { sub: 'csat-link', roles: [], scopes: [] },
        requestId: request.requestId,
        body,
      },
    );
    relay(response, result);
  }
}
