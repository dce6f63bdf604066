import { Module } from '@nestjs/common';
import { CustomerRefsModule } from '../customer-refs/customer-refs.module';
import { QueuesModule } from '../queues/queues.module';
import { SlaModule } from '../sla/sla.module';
import { TICKETS_CONFIG, loadTicketsConfig } from './tickets.config';
import { TicketCsatController, TicketsController } from './tickets.controller';
import { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

@Module({
  imports: [CustomerRefsModule, QueuesModule, SlaModule],
  controllers: [TicketsController, TicketCsatController],
  providers: [TicketsRepository, TicketsService, { provide: TICKETS_CONFIG, useFactory: () => loadTicketsConfig() }],
  // for service-desk's subject-rights participant, which the app module registers
  exports: [TicketsRepository],
})
export class TicketsModule {}
