/**
 * The port digests post through (Bolt's `Receiver`, one small interface): a {@link Poster} either
 * resolves (posted), throws a {@link ChannelGoneError} (the channel is gone or the bot lost access: the
 * subscription pauses), throws a {@link MessageRejectedError} (the platform refused this message's
 * body: retrying the same body cannot help), or throws anything else (a transient failure: retried
 * with backoff). Each platform's poster lives with its adapter (`src/adapters/<platform>/poster.ts`);
 * this module names no platform, so the digest code loads neither Bolt nor discord.js.
 */
import type { Reply } from '../../commands/types.ts';
import { ReportBotError } from '../errors.ts';
import type { Subscription } from './store.ts';

/** Which day's digest a post is: stamped on the message so an interrupted post can be found again. */
export interface DeliveryKey {
  /** The delivery row's id. */
  id: number;
  subscriptionId: number;
  localDate: string;
  /** When it was claimed: a message for it cannot be older. */
  claimedAt: Date;
}

/**
 * Posts a reply to a subscription's channel; `ref` identifies the message (Slack `ts`, Discord id).
 * `find`, when the platform allows it, looks for the message of an earlier post of the same delivery
 * (a process that died between posting and recording it), so the day can be recorded as sent rather
 * than posted again or given up.
 */
export type Poster = ((subscription: Subscription, reply: Reply, key?: DeliveryKey) => Promise<{ ref?: string } | void>) & {
  find?: (subscription: Subscription, reply: Reply, key: DeliveryKey) => Promise<{ ref: string } | null>;
};

/** The channel cannot receive posts any more; `reason` is shown by `/digest status`. */
export class ChannelGoneError extends ReportBotError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('CHANNEL_GONE', `channel unavailable: ${reason}`, options);
    this.name = 'ChannelGoneError';
  }
}

/**
 * The platform refused the message itself (Slack `invalid_blocks` / `msg_too_long`, a Discord 400 such
 * as 50035 Invalid Form Body). Sending the same body again gets the same answer, so it is not retried;
 * `reason` is recorded on the day's delivery.
 */
export class MessageRejectedError extends ReportBotError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('MESSAGE_REJECTED', `message rejected: ${reason}`, options);
    this.name = 'MessageRejectedError';
  }
}
