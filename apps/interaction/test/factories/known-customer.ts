import { randomUUID } from 'node:crypto';
import { eventually, publishCustomerEvents, type ServiceTestClients } from '@rapport/testing';
import { customerCreated } from './customer-events';

/** A new customer interaction knows (its customer.created consumed by the stack's interaction). */
export async function knownCustomer(clients: ServiceTestClients, kind: 'person' | 'organisation' = 'person') {
  const customerId = randomUUID();
  await publishCustomerEvents(clients.producer, customerCreated(customerId, kind));
  await eventually(
    async () =>
      ((await clients.db.query('SELECT 1 FROM interaction.customer_refs WHERE customer_id = $1', [customerId]))
        .rowCount ?? 0) === 1,
    20_000,
    'interaction to know the customer',
  );
  return customerId;
}
