import { Module } from '@nestjs/common';
import { ProgrammeModule } from '../programme/programme.module';
import { CouponsController } from './coupons.controller';
import { CouponsRepository } from './coupons.repository';
import { CouponsService } from './coupons.service';
import { RewardsController } from './rewards.controller';
import { RewardsRepository } from './rewards.repository';
import { RewardsService } from './rewards.service';

/** Exports the catalogue's stock (lock, take, give back) for redemptions, which hold and spend rewards. */
@Module({
  imports: [ProgrammeModule],
  controllers: [RewardsController, CouponsController],
  providers: [RewardsRepository, RewardsService, CouponsRepository, CouponsService],
  exports: [RewardsRepository],
})
export class RewardsModule {}
