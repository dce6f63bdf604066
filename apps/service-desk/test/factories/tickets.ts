import type { CreateTicketRequest } from '@rapport/contracts';

/** A complaint as an agent takes it down on the phone; override what a test is about. */
export const ticketRequest = (
  customerId: string,
  overrides: Partial<CreateTicketRequest> = {},
): CreateTicketRequest => ({
  customerId,
  type: 'complaint',
  channel: 'phone',
  subject: 'Order 1234 arrived damaged',
  description: 'The box was crushed and the kettle inside is dented. 王小明 wants a replacement.',
  ...overrides,
});
