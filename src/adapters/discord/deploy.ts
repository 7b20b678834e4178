/**
 * `npm run cli -- discord deploy`: registers the registry's slash commands with Discord in one bulk
 * overwrite (PUT), globally or — when DISCORD_GUILD_ID is set — in one server, where changes show up
 * at once (global commands can take a while to reach every client).
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import type { Registry } from '../../../commands/index.ts';
import type { Config } from '../../config.ts';
import { ConfigError, ReportBotError } from '../../errors.ts';
import { buildCommandJson, type CommandJson } from './commands.ts';

export interface DeployOptions {
  config: Config;
  registry: Pick<Registry, 'commands'>;
  /**
   * A fetch-compatible function for the HTTP requests (tests, proxies); default: discord.js's own
   * client. Requests go to DISCORD_API_URL when set.
   */
  fetch?: typeof fetch;
}

export interface DeployResult {
  scope: 'global' | 'guild';
  guildId?: string;
  /** Names of the commands Discord now has, as it reported them. */
  commands: string[];
}

/** Registers every command, replacing the ones registered before. */
export async function deployCommands({ config, registry, fetch: fetchFn }: DeployOptions): Promise<DeployResult> {
  const token = config.DISCORD_TOKEN;
  const appId = config.DISCORD_APPLICATION_ID;
  if (!token || !appId) {
    const missing = [!token && 'DISCORD_TOKEN', !appId && 'DISCORD_APPLICATION_ID'].filter(Boolean);
    throw new ConfigError(`Cannot deploy Discord commands: set ${missing.join(' and ')}.`);
  }
  const body: CommandJson[] = buildCommandJson(registry);
  const rest = new REST({
    ...(config.DISCORD_API_URL ? { api: config.DISCORD_API_URL } : {}),
    ...(fetchFn ? { makeRequest: fetchFn as unknown as NonNullable<ConstructorParameters<typeof REST>[0]>['makeRequest'] } : {}),
  }).setToken(token);
  const guildId = config.DISCORD_GUILD_ID;
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  try {
    const result = (await rest.put(route, { body })) as { name: string }[];
    return { scope: guildId ? 'guild' : 'global', ...(guildId ? { guildId } : {}), commands: result.map((c) => c.name) };
  } catch (err) {
    if (err instanceof DiscordAPIError && err.status === 401) {
      throw new ConfigError('Discord rejected DISCORD_TOKEN while deploying commands: copy the bot token again from the Developer Portal.');
    }
    if (err instanceof DiscordAPIError && (err.status === 403 || err.status === 404)) {
      throw new ConfigError(
        `Discord refused to register commands (${err.status} ${err.message}): check DISCORD_APPLICATION_ID` +
          (guildId ? ' and DISCORD_GUILD_ID (the bot must have been invited to that server with the applications.commands scope)' : '') +
          '.',
      );
    }
    throw new ReportBotError('PLATFORM_FAILED', `Deploying Discord commands failed: ${(err as Error).message}`, { cause: err });
  }
}
