import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';

@Module({ controllers: [ExportsController], providers: [ExportsRepository] })
export class ExportsModule {}
