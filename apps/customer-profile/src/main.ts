import './tracing';
import { configurePhoneRule } from '@rapport/contracts';
import { runService } from '@rapport/platform-runtime';
import { AppModule, serviceDefinition } from './app.module';
import { CONTACTS_CONFIG, type ContactsConfig } from './customers/contacts.config';

void runService({
  definition: serviceDefinition,
  rootModule: AppModule,
  // Before it serves: request validation and the contact normaliser read phones by this process's rule.
  configure: (app) => void configurePhoneRule(app.get<ContactsConfig>(CONTACTS_CONFIG).PHONE_DEFAULT_REGION),
});
