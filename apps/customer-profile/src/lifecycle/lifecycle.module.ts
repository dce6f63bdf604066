import { Module } from '@nestjs/common';
import { FEATURE_CONFIG, loadFeatureConfig } from '../shared/feature.config';
import { LIFECYCLE_CONFIG, loadLifecycleConfig } from './lifecycle.config';
import { LifecycleController } from './lifecycle.controller';
import { LifecycleRepository } from './lifecycle.repository';
import { LifecycleService } from './lifecycle.service';

@Module({
  controllers: [LifecycleController],
  providers: [
    { provide: FEATURE_CONFIG, useFactory: () => loadFeatureConfig() },
    { provide: LIFECYCLE_CONFIG, useFactory: () => loadLifecycleConfig() },
    LifecycleRepository,
    LifecycleService,
  ],
  exports: [FEATURE_CONFIG, LifecycleService],
})
export class LifecycleModule {}
