import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../commands/index.ts';
import { loadConfig } from '../../../src/config.ts';
import { ConfigError } from '../../../src/errors.ts';
import { buildCommandJson } from '../../../src/adapters/discord/commands.ts';
import { deployCommands } from '../../../src/adapters/discord/deploy.ts';
import { APP_ID, DiscordStandIn, GUILD_ID, TOKEN } from './stand-in.ts';

describe('deployCommands', () => {
  let standIn: DiscordStandIn;
  beforeAll(async () => {
    standIn = await DiscordStandIn.start();
  });
  afterAll(async () => {
    await standIn.close();
  });

  const env = (extra: Record<string, string> = {}) =>
    loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: standIn.apiUrl, ...extra });

  it('replaces the global commands with one PUT of the generated JSON', async () => {
    const registry = loadRegistry();
    const from = standIn.calls.length;
    const result = await deployCommands({ config: env(), registry });
    const put = standIn.calls.slice(from).find((c) => c.method === 'PUT')!;
    expect(put.path).toBe(`/applications/${APP_ID}/commands`);
    expect(put.authorization).toBe(`Bot ${TOKEN}`);
    expect(put.body).toEqual(buildCommandJson(registry));
    expect(result).toEqual({ scope: 'global', commands: registry.names() });
  });

  it('registers in one server when DISCORD_GUILD_ID is set', async () => {
    const from = standIn.calls.length;
    const result = await deployCommands({ config: env({ DISCORD_GUILD_ID: GUILD_ID }), registry: loadRegistry() });
    expect(standIn.calls.slice(from).find((c) => c.method === 'PUT')!.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(result.scope).toBe('guild');
    expect(result.guildId).toBe(GUILD_ID);
  });

  it('sends its requests through an injected fetch', async () => {
    const seen: string[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(`${init?.method} ${String(input)}`);
      return fetch(input, init);
    };
    await deployCommands({ config: env(), registry: loadRegistry(), fetch: spy });
    expect(seen).toEqual([`PUT ${standIn.apiUrl}/v10/applications/${APP_ID}/commands`]);
  });

  it('names the missing variables', async () => {
    await expect(deployCommands({ config: loadConfig({}), registry: loadRegistry() })).rejects.toThrow(
      'Cannot deploy Discord commands: set DISCORD_TOKEN and DISCORD_APPLICATION_ID.',
    );
  });

  it('names DISCORD_TOKEN when Discord rejects it, without printing it', async () => {
    const err = await deployCommands({ config: env({ DISCORD_TOKEN: 'wrong-token-value' }), registry: loadRegistry() }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('DISCORD_TOKEN');
    expect((err as Error).message).not.toContain('wrong-token-value');
  });
});
