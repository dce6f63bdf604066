import { Module } from '@nestjs/common';
import { BusinessCalendarsController } from './business-calendars.controller';

@Module({ controllers: [BusinessCalendarsController] })
export class BusinessCalendarsModule {}
