import { stackInfo } from './stack-file';

/** A mail as MailDev's HTTP API lists it, with the headers read from its raw source. */
export interface ReceivedMail {
  id: string;
  subject: string;
  text: string;
  to: Array<{ address: string }>;
  /** Every header of the raw message, names in lower case (MailDev's list leaves out the non-standard ones). */
  headers: Record<string, string>;
}

/** Every mail the stack's MailDev received for `address`. */
export async function mailsTo(address: string): Promise<ReceivedMail[]> {
  const web = stackInfo().mail?.webUrl;
  if (!web) throw new Error('the test stack started no MailDev');
  const response = await fetch(`${web}api/email`);
  if (!response.ok) throw new Error(`MailDev answered ${response.status}`);
  const all = (await response.json()) as Array<Omit<ReceivedMail, 'headers'>>;
  const mine = all.filter((m) => m.to.some((t) => t.address.toLowerCase() === address.toLowerCase()));
  return Promise.all(
    mine.map(async (m) => {
      const source = await (await fetch(`${web}api/email/${m.id}/source`)).text();
      const head = source.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      const headers: Record<string, string> = {};
      for (const line of head.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      return { ...m, headers };
    }),
  );
}

/** Every SMS the stack's SMS sink received for `phone`. */
export async function smsTo(phone: string): Promise<Array<{ to: string; text: string; messageId: string }>> {
  const url = stackInfo().smsUrl;
  if (!url) throw new Error('the test stack started no SMS sink');
  const all = (await (await fetch(url)).json()) as Array<{ to: string; text: string; messageId: string }>;
  return all.filter((s) => s.to === phone);
}
