import { Module } from '@nestjs/common';
import { ClvModule } from '../clv/clv.module';
import { KpisController } from './kpis.controller';
import { KpisRepository } from './kpis.repository';
import { KpisService } from './kpis.service';

@Module({
  // the lifetime value total needs the current CLV model
  imports: [ClvModule],
  controllers: [KpisController],
  providers: [KpisRepository, KpisService],
  // for the dashboards, which show KPIs with their trends
  exports: [KpisService],
})
export class KpisModule {}
