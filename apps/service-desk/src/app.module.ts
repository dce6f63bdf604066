import { Module } from '@nestjs/common';
import { schemaOf } from '@rapport/contracts';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { mergedCustomersMigration, SubjectRightsModule } from '@rapport/platform-subject-rights';
import { ServiceDeskConfigModule } from './service-desk.config';
import { CustomerRefsModule } from './customer-refs/customer-refs.module';
import { CalendarsModule } from './calendars/calendars.module';
import { CreateCustomerRefs1764000004000 } from './database/migrations/1764000004000-CreateCustomerRefs';
import { CreateTickets1764700000000 } from './database/migrations/1764700000000-CreateTickets';
import { AddQueuesAndCsat1764720000000 } from './database/migrations/1764720000000-AddQueuesAndCsat';
import { CreateSlaPolicies1764730000000 } from './database/migrations/1764730000000-CreateSlaPolicies';
import { AddTeams1764740000000 } from './database/migrations/1764740000000-AddTeams';
import { QueuesModule } from './queues/queues.module';
import { CreateBusinessCalendars1764710000000 } from './database/migrations/1764710000000-CreateBusinessCalendars';
import { SlaModule } from './sla/sla.module';
import { StatsModule } from './stats/stats.module';
import { TeamsModule } from './teams/teams.module';
import { ServiceDeskSubjectRights } from './subject-rights/service-desk.participant';
import { TicketsModule } from './tickets/tickets.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'service-desk',
  // The merged-customers table is the subject-rights library's; its timestamp is fixed once it has run.
  migrations: [
    CreateCustomerRefs1764000004000,
    mergedCustomersMigration(schemaOf('service-desk'), 1764001000000),
    CreateTickets1764700000000,
    CreateBusinessCalendars1764710000000,
    AddQueuesAndCsat1764720000000,
    CreateSlaPolicies1764730000000,
    AddTeams1764740000000,
  ],
  requireCallerIdentity: true,
};

@Module({
  imports: [
    ServiceCoreModule.forRoot(serviceDefinition),
    ServiceDeskConfigModule,
    CustomerRefsModule,
    TicketsModule,
    QueuesModule,
    CalendarsModule,
    StatsModule,
    TeamsModule,
    SubjectRightsModule.forParticipant({
      service: 'service-desk',
      participant: ServiceDeskSubjectRights,
      imports: [CustomerRefsModule, TicketsModule, SlaModule],
    }),
  ],
})
export class AppModule {}
