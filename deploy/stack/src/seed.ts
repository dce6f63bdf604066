/** A few demo customers, created through the public API like any client would. */
const DEMO_CUSTOMERS = [
  { name: '王小明', email: 'xiaoming.wang@example.com', phone: '+8613800138000', sourceChannel: 'store' },
  { name: '李娜', email: 'na.li@example.com', phone: '+8613900139000', sourceChannel: 'web_form' },
  { name: 'Acme Trading Co.', kind: 'organisation', email: 'buyer@acme.example.com', sourceChannel: 'sales' },
  { name: 'Maria Rossi', email: 'maria.rossi@example.com', phone: '+393331234567', sourceChannel: 'social' },
];

export async function seedDemoData(gatewayUrl: string): Promise<number> {
  for (const customer of DEMO_CUSTOMERS) {
    const response = await fetch(`${gatewayUrl}/api/v1/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(customer),
    });
    if (response.status !== 201) throw new Error(`seeding ${customer.name} failed: ${response.status} ${await response.text()}`);
  }
  return DEMO_CUSTOMERS.length;
}
