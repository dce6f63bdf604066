import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  ExchangeRateList,
  ExchangeRateView,
  ListPurchasesQuery,
  PurchasePage,
  PurchaseTotalsView,
  PurchaseView,
  PutExchangeRateRequest,
  RecordPurchaseRequest,
  RecordRefundRequest,
  RefundView,
} from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { IDEMPOTENCY_HEADER_DOC } from '../idempotency/idempotency.docs';
import { ApiProblems } from '../openapi-problems';
import { checkedPathParam } from '../upstream/path-param';
import { ApiProxy } from '../upstream/api-proxy';
import { queryString } from '../upstream/query-string';

@ApiTags('purchases')
@Controller('api/v1')
export class PurchasesController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post('customers/:id/purchases')
  @HttpCode(201)
  @RequireScopes('purchases:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: PurchaseView, description: 'The purchase was recorded (purchase.recorded published)' })
  @ApiOkResponse({
    type: PurchaseView,
    description: 'The externalOrderId was already recorded for this customer: the same purchase, nothing new',
  })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RecordPurchaseRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: `/internal/v1/customers/${id}/purchases`,
      body,
      audit: { action: 'purchase.record', resourceType: 'customer', change: true, resourceId: () => id },
    });
  }

  @Get('customers/:id/purchases')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: PurchasePage, description: 'Newest first, keyset paged (pass nextCursor as cursor)' })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async list(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListPurchasesQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/customers/${id}/purchases${queryString(query)}`,
    });
  }

  @Post('customers/:id/purchases/:purchaseId/refunds')
  @HttpCode(201)
  @RequireScopes('purchases:write')
  @ApiHeader(IDEMPOTENCY_HEADER_DOC)
  @ApiCreatedResponse({ type: RefundView, description: 'The refund was recorded (purchase.refunded published)' })
  @ApiProblems(400, 401, 403, 404, 409, 422, 429, 502, 504)
  async refund(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('purchaseId', new ParseUUIDPipe()) purchaseId: string,
    @Body() body: RecordRefundRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: `/internal/v1/customers/${id}/purchases/${purchaseId}/refunds`,
      body,
      audit: { action: 'purchase.refund', resourceType: 'customer', change: true, resourceId: () => id },
    });
  }

  @Get('customers/:id/purchase-totals')
  @RequireScopes('customers:read')
  @ApiOkResponse({
    type: PurchaseTotalsView,
    description: 'Totals per currency and in the base currency (never summed across currencies)',
  })
  @ApiProblems(400, 401, 403, 404, 429, 502, 504)
  async totals(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: `/internal/v1/customers/${id}/purchase-totals`,
    });
  }

  @Get('exchange-rates')
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: ExchangeRateList, description: 'Rates to the base currency' })
  @ApiProblems(401, 403, 429, 502, 504)
  async rates(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: '/internal/v1/exchange-rates',
    });
  }

  @Put('exchange-rates/:currency')
  @RequireScopes('admin')
  @ApiOkResponse({ type: ExchangeRateView, description: 'The rate was set (units of the base currency per unit)' })
  @ApiProblems(400, 401, 403, 422, 429, 502, 504)
  async putRate(
    @Param('currency') currency: string,
    @Body() body: PutExchangeRateRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    checkedPathParam(currency, /^[A-Z]{3}$/, 'currency', 'must be an ISO 4217 code such as USD');
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'PUT',
      path: `/internal/v1/exchange-rates/${currency}`,
      body,
      audit: { action: 'exchange-rate.set', resourceType: 'exchange-rate', change: true, resourceId: () => currency },
    });
  }
}
