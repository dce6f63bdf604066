import { Module } from '@nestjs/common';
import { ProgrammeController } from './programme.controller';
import { ProgrammeRepository } from './programme.repository';
import { ProgrammeService } from './programme.service';

/** Every feature reads the rules through the one ProgrammeRepository, so a transaction's cached read is shared. */
@Module({
  controllers: [ProgrammeController],
  providers: [ProgrammeRepository, ProgrammeService],
  exports: [ProgrammeRepository],
})
export class ProgrammeModule {}
