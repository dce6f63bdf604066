import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RfmModule } from '../rfm/rfm.module';
import { RebuildsController } from './rebuilds.controller';
import { RebuildsRepository } from './rebuilds.repository';
import { RebuildsService } from './rebuilds.service';
import { RebuildsWatcher } from './rebuilds.watcher';

@Module({
  imports: [DiscoveryModule, RfmModule],
  controllers: [RebuildsController],
  providers: [RebuildsRepository, RebuildsService, RebuildsWatcher],
  exports: [RebuildsService],
})
export class RebuildsModule {}
