import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CustomFieldDefinitionList, CustomFieldDefinitionRequest, CustomFieldDefinitionView } from '@rapport/contracts';
import type { Request, Response } from 'express';
import { RequireScopes } from '../auth/require-scopes.decorator';
import { ApiProblems } from '../openapi-problems';
import { ApiProxy } from '../upstream/api-proxy';

@ApiTags('customers')
@Controller('api/v1/custom-fields')
export class CustomFieldsController {
  constructor(private readonly proxy: ApiProxy) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('admin')
  @ApiCreatedResponse({ type: CustomFieldDefinitionView, description: 'Customers may now carry the field' })
  @ApiProblems(400, 401, 403, 409, 422, 429, 502, 504)
  async define(
    @Body() body: CustomFieldDefinitionRequest,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'POST',
      path: '/internal/v1/custom-fields',
      body,
      audit: { action: 'custom-field.define', resourceType: 'custom-field', change: true, resourceId: () => body.key },
    });
  }

  @Get()
  @RequireScopes('customers:read')
  @ApiOkResponse({ type: CustomFieldDefinitionList })
  @ApiProblems(401, 403, 429, 502, 504)
  async list(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.proxy.forward(request, response, {
      upstream: 'customer-profile',
      method: 'GET',
      path: '/internal/v1/custom-fields',
    });
  }
}
