import { Module } from '@nestjs/common';
import { ServiceCoreModule, type ServiceDefinition } from '@rapport/platform-runtime';
import { CreateMembers1764000005000 } from './database/migrations/1764000005000-CreateMembers';
import { MembersModule } from './members/members.module';

export const serviceDefinition: ServiceDefinition = {
  name: 'loyalty',
  migrations: [CreateMembers1764000005000],
  requireCallerIdentity: true,
};

@Module({ imports: [ServiceCoreModule.forRoot(serviceDefinition), MembersModule] })
export class AppModule {}
