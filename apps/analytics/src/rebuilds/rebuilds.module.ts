import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RecommendationsModule } from '../recommendations/recommendations.module';
import { RfmModule } from '../rfm/rfm.module';
import { RebuildsController } from './rebuilds.controller';
import { RebuildsRepository } from './rebuilds.repository';
import { RebuildsService } from './rebuilds.service';
import { RebuildsWatcher } from './rebuilds.watcher';

@Module({
  imports: [DiscoveryModule, RfmModule, RecommendationsModule],
  controllers: [RebuildsController],
  providers: [RebuildsRepository, RebuildsService, RebuildsWatcher],
  exports: [RebuildsService],
})
export class RebuildsModule {}
