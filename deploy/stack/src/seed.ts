import { demoUserToken } from './demo-tokens';

/** Demo customers, created through the public API by the demo users who will own them. */
const DEMO_CUSTOMERS: Array<{ by: string; customer: Record<string, string> }> = [
  { by: 'agent1', customer: { name: '王小明', email: 'xiaoming.wang@example.com', phone: '+8613800138000', sourceChannel: 'store' } },
  { by: 'agent1', customer: { name: '李娜', email: 'na.li@example.com', phone: '+8613900139000', sourceChannel: 'web_form' } },
  { by: 'agent2', customer: { name: 'Acme Trading Co.', kind: 'organisation', email: 'buyer@acme.example.com', sourceChannel: 'sales' } },
  { by: 'manager', customer: { name: 'Maria Rossi', email: 'maria.rossi@example.com', phone: '+393331234567', sourceChannel: 'social' } },
];

export async function seedDemoData(gatewayUrl: string): Promise<number> {
  const tokens = new Map<string, string>();
  for (const [index, { by, customer }] of DEMO_CUSTOMERS.entries()) {
    if (!tokens.has(by)) tokens.set(by, await demoUserToken(gatewayUrl, by));
    const response = await fetch(`${gatewayUrl}/api/v1/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(by)}`, 'idempotency-key': `seed-customer-${index + 1}` },
      body: JSON.stringify(customer),
    });
    if (response.status !== 201) throw new Error(`seeding ${customer['name']} failed: ${response.status} ${await response.text()}`);
  }
  return DEMO_CUSTOMERS.length;
}
