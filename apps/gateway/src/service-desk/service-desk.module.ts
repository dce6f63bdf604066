import { Module } from '@nestjs/common';
import { ServiceDeskStatsController } from './service-desk-stats.controller';
import { ServiceDeskTeamsController } from './service-desk-teams.controller';

/** The service desk's own resources (/api/v1/service-desk/…): its team figures and its teams. */
@Module({ controllers: [ServiceDeskStatsController, ServiceDeskTeamsController] })
export class ServiceDeskModule {}
