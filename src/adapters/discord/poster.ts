/**
 * Posting on its own in a Discord channel: {@link sendToChannel} (REST, a public embed without
 * mentions) and the {@link Poster} the digests use. The one list of Discord's "channel gone" codes
 * ({@link DISCORD_GONE}) lives here.
 */
import { DiscordAPIError, RESTJSONErrorCodes, Routes, type Client } from 'discord.js';
import type { Reply } from '../../../commands/types.ts';
import { ChannelGoneError, MessageRejectedError, type DeliveryKey, type Poster } from '../../digest/posters.ts';
import { renderReply, type DiscordMessage } from './render.ts';

/** Discord API error codes meaning "this channel cannot be posted to any more" (not a passing failure). */
export const DISCORD_GONE: Readonly<Record<number, string>> = {
  [RESTJSONErrorCodes.UnknownChannel]: 'the channel no longer exists (Discord error 10003)',
  [RESTJSONErrorCodes.UnknownGuild]: 'the bot is no longer in this server (Discord error 10004)',
  [RESTJSONErrorCodes.MissingAccess]: 'the bot lost access to the channel (Discord error 50001)',
  [RESTJSONErrorCodes.MissingPermissions]: 'the bot may no longer post in the channel (Discord error 50013)',
  [RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel]: 'the channel no longer takes messages (Discord error 50008)',
  50083: 'the thread was archived (Discord error 50083)',
  [RESTJSONErrorCodes.ThreadLocked]: 'the thread was locked (Discord error 160005)',
};

/** Raised by {@link sendToChannel} when the channel is gone or the bot lost access: pause what posts there. */
export class ChannelUnavailableError extends ChannelGoneError {
  /** Discord's error code, one of {@link DISCORD_GONE}'s. */
  readonly discordCode: number;
  constructor(
    readonly channelId: string,
    discordCode: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'ChannelUnavailableError';
    this.discordCode = discordCode;
  }
}

/** True when `err` says the channel is gone or the bot lost access to it. */
export function isChannelUnavailable(err: unknown): err is ChannelUnavailableError {
  return err instanceof ChannelUnavailableError;
}

/** A rendered message as raw REST JSON. */
function restBody(m: DiscordMessage) {
  return {
    ...(m.content ? { content: m.content } : {}),
    embeds: m.embeds,
    components: m.components,
    allowed_mentions: { parse: [] },
  };
}

/**
 * Posts a Reply publicly in a channel. Throws {@link ChannelUnavailableError} for any of
 * {@link DISCORD_GONE}'s codes, so the caller can pause what posts there; other errors are rethrown
 * as they are (usually passing: retry later). Returns the new message id. Works on a client whose
 * REST token is set, gateway or not. With a `nonce` (`enforce_nonce`), a repeated post returns the
 * message already posted for it.
 */
export async function sendToChannel(client: Client, channelId: string, reply: Reply, nonce?: string): Promise<string> {
  const rendered = renderReply(reply, { visibility: 'public' });
  try {
    // With a nonce, Discord returns the message it already has for it instead of posting again.
    const body = nonce ? { ...restBody(rendered), nonce, enforce_nonce: true } : restBody(rendered);
    const message = (await client.rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
    return message.id;
  } catch (err) {
    const code = err instanceof DiscordAPIError ? Number(err.code) : NaN;
    const reason = DISCORD_GONE[code];
    if (reason) throw new ChannelUnavailableError(channelId, code, reason, { cause: err });
    throw err;
  }
}

/**
 * Maps a discord.js error to a {@link MessageRejectedError} when Discord refused the message body:
 * invalid form body (50035) or too large (413). Other 400s are about the channel and are handled as
 * "channel gone" or retried; rate limits (429), server errors and network failures stay transient.
 */
export function discordRejected(err: unknown): MessageRejectedError | null {
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
 * The digests' {@link Poster} for Discord, through {@link sendToChannel}: a post for a delivery carries
 * that delivery's nonce, and `find` looks for it (or the bot's own message with the digest's text) in
 * the channel's recent messages after an interrupted post.
 */
export function discordPoster(client: Client): Poster {
  const poster: Poster = async (sub, reply, key) => {
    try {
      return { ref: await sendToChannel(client, sub.channelId, reply, key ? discordNonce(key) : undefined) };
    } catch (err) {
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
    const description = renderReply(reply, { visibility: 'public' }).embeds[0]?.description;
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
  return String(BigInt(Math.max(0, at.getTime() - 1_420_070_400_000)) << 22n);
}
