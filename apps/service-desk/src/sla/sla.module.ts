import { Module } from '@nestjs/common';
import { CalendarsModule } from '../calendars/calendars.module';
import { QueuesModule } from '../queues/queues.module';
import { TeamsModule } from '../teams/teams.module';
import { TicketsRepository } from '../tickets/tickets.repository';
import { SlaController } from './sla.controller';
import { SlaRepository } from './sla.repository';
import { SlaScheduler } from './sla.scheduler';
import { SlaService } from './sla.service';

@Module({
  imports: [CalendarsModule, QueuesModule, TeamsModule],
  controllers: [SlaController],
  // the scheduler's escalations change tickets with the tickets feature's repository (its SQL stays there)
  providers: [SlaRepository, SlaService, SlaScheduler, TicketsRepository],
  // for the tickets feature: every change of a ticket recomputes its SLA; GET /tickets/{id}/sla explains it
  exports: [SlaService],
})
export class SlaModule {}
