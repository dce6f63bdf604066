import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsKpisController } from './analytics-kpis.controller';
import { ForecastsController } from './forecasts.controller';
import { RecommendationsController } from './recommendations.controller';

@Module({ controllers: [AnalyticsController, AnalyticsKpisController, ForecastsController, RecommendationsController] })
export class AnalyticsModule {}
