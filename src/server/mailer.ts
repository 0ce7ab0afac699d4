/**
 * Mail the service sends itself: one-time download codes, through the relay the admin names
 * (MAILTLS_SMTP_RELAY). nodemailer speaks SMTP and takes STARTTLS whenever the relay offers it.
 */
import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The connection to MAILTLS_SMTP_RELAY (smtp:// or smtps://, credentials in the URL), with deadlines. */
export function relayTransport(relayUrl: string, timeouts = { connectMs: 10_000, socketMs: 20_000 }) {
  const url = new URL(relayUrl);
  return nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === "smtps:" ? 465 : 25),
    secure: url.protocol === "smtps:",
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.connectMs,
    socketTimeout: timeouts.socketMs,
  });
}

export function relayMailer(relayUrl: string, from: string): Mailer {
  // Every network call has a deadline: the recipient is waiting on the page.
  const transport = relayTransport(relayUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
