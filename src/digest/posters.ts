/**
 * Posting a digest to a channel, per platform. A poster either resolves (posted), throws a
 * {@link ChannelGoneError} (the channel is gone or the bot lost access: the subscription pauses),
 * throws a {@link MessageRejectedError} (the platform refused this message's body: retrying the same
 * body cannot help), or throws anything else (a transient failure: retried with backoff).
 */
import { DiscordAPIError, RESTJSONErrorCodes, Routes, type Client } from 'discord.js';
import type { Reply } from '../../commands/types.ts';
import { isChannelUnavailable, sendToChannel } from '../adapters/discord/index.ts';
import { renderReply as renderSlack } from '../adapters/slack/render.ts';
import { renderReply as renderDiscordReply } from '../adapters/discord/render.ts';

const renderDiscordDigest = (reply: Reply) => renderDiscordReply(reply, { visibility: 'public' });
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

/** Slack message metadata type that marks a digest (see {@link slackPoster}). */
export const DIGEST_METADATA_TYPE = 'report_bot_digest';

/** The channel cannot receive posts any more; `reason` is shown by `/digest status`. */
export class ChannelGoneError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`channel unavailable: ${reason}`, options);
    this.name = 'ChannelGoneError';
  }
}

/**
 * The platform refused the message itself (Slack `invalid_blocks` / `msg_too_long`, a Discord 400 such
 * as 50035 Invalid Form Body). Sending the same body again gets the same answer, so it is not retried;
 * `reason` is recorded on the day's delivery.
 */
export class MessageRejectedError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`message rejected: ${reason}`, options);
    this.name = 'MessageRejectedError';
  }
}

/** Slack Web API errors that mean "this message's body is not acceptable" (not passing, not the channel). */
export const SLACK_REJECTED: Readonly<Record<string, string>> = {
  invalid_blocks: 'Slack refused the message blocks (invalid_blocks)',
  invalid_blocks_format: 'Slack refused the message blocks (invalid_blocks_format)',
  msg_too_long: 'Slack refused the message as too long (msg_too_long)',
  no_text: 'Slack refused an empty message (no_text)',
  invalid_arguments: 'Slack refused the message arguments (invalid_arguments)',
  too_many_attachments: 'Slack refused the message attachments (too_many_attachments)',
};

/** Slack Web API errors that mean "this channel will not take posts from us any more". */
export const SLACK_GONE: Readonly<Record<string, string>> = {
  channel_not_found: 'the channel no longer exists (channel_not_found)',
  not_in_channel: 'the bot was removed from the channel (not_in_channel)',
  is_archived: 'the channel was archived (is_archived)',
  account_inactive: 'the app was uninstalled or its account deactivated (account_inactive)',
  token_revoked: 'the app was uninstalled (token_revoked)',
  team_access_not_granted: 'the app lost access to this workspace (team_access_not_granted)',
};

/** Discord API error codes that mean the same. */
export const DISCORD_GONE: Readonly<Record<number, string>> = {
  [RESTJSONErrorCodes.UnknownChannel]: 'the channel no longer exists (Discord error 10003)',
  [RESTJSONErrorCodes.UnknownGuild]: 'the bot is no longer in this server (Discord error 10004)',
  [RESTJSONErrorCodes.MissingAccess]: 'the bot lost access to the channel (Discord error 50001)',
  [RESTJSONErrorCodes.MissingPermissions]: 'the bot may no longer post in the channel (Discord error 50013)',
  [RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel]: 'the channel no longer takes messages (Discord error 50008)',
  50083: 'the thread was archived (Discord error 50083)',
  [RESTJSONErrorCodes.ThreadLocked]: 'the thread was locked (Discord error 160005)',
};

/** What a Slack message is made of; the Slack adapter's renderer produces it. */
export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/** The part of `@slack/web-api`'s WebClient a poster uses (a real WebClient fits). */
export interface SlackChatClient {
  chat: {
    postMessage(args: {
      channel: string;
      text: string;
      blocks?: unknown[];
      unfurl_links?: boolean;
      unfurl_media?: boolean;
      metadata?: { event_type: string; event_payload: Record<string, string | number> };
    }): Promise<{ ts?: string }>;
  };
  /** Used to find an interrupted post again (scope `channels:history`); without it a day is given up. */
  conversations?: {
    history(args: { channel: string; oldest?: string; limit?: number; include_all_metadata?: boolean }): Promise<{
      messages?: Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }>;
    }>;
  };
}

/** Maps a Slack Web API error to a {@link ChannelGoneError} when it means the channel is gone. */
export function slackGone(err: unknown): ChannelGoneError | null {
  const e = err as { code?: string; data?: { error?: string } } | null;
  const code = e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
  const reason = code ? SLACK_GONE[code] : undefined;
  return reason ? new ChannelGoneError(reason, { cause: err }) : null;
}

/** Maps a Slack Web API error to a {@link MessageRejectedError} when Slack refused the message body. */
export function slackRejected(err: unknown): MessageRejectedError | null {
  const e = err as { code?: string; data?: { error?: string } } | null;
  const code = e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
  const reason = code ? SLACK_REJECTED[code] : undefined;
  return reason ? new MessageRejectedError(reason, { cause: err }) : null;
}

