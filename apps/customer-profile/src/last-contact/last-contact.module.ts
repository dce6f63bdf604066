import { Module } from '@nestjs/common';
import { LastContactConsumer } from './last-contact.consumer';
import { LastContactRepository } from './last-contact.repository';

/** Consumes interaction's interactions stream (the @OnEvent handler subscribes customer-profile's group). */
@Module({ controllers: [LastContactConsumer], providers: [LastContactRepository] })
export class LastContactModule {}
