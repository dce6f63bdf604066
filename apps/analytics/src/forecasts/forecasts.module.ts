import { Module } from '@nestjs/common';
import { ForecastsController } from './forecasts.controller';
import { ForecastsRepository } from './forecasts.repository';
import { ForecastsService } from './forecasts.service';

@Module({
  controllers: [ForecastsController],
  providers: [ForecastsRepository, ForecastsService],
  // the executive dashboard shows a revenue forecast
  exports: [ForecastsService],
})
export class ForecastsModule {}
