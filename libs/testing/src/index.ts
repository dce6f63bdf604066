export * from './stack-file';
export * from './helpers';
export * from './otlp-receiver';
export * from './factories/customer.factory';
export * from './subject-rights-conformance';
export * from './in-process-service';
export * from './service-test-clients';
export * from './mailbox';
