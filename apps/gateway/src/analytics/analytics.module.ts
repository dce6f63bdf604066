import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { ForecastsController } from './forecasts.controller';

@Module({ controllers: [AnalyticsController, ForecastsController] })
export class AnalyticsModule {}
