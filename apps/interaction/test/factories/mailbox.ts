import { stackInfo } from '@rapport/testing';

/** A mail as MailDev's HTTP API lists it (the fields the tests read). */
export interface ReceivedMail {
  id: string;
  subject: string;
  text: string;
  messageId: string;
  to: Array<{ address: string }>;
  headers: Record<string, string>;
}

/** Every mail the stack's MailDev received for `address`. */
export async function mailsTo(address: string): Promise<ReceivedMail[]> {
  const web = stackInfo().mail?.webUrl;
  if (!web) throw new Error('the test stack started no MailDev');
  const response = await fetch(`${web}email`);
  if (!response.ok) throw new Error(`MailDev answered ${response.status}`);
  const all = (await response.json()) as ReceivedMail[];
  return all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
}

/** Every SMS the stack's SMS sink received for `phone`. */
export async function smsTo(phone: string): Promise<Array<{ to: string; text: string; messageId: string }>> {
  const url = stackInfo().smsUrl;
  if (!url) throw new Error('the test stack started no SMS sink');
  const all = (await (await fetch(url)).json()) as Array<{ to: string; text: string; messageId: string }>;
  return all.filter((s) => s.to === phone);
}
