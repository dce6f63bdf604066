import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { CouponsController } from './coupons.controller';
import { RewardsController } from './rewards.controller';

@Module({ imports: [LedgerModule], controllers: [RewardsController, CouponsController] })
export class RewardsModule {}
