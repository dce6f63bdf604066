import { Module } from '@nestjs/common';
import { CustomerRefsModule } from '../customer-refs/customer-refs.module';
import { TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

@Module({
  imports: [CustomerRefsModule],
  controllers: [TicketsController],
  providers: [TicketsRepository, TicketsService],
  // for service-desk's subject-rights participant, which the app module registers
  exports: [TicketsRepository],
})
export class TicketsModule {}
