import nodemailer, { type Transporter } from 'nodemailer';

/** One message as a transport takes it. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

export interface OutgoingSms {
  to: string;
  text: string;
  messageId: string;
}

/** What a transport says of one message: accepted (handed over), or refused with the reason. */
export type TransportOutcome = { ok: true } | { ok: false; reason: string; bounced: boolean };

export interface MailTransport {
  send(mail: OutgoingMail): Promise<TransportOutcome>;
  close(): void;
}

/** The port of SMS providers: one adapter per provider. */
export interface SmsProvider {
  send(sms: OutgoingSms): Promise<TransportOutcome>;
}

/**
 * SMTP through nodemailer's pooled transport: a few connections reused across messages. A 5xx answer is
 * a permanent refusal (bounced); anything else (4xx, a connection failure) leaves the message failed.
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    connections: number,
  ) {
    this.transporter = nodemailer.createTransport(
      `${url}${url.includes('?') ? '&' : '?'}pool=true&maxConnections=${connections}`,
    );
  }

  async send(mail: OutgoingMail): Promise<TransportOutcome> {
    try {
      await this.transporter.sendMail({
        from: this.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: mail.headers,
      });
      return { ok: true };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const reason = String((error as Error).message ?? error).slice(0, 300);
      return { ok: false, reason, bounced: code !== undefined && code >= 500 };
    }
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * The `http` SMS provider: a JSON POST of { to, text, messageId } to the provider's URL; locally the
 * stack's SMS sink, which records what it received. A 2xx is accepted, a 4xx refused (bounced), the
 * rest failed.
 */
export class HttpSmsProvider implements SmsProvider {
  constructor(private readonly url: string) {}

  async send(sms: OutgoingSms): Promise<TransportOutcome> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sms),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.ok) return { ok: true };
      return { ok: false, reason: `provider answered ${response.status}`, bounced: response.status < 500 };
    } catch (error) {
      return { ok: false, reason: String((error as Error).message ?? error).slice(0, 300), bounced: false };
    }
  }
}
