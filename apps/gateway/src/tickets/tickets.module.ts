import { Module } from '@nestjs/common';
import { TicketCsatController } from './ticket-csat.controller';
import { TicketsController } from './tickets.controller';

@Module({ controllers: [TicketCsatController, TicketsController] })
export class TicketsModule {}
