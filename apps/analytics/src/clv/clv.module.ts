import { Module } from '@nestjs/common';
import { ClvController } from './clv.controller';
import { ClvRepository } from './clv.repository';
import { ClvService } from './clv.service';

@Module({
  controllers: [ClvController],
  providers: [ClvRepository, ClvService],
  // rfm's customer view carries the customer's lifetime value; churn reads P(alive)
  exports: [ClvService],
})
export class ClvModule {}
