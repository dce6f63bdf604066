import Mustache from 'mustache';

/** The opt-out text every marketing SMS ends with (China's rule: 回T退订), in both languages. */
export const SMS_OPT_OUT = '回T退订 Reply T to unsubscribe';

/** Replies that withdraw SMS consent: T or TD, any case, surrounding blanks ignored. */
export function isSmsOptOut(text: string): boolean {
  return /^\s*(t|td)\s*$/i.test(text);
}

/** Plain-text rendering: Mustache without HTML escaping (the bodies are text, not HTML). */
export function render(template: string, fields: Record<string, string>): string {
  return Mustache.render(template, fields, {}, { escape: (value: unknown) => String(value) });
}

/** Whether the template parses; the message of the first error otherwise. */
export function templateError(template: string): string | undefined {
  try {
    Mustache.parse(template);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export function smsText(body: string, purpose: string): string {
  return purpose === 'marketing' && !body.includes(SMS_OPT_OUT) ? `${body} ${SMS_OPT_OUT}` : body;
}

/** A stable Message-ID per campaign and recipient: a resend after a crash is the same message. */
export function messageIdOf(campaignId: string, customerId: string): string {
  return `<${campaignId}.${customerId}@campaigns.rapport.local>`;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export function addressError(channel: 'email' | 'sms', address: string): string | undefined {
  if (channel === 'email' && !EMAIL.test(address)) return 'must be an email address';
  if (channel === 'sms' && !E164.test(address)) return 'must be a phone number in E.164 (+8613800138000)';
  return undefined;
}
