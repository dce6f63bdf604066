import { Module } from '@nestjs/common';
import { ChurnModule } from '../churn/churn.module';
import { ForecastsModule } from '../forecasts/forecasts.module';
import { KpisModule } from '../kpis/kpis.module';
import { DashboardsController } from './dashboards.controller';
import { DashboardsRepository } from './dashboards.repository';
import { DashboardsService } from './dashboards.service';

@Module({
  imports: [KpisModule, ChurnModule, ForecastsModule],
  controllers: [DashboardsController],
  providers: [DashboardsRepository, DashboardsService],
})
export class DashboardsModule {}
