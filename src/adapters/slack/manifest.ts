/**
 * The Slack app manifest ("Create an app → From a manifest") and the slash command names, both
 * derived from the registry and the configuration so they can never disagree with what the app serves.
 */
import type { Config } from '../../config.ts';
import type { Registry } from '../../../commands/index.ts';
import type { Command } from '../../../commands/types.ts';

/**
 * Slack reserves `/help`, so the help command is `/report-help` there. Other commands keep their
 * names. `SLACK_COMMAND_PREFIX` is prepended to all of them.
 */
const SLACK_RENAMES: Record<string, string> = { help: 'report-help' };

/** The slash command (with the leading "/") that runs `name` in this workspace. */
export function slackCommandName(config: Pick<Config, 'SLACK_COMMAND_PREFIX'>, name: string): string {
  return `/${config.SLACK_COMMAND_PREFIX}${SLACK_RENAMES[name] ?? name}`;
}

/** Hints for commands whose Slack text differs from their option names (`parseText`). */
const SLACK_USAGE: Record<string, string> = {
  search: '<words> [in:section-id]',
  source: '<passage id>',
};

/**
 * A short usage hint: a Slack-specific one when the text is parsed, else from the options — required
 * ones as `<name>`, optional as `[name]`.
 */
export function usageHint(command: Pick<Command, 'options' | 'subcommands'> & { name?: string }): string {
  const fixed = command.name ? SLACK_USAGE[command.name] : undefined;
  if (fixed) return fixed;
  if (command.subcommands?.length) return command.subcommands.map((s) => s.name).join(' | ');
  return Object.entries(command.options.shape)
    .map(([key, schema]) => ((schema as { isOptional(): boolean }).isOptional() ? `[${key}]` : `<${key}>`))
    .join(' ');
}

/** Bot scopes the app needs, each for a reason. */
export const BOT_SCOPES = [
  'commands', // slash commands
  'app_mentions:read', // @mentions in channels
  'chat:write', // replies, threads, ephemeral messages
  'reactions:write', // adding and removing the 👀 while a slow answer is being found and posted
  'im:history', // questions in a DM
  'im:write', // answering in a DM
  'channels:history', // follow-ups in threads the bot answered (public channels)
  'groups:history', // … and in private channels
] as const;

export const BOT_EVENTS = ['app_mention', 'message.im', 'message.channels', 'message.groups'] as const;

/** The manifest as an object (print it as JSON or YAML). `requestUrl` is the public HTTPS endpoint in HTTP mode. */
export function slackManifest(
  config: Pick<Config, 'SLACK_COMMAND_PREFIX' | 'SLACK_APP_TOKEN'>,
  registry: Pick<Registry, 'commands'>,
  requestUrl = 'https://YOUR-PUBLIC-HOST/slack/events',
): Record<string, unknown> {
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  const url = socketMode ? {} : { url: requestUrl };
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'Report Bot',
      description: 'Answers questions about the report with quoted, cited passages.',
      background_color: '#2c3e50',
    },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: 'Report Bot', always_online: true },
      slash_commands: registry.commands.map((c) => ({
        command: slackCommandName(config, c.name),
        description: c.description.slice(0, 100),
        usage_hint: usageHint(c).slice(0, 100),
        should_escape: false,
        ...url,
      })),
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { ...(socketMode ? {} : { request_url: requestUrl }), bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...(socketMode ? {} : { request_url: requestUrl }) },
      org_deploy_enabled: false,
      socket_mode_enabled: socketMode,
      token_rotation_enabled: false,
    },
  };
}
