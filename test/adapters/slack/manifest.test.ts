import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config.ts';
import { slackCommandName, slackManifest, usageHint } from '../../../src/adapters/slack/manifest.ts';
import { createRegistry, loadRegistry } from '../../../commands/index.ts';
import ask from '../../../commands/ask.ts';
import search from '../../../commands/search.ts';

const http = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });

type Manifest = {
  features: { slash_commands: Array<{ command: string; description: string; usage_hint: string; url?: string }> };
  settings: { socket_mode_enabled: boolean; event_subscriptions: { request_url?: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url?: string } };
  oauth_config: { scopes: { bot: string[] } };
};

describe('slackManifest', () => {
  it("lists exactly the registry's commands, /help as /report-help", () => {
    const registry = loadRegistry();
    const m = slackManifest(http, registry) as unknown as Manifest;
    expect(m.features.slash_commands.map((c) => c.command)).toEqual(
      registry.commands.map((c) => (c.name === 'help' ? '/report-help' : `/${c.name}`)),
    );
    expect(m.features.slash_commands.map((c) => c.command)).toEqual(expect.arrayContaining(['/ask', '/search', '/source', '/report-help']));
  });

  it('follows the registry when commands are added or removed', () => {
    const m = slackManifest(http, createRegistry([ask, search])) as unknown as Manifest;
    expect(m.features.slash_commands.map((c) => c.command)).toEqual(['/ask', '/search']);
  });

  it('applies SLACK_COMMAND_PREFIX to every command', () => {
    const prefixed = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_COMMAND_PREFIX: 'rb-' });
    const m = slackManifest(prefixed, loadRegistry()) as unknown as Manifest;
    expect(m.features.slash_commands.every((c) => c.command.startsWith('/rb-'))).toBe(true);
    expect(slackCommandName(prefixed, 'help')).toBe('/rb-report-help');
  });

  it('sets request URLs in HTTP mode and turns Socket Mode on with an app token', () => {
    const h = slackManifest(http, loadRegistry(), 'https://bot.example.org/slack/events') as unknown as Manifest;
    expect(h.settings.socket_mode_enabled).toBe(false);
    expect(h.settings.event_subscriptions.request_url).toBe('https://bot.example.org/slack/events');
    expect(h.settings.interactivity.request_url).toBe('https://bot.example.org/slack/events');
    expect(h.features.slash_commands.every((c) => c.url === 'https://bot.example.org/slack/events')).toBe(true);

    const s = slackManifest(socket, loadRegistry()) as unknown as Manifest;
    expect(s.settings.socket_mode_enabled).toBe(true);
    expect(s.settings.event_subscriptions.request_url).toBeUndefined();
    expect(s.features.slash_commands.every((c) => c.url === undefined)).toBe(true);
  });

  it('subscribes to mentions, DMs and thread replies with the scopes they need', () => {
    const m = slackManifest(http, loadRegistry()) as unknown as Manifest;
    expect(m.settings.event_subscriptions.bot_events).toEqual(['app_mention', 'message.im', 'message.channels', 'message.groups']);
    expect(m.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'app_mentions:read', 'chat:write', 'reactions:write', 'im:history', 'channels:history']),
    );
  });

  it('is plain data that survives JSON and YAML', () => {
    const m = slackManifest(http, loadRegistry());
    expect(parse(JSON.stringify(m))).toEqual(m);
  });

  it('writes usage hints from the options', () => {
    expect(usageHint(ask)).toBe('<question>');
    expect(usageHint({ options: search.options })).toBe('<terms> [section]');
    expect(usageHint(search)).toBe('<words> [in:section-id]');
  });
});
