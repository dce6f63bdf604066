import { Controller, Get, Header, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PublicRoute } from '@rapport/platform-runtime';
import type { Request, Response } from 'express';
import type { JSONWebKeySet } from 'jose';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';
import { relay } from '../upstream/relay-response';
import { ErasureReceiptView, ErasureView } from './erasure.dto';
import { ErasureAnswer, ErasureReceiptService } from './erasures.service';

/**
 * Erasure requests (DELETE /api/v1/customers/{id} opens one) and their signed receipts. Whoever may
 * erase (customers:write) follows the requests they made; admins and department clients any.
 */
@ApiTags('erasures')
@Controller('api/v1/erasures')
export class ErasuresController {
  constructor(
    private readonly proxy: ApiProxy,
    private readonly receipts: ErasureReceiptService,
  ) {}

  /**
   * The public keys that verify receipts. Public by nature (like an IdP's JWKS), so it needs no token;
   * left out of the OpenAPI document, whose operations are all authorized API calls. Declared before
   * `:id` so that the path is not read as an id.
   */
  @Get('jwks.json')
  @PublicRoute()
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): JSONWebKeySet {
    return this.receipts.jwks();
  }

  @Get(':id')
  @RequireScopes('customers:write')
  @ApiOkResponse({
    type: ErasureView,
    description:
      "The request and each participating service's state: pending, or acknowledged with what it removed and kept",
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/erasures/${id}`,
    });
  }

  @Get(':id/receipt')
  @RequireScopes('customers:write')
  @ApiOkResponse({
    type: ErasureReceiptView,
    description:
      "The receipt of a complete erasure, signed with the platform's key (a compact JWS; public keys at GET /api/v1/erasures/jwks.json). " +
      '409 (`code` `erasure-incomplete`, `pending` naming the services not yet acknowledged, Retry-After) while the request is open',
  })
  @ApiProblems(400, 401, 403, 404, 409, 429, 502, 504)
  async receipt(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const result = await this.receipts.receipt(id, request.identity!, request.requestId);
    if (result instanceof ErasureAnswer) {
      relay(response, result.answer);
      return;
    }
    response.status(200).json(result);
  }
}
