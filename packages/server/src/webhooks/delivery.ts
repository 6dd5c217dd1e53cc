import { Webhook } from 'standardwebhooks';
import type { ClaimedEvent } from './outbox-repository.ts';

export type DeliveryResult = { ok: true } | { ok: false; error: string };

/** The body of a delivery: `{ type, timestamp, data }`, the same on every attempt. */
export function payloadOf(event: ClaimedEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
}

/**
 * Signs deliveries per Standard Webhooks: `webhook-id` (the event's, on every retry),
 * `webhook-timestamp` (this attempt's, seconds) and `webhook-signature`, one `v1,…` per secret,
 * space-separated, so receivers keep verifying while a secret is rotated.
 */
export class WebhookSigner {
  private readonly signers: Webhook[];

  constructor(secrets: readonly string[]) {
    this.signers = secrets.map((secret) => new Webhook(secret));
  }

  headers(messageId: string, at: Date, body: string): Record<string, string> {
    return {
      'webhook-id': messageId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.signers.map((signer) => signer.sign(messageId, at, body)).join(' '),
    };
  }
}

/**
 * One attempt: a JSON `POST`, within `timeoutMs`; any 2xx is delivered. Redirects are not
 * followed (a receiver that moved must be reconfigured, not trusted to forward signed events).
 */
export async function deliver(
  event: ClaimedEvent,
  signer: WebhookSigner,
  options: { timeoutMs: number; now: Date },
): Promise<DeliveryResult> {
  const body = payloadOf(event);
  try {
    const response = await fetch(event.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Tenure-Webhooks',
        ...signer.headers(event.messageId, options.now, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // The body is not needed; reading it frees the connection for the next delivery.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true };
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    return { ok: false, error: `HTTP ${response.status}${redirect}` };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError') return { ok: false, error: `no answer within ${options.timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: cause ?? (error as Error).message };
  }
}
