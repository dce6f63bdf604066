export * from './services';
export * from './topics';
export * from './event-definition';
export * from './envelope';
export * from './event-catalog';
export * from './events/customer-profile.events';
export * from './api/customers.dto';
