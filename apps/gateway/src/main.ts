import './tracing';
import { runService } from '@rapport/platform-runtime';
import { AppModule, serviceDefinition } from './app.module';
import { configureGateway } from './configure-gateway';

void runService({ definition: serviceDefinition, rootModule: AppModule, configure: configureGateway });
