import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsKpisController } from './analytics-kpis.controller';

@Module({ controllers: [AnalyticsController, AnalyticsKpisController] })
export class AnalyticsModule {}