/**
 * Maps a discord.js error to a {@link MessageRejectedError} when Discord refused the message body: a 400
 * (50035 Invalid Form Body and its kin) or 413. Rate limits (429), server errors and network failures
 * stay transient; 401/403/404 are about the token or the channel, not the message.
 */
export function discordRejected(err: unknown): MessageRejectedError | null {
  // Only a refusal of the message itself: invalid form body (50035) or too large (413). Other 400s
  // are about the channel and are handled as "channel gone" or retried.
  if (!(err instanceof DiscordAPIError)) return null;
  if (err.status !== 413 && Number(err.code) !== RESTJSONErrorCodes.InvalidFormBodyOrContentType) return null;
  return new MessageRejectedError(`Discord refused the message (HTTP ${err.status}, error ${String(err.code)}: ${err.message.split('\n')[0]})`, { cause: err });
}

/** Maps a discord.js error to a {@link ChannelGoneError} when it means the channel is gone. */
export function discordGone(err: unknown): ChannelGoneError | null {
  if (err instanceof ChannelGoneError) return err;
  const code = err instanceof DiscordAPIError ? Number(err.code) : Number((err as { code?: unknown } | null)?.code);
  const reason = DISCORD_GONE[code];
  return reason ? new ChannelGoneError(reason, { cause: err }) : null;
}

/**
 * A poster for Slack: `chat.postMessage` (a real `WebClient` from Bolt's `app.client` or
 * `@slack/web-api`) with the Slack adapter's Block Kit rendering. Channel-gone and message-rejected
 * errors are mapped; anything else (rate limits, network) is rethrown for a retry.
 */
export function slackPoster(web: SlackChatClient, render: (reply: Reply) => SlackMessage = (r) => renderSlack(r, { shareable: false })): Poster {
  const poster: Poster = async (sub, reply, key) => {
    const message = render(reply);
    try {
      const res = await web.chat.postMessage({
        channel: sub.channelId,
        ...message,
        unfurl_links: false,
        unfurl_media: false,
        // Message metadata (invisible to readers) names the delivery, so `find` can recognise it.
        ...(key ? { metadata: { event_type: DIGEST_METADATA_TYPE, event_payload: { delivery: key.id, subscription: key.subscriptionId, local_date: key.localDate } } } : {}),
      });
      return res.ts ? { ref: res.ts } : {};
    } catch (err) {
      throw slackGone(err) ?? slackRejected(err) ?? err;
    }
  };
  const history = web.conversations?.history.bind(web.conversations);
  if (history) {
    poster.find = async (sub, _reply, key) => {
      const res = await history({
        channel: sub.channelId,
        // No message for this delivery is older than its claim (nor than now: `run-due --now` may name a later instant).
        oldest: String(Math.floor(Math.min(key.claimedAt.getTime(), Date.now()) / 1000) - 60),
        limit: 200,
        include_all_metadata: true,
      });
      const hit = (res.messages ?? []).find(
        (m) =>
          m.metadata?.event_type === DIGEST_METADATA_TYPE &&
          Number(m.metadata.event_payload?.delivery) === key.id &&
          Number(m.metadata.event_payload?.subscription) === key.subscriptionId &&
          m.metadata.event_payload?.local_date === key.localDate,
      );
      return hit?.ts ? { ref: hit.ts } : null;
    };
  }
  return poster;
}

/**
 * A poster for Discord through the Discord adapter's `sendToChannel` (REST, rendered as a public
 * embed without mentions; works on a client whose REST token is set, gateway or not). Unknown
 * channel, missing access or missing permissions pause the subscription; a 400 rejection of the
 * message body is not retried.
 */
export function discordPoster(client: Client): Poster {
  const poster: Poster = async (sub, reply, key) => {
    try {
      return { ref: await sendToChannel(client, sub.channelId, reply, key ? discordNonce(key) : undefined) };
    } catch (err) {
      if (isChannelUnavailable(err)) throw new ChannelGoneError(DISCORD_GONE[err.discordCode] ?? err.message, { cause: err });
      throw discordGone(err) ?? discordRejected(err) ?? err;
    }
  };
  poster.find = async (sub, reply, key) => {
    const nonce = discordNonce(key);
    const after = snowflakeAt(new Date(Math.min(key.claimedAt.getTime(), Date.now()) - 60_000));
    const messages = (await client.rest.get(Routes.channelMessages(sub.channelId), {
      query: new URLSearchParams({ after, limit: '100' }),
    })) as Array<{ id: string; nonce?: string | number; author?: { id?: string }; embeds?: Array<{ description?: string }> }>;
    // The nonce when Discord returns it; otherwise the bot's own message with this digest's text.
    const description = renderDiscordDigest(reply).embeds[0]?.description;
    const me = client.user?.id ?? client.application?.id;
    const hit = messages.find(
      (m) => String(m.nonce ?? '') === nonce || (me !== undefined && m.author?.id === me && description !== undefined && m.embeds?.[0]?.description === description),
    );
    return hit ? { ref: hit.id } : null;
  };
  return poster;
}

/** A Discord message nonce (at most 25 characters) naming one delivery. */
export const discordNonce = (key: DeliveryKey): string => `rbd${key.id}s${key.subscriptionId}`.slice(0, 25);

/** The smallest Discord snowflake at an instant (for `after=` queries). */
function snowflakeAt(at: Date): string {
  return String((BigInt(Math.max(0, at.getTime() - 1_420_070_400_000)) << 22n));
}
