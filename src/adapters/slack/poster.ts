/**
 * The Slack {@link Poster}: `chat.postMessage` with this adapter's Block Kit rendering, Slack's error
 * codes mapped to the digest port's coded errors. Imports no Bolt code at run time, only types.
 */
import type { Reply } from '../../../commands/types.ts';
import { ChannelGoneError, MessageRejectedError, type Poster } from '../../digest/posters.ts';
import { renderReply as renderSlack } from './render.ts';

/** Slack message metadata type that marks a digest (see {@link slackPoster}). */
export const DIGEST_METADATA_TYPE = 'report_bot_digest';

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
 * errors are mapped; anything else (rate limits, network) is rethrown for a retry. A post for a
 * delivery carries that delivery in message metadata, and `find` (when the client can read
 * `conversations.history`) looks for it after an interrupted post.
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
