/**
 * The Slack {@link Poster}: `chat.postMessage` with this adapter's Block Kit rendering, Slack's error
 * codes mapped to the digest port's coded errors. Imports no Bolt code at run time, only types.
 */
import type { Reply } from '../../../commands/types.ts';
import { ChannelGoneError, MessageRejectedError, type Poster } from '../../digest/posters.ts';
import { renderReply as renderSlack } from './render.ts';

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

/** The Slack error code of a Web API platform error, if it is one. */
function slackErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } } | null;
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

/** Maps a Slack Web API error to a {@link ChannelGoneError} when it means the channel is gone. */
export function slackGone(err: unknown): ChannelGoneError | null {
  const code = slackErrorCode(err);
  const reason = code ? SLACK_GONE[code] : undefined;
  return reason ? new ChannelGoneError(reason, { cause: err }) : null;
}

/** Maps a Slack Web API error to a {@link MessageRejectedError} when Slack refused the message body. */
export function slackRejected(err: unknown): MessageRejectedError | null {
  const code = slackErrorCode(err);
  const reason = code ? SLACK_REJECTED[code] : undefined;
  return reason ? new MessageRejectedError(reason, { cause: err }) : null;
}

/**
 * A poster for Slack: `chat.postMessage` (a real `WebClient` from Bolt's `app.client` or
 * `@slack/web-api`) with the Slack adapter's Block Kit rendering. Channel-gone and message-rejected
 * errors are mapped; anything else (rate limits, network) is rethrown for a retry.
 */
export function slackPoster(web: SlackChatClient, render: (reply: Reply) => SlackMessage = (r) => renderSlack(r, { shareable: false })): Poster {
  return async (sub, reply) => {
    const message = render(reply);
    try {
      const res = await web.chat.postMessage({ channel: sub.channelId, ...message, unfurl_links: false, unfurl_media: false });
      return res.ts ? { ref: res.ts } : {};
    } catch (err) {
      throw slackGone(err) ?? slackRejected(err) ?? err;
    }
  };
}
