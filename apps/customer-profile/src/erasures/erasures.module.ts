import { Module } from '@nestjs/common';
import { ErasuresConsumer } from './erasures.consumer';
import { ErasuresController } from './erasures.controller';
import { ErasureMetrics } from './erasures.metrics';
import { ErasuresRepository } from './erasures.repository';
import { ErasuresService } from './erasures.service';

/** Erasure requests (opened by the customers feature's erasure) and the services' acknowledgements. */
@Module({
  controllers: [ErasuresController, ErasuresConsumer],
  providers: [ErasuresRepository, ErasuresService, ErasureMetrics],
  exports: [ErasuresService],
})
export class ErasuresModule {}
