import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { PurchasesController } from './purchases.controller';
import { PurchasesRepository } from './purchases.repository';
import { PurchasesService } from './purchases.service';

@Module({
  imports: [LifecycleModule],
  controllers: [PurchasesController],
  providers: [PurchasesRepository, PurchasesService],
})
export class PurchasesModule {}
