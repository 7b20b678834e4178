import { DiscordAPIError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ChannelGoneError } from '../../src/digest/posters.ts';
import { discordGone, discordRejected } from '../../src/adapters/discord/poster.ts';

/** A discord.js API error as its REST client raises it. */
const apiError = (status: number, code: number, message = 'error') =>
  new DiscordAPIError({ code, message }, code, status, 'POST', 'https://discord.test/api/v10/channels/1/messages', { body: undefined, files: undefined });

describe('discordRejected', () => {
  it('takes an invalid form body (50035) or a too-large message (413) as a refusal of the message', () => {
    expect(discordRejected(apiError(400, 50035))).not.toBeNull();
    expect(discordRejected(apiError(413, 0))).not.toBeNull();
  });

  it('does not take other 400s, which are about the channel, for a refused message', () => {
    expect(discordRejected(apiError(400, 50083))).toBeNull();
    expect(discordRejected(apiError(400, 50008))).toBeNull();
  });
});

describe('discordGone', () => {
  it.each([10003, 10004, 50001, 50013, 50008, 50083, 160005])('pauses on Discord error %i', (code) => {
    expect(discordGone(apiError(code === 50013 || code === 50001 ? 403 : 400, code))).toBeInstanceOf(ChannelGoneError);
  });

  it('leaves other errors to the retry logic', () => {
    expect(discordGone(apiError(500, 0))).toBeNull();
  });
});
