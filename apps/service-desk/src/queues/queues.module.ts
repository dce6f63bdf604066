import { Module } from '@nestjs/common';
import { QueuesController } from './queues.controller';
import { QueuesRepository } from './queues.repository';
import { QueuesService } from './queues.service';

@Module({
  controllers: [QueuesController],
  providers: [QueuesRepository, QueuesService],
  // for the tickets feature: a new ticket is routed, a low CSAT rating goes back to the queue's lead
  exports: [QueuesService],
})
export class QueuesModule {}
