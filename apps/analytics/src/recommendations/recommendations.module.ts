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
})
export class RecommendationsModule {}
