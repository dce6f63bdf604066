import { Module } from '@nestjs/common';
import { MembersConsumer } from './members.consumer';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';

@Module({ controllers: [MembersController, MembersConsumer], providers: [MembersRepository] })
export class MembersModule {}
