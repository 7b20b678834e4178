/**
 * Posting a digest to a channel, per platform. A poster either resolves (posted), throws a
 * {@link ChannelGoneError} (the channel is gone or the bot lost access: the subscription pauses), or
 * throws anything else (a transient failure: retried with backoff).
 */
import { DiscordAPIError, RESTJSONErrorCodes, type Client } from 'discord.js';
import type { Reply } from '../../commands/types.ts';
import { isChannelUnavailable, sendToChannel } from '../adapters/discord/index.ts';
import { renderReply as renderSlack } from '../adapters/slack/render.ts';
import type { Subscription } from './store.ts';

/** Posts a reply to a subscription's channel; `ref` identifies the message (Slack `ts`, Discord id). */
export type Poster = (subscription: Subscription, reply: Reply) => Promise<{ ref?: string } | void>;

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
};

/** What a Slack message is made of; the Slack adapter's renderer produces it. */
export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/** The part of `@slack/web-api`'s WebClient a poster uses (a real WebClient fits). */
export interface SlackChatClient {
  chat: {
    postMessage(args: { channel: string; text: string; blocks?: unknown[]; unfurl_links?: boolean; unfurl_media?: boolean }): Promise<{ ts?: string }>;
  };
}

/** Maps a Slack Web API error to a {@link ChannelGoneError} when it means the channel is gone. */
export function slackGone(err: unknown): ChannelGoneError | null {
  const e = err as { code?: string; data?: { error?: string } } | null;
  const code = e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
  const reason = code ? SLACK_GONE[code] : undefined;
  return reason ? new ChannelGoneError(reason, { cause: err }) : null;
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
 * `@slack/web-api`) with the Slack adapter's Block Kit rendering. Channel-gone errors are mapped;
 * anything else (rate limits, network) is rethrown for a retry.
 */
export function slackPoster(web: SlackChatClient, render: (reply: Reply) => SlackMessage = (r) => renderSlack(r, { shareable: false })): Poster {
  return async (sub, reply) => {
    const message = render(reply);
    try {
      const res = await web.chat.postMessage({ channel: sub.channelId, ...message, unfurl_links: false, unfurl_media: false });
      return res.ts ? { ref: res.ts } : {};
    } catch (err) {
      throw slackGone(err) ?? err;
    }
  };
}

/**
 * A poster for Discord through the Discord adapter's `sendToChannel` (REST, rendered as a public
 * embed without mentions; works on a client whose REST token is set, gateway or not). Unknown
 * channel, missing access or missing permissions pause the subscription.
 */
export function discordPoster(client: Client): Poster {
  return async (sub, reply) => {
    try {
      return { ref: await sendToChannel(client, sub.channelId, reply) };
    } catch (err) {
      if (isChannelUnavailable(err)) throw new ChannelGoneError(DISCORD_GONE[err.discordCode] ?? err.message, { cause: err });
      throw discordGone(err) ?? err;
    }
  };
}
