import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { ForecastsController } from './forecasts.controller';
import { RecommendationsController } from './recommendations.controller';

@Module({ controllers: [AnalyticsController, ForecastsController, RecommendationsController] })
export class AnalyticsModule {}
