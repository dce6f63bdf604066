import { Module } from '@nestjs/common';
import { RecommendationsConfigModule } from './recommendations.config';
import { RecommendationsController } from './recommendations.controller';
import { RecommendationsRepository } from './recommendations.repository';
import { RecommendationsScheduler } from './recommendations.scheduler';
import { RecommendationsService } from './recommendations.service';

@Module({
  imports: [RecommendationsConfigModule],
  controllers: [RecommendationsController],
  providers: [RecommendationsRepository, RecommendationsService, RecommendationsScheduler],
  // for the rebuild, which builds the model again from the rebuilt ledger
  exports: [RecommendationsService],
})
export class RecommendationsModule {}
