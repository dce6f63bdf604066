import { Module } from '@nestjs/common';
import { ImportsController } from './imports.controller';
import { RawUpstream } from './raw-upstream';

@Module({ controllers: [ImportsController], providers: [RawUpstream] })
export class ImportsModule {}
