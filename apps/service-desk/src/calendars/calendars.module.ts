import { Module } from '@nestjs/common';
import { CalendarsController } from './calendars.controller';
import { CalendarsRepository } from './calendars.repository';
import { CalendarsService } from './calendars.service';
import { CompiledCalendars } from './compiled-calendars';

@Module({
  controllers: [CalendarsController],
  providers: [CalendarsRepository, CalendarsService, CompiledCalendars],
  // for SLA deadlines later: the service answers deadlines on a calendar by id
  exports: [CalendarsService],
})
export class CalendarsModule {}
