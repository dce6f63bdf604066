import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CreateForecastRequest, type ForecastView } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { ForecastsService } from './forecasts.service';

/**
 * Internal API, reached through the gateway only. Creating a forecast reads aggregates and changes no
 * customer data or model, so it needs analytics:read like the dashboards (analytics:write is for what
 * replaces a model: CLV fits, recommendation builds).
 */
@CallerScopes('analytics:read')
@Controller('internal/v1/forecasts')
export class ForecastsController {
  constructor(private readonly forecasts: ForecastsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: CreateForecastRequest): Promise<ForecastView> {
    return this.forecasts.create(body);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ForecastView> {
    return this.forecasts.view(id);
  }
}
