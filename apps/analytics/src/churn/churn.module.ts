import { Module } from '@nestjs/common';
import { ClvModule } from '../clv/clv.module';
import { ChurnController } from './churn.controller';
import { ChurnRepository } from './churn.repository';
import { ChurnService } from './churn.service';

@Module({
  imports: [ClvModule],
  controllers: [ChurnController],
  providers: [ChurnRepository, ChurnService],
  // rfm publishes the risk in customer.scored and runs it in full runs; subject rights erase and re-key it
  exports: [ChurnService, ChurnRepository],
})
export class ChurnModule {}
