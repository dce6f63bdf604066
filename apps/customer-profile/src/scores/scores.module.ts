import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { ScoresConsumer } from './scores.consumer';
import { ScoresRepository } from './scores.repository';
import { ScoresService } from './scores.service';

/** Consumes analytics' scores (topic scores; the @OnEvent handler subscribes customer-profile's group). */
@Module({ imports: [LifecycleModule], controllers: [ScoresConsumer], providers: [ScoresRepository, ScoresService] })
export class ScoresModule {}
