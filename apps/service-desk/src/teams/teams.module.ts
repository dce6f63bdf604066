import { Module } from '@nestjs/common';
import { TeamsController } from './teams.controller';
import { TeamsRepository } from './teams.repository';
import { TeamsService } from './teams.service';

@Module({
  controllers: [TeamsController],
  providers: [TeamsRepository, TeamsService],
  // for SLA: the escalation reassign-to-manager
  exports: [TeamsRepository],
})
export class TeamsModule {}
