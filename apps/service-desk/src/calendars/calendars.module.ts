import { Module } from '@nestjs/common';
import { CalendarsController } from './calendars.controller';
import { CalendarsRepository } from './calendars.repository';
import { CalendarsService } from './calendars.service';
import { CompiledCalendars } from './compiled-calendars';

@Module({
  controllers: [CalendarsController],
  providers: [CalendarsRepository, CalendarsService, CompiledCalendars],
  // for SLA: due times on the policy's calendar, compiled once per version
  exports: [CalendarsService],
})
export class CalendarsModule {}
