import { Module } from '@nestjs/common';
import { ServiceDeskStatsController } from './service-desk-stats.controller';

@Module({ controllers: [ServiceDeskStatsController] })
export class ServiceDeskStatsModule {}
