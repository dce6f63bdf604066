import { Module } from '@nestjs/common';
import { KpisController } from './kpis.controller';
import { KpisRepository } from './kpis.repository';
import { KpisService } from './kpis.service';

@Module({
  controllers: [KpisController],
  providers: [KpisRepository, KpisService],
  // for the dashboards, which show KPIs with their trends
  exports: [KpisService],
})
export class KpisModule {}
