import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRegistry, loadRegistry } from '../../../commands/index.ts';
import type { Command } from '../../../commands/types.ts';
import {
  buildCommandJson,
  commandJson,
  readInteractionOptions,
  timeZoneChoices,
  validateCommandJson,
  type CommandJson,
} from '../../../src/adapters/discord/commands.ts';
import { inviteUrl } from '../../../src/adapters/discord/index.ts';

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

const command = (c: Partial<Command>): Command => ({
  name: 'probe',
  description: 'A probe',
  options: z.object({}),
  execute: async () => ({ kind: 'notice', items: [], actions: [] }),
  ...c,
});

describe('slash-command JSON for the real registry', () => {
  const json = buildCommandJson(loadRegistry());

  it('has one command per registry entry and obeys Discord’s rules', () => {
    expect(json.map((c) => c.name)).toEqual(loadRegistry().names());
    expect(validateCommandJson(json)).toEqual([]);
    const walk = (options: CommandJson['options'] = []) => {
      expect(options.length).toBeLessThanOrEqual(25);
      let optionalSeen = false;
      for (const o of options) {
        expect(o.name).toMatch(NAME);
        expect(o.name).toBe(o.name.toLowerCase());
        expect(o.description.length).toBeGreaterThanOrEqual(1);
        expect(o.description.length).toBeLessThanOrEqual(100);
        if ('options' in o && o.type === 1) walk(o.options as CommandJson['options']);
        const required = 'required' in o && o.required === true;
        if (required) expect(optionalSeen).toBe(false);
        else optionalSeen = true;
      }
    };
    for (const c of json) {
      expect(c.name).toMatch(NAME);
      expect(c.name).toBe(c.name.toLowerCase());
      expect(c.description.length).toBeGreaterThanOrEqual(1);
      expect(c.description.length).toBeLessThanOrEqual(100);
      walk(c.options);
    }
  });

  it('marks /source ids and /search sections for autocomplete', () => {
    const option = (cmd: string, name: string) =>
      json.find((c) => c.name === cmd)!.options!.find((o) => o.name === name) as { autocomplete?: boolean; required?: boolean };
    expect(option('source', 'id')).toMatchObject({ autocomplete: true, required: true });
    expect(option('search', 'section')).toMatchObject({ autocomplete: true, required: false });
    expect(option('ask', 'question')).toMatchObject({ required: true });
    expect(option('ask', 'question').autocomplete).toBeUndefined();
  });

  it('can be used in servers and in DMs with the bot', () => {
    for (const c of json) expect(c.contexts).toEqual([0, 1]);
  });
});

describe('commandJson', () => {
  it('maps zod types, descriptions, enums, optionality and camelCase keys to Discord options, required first', () => {
    const json = commandJson(
      command({
        options: z.object({
          verbose: z.boolean().optional().describe('Say more'),
          limit: z.coerce.number().int().min(1).max(10).default(3).describe('How many'),
          weight: z.number().describe('A weight'),
          mode: z.enum(['fast', 'exact']).describe('Ranking mode'),
          searchTerms: z.string().min(2).max(300).describe('What to look for'),
          note: z.string().trim().optional(),
        }),
      }),
    );
    expect(json.options).toEqual([
      { name: 'weight', description: 'A weight', required: true, type: 10 },
      { name: 'mode', description: 'Ranking mode', required: true, type: 3, choices: [{ name: 'fast', value: 'fast' }, { name: 'exact', value: 'exact' }] },
      { name: 'search_terms', description: 'What to look for', required: true, type: 3, min_length: 2, max_length: 300 },
      { name: 'verbose', description: 'Say more', required: false, type: 5 },
      { name: 'limit', description: 'How many', required: false, type: 4, min_value: 1, max_value: 10 },
      { name: 'note', description: 'The note', required: false, type: 3 },
    ]);
  });

  it('turns subcommands into SUB_COMMAND options and offers time zones for a time-zone option', () => {
    const json = commandJson(
      command({
        name: 'digest',
        options: z.object({ subcommand: z.enum(['subscribe', 'status']), timezone: z.string().optional() }),
        subcommands: [
          { name: 'subscribe', description: 'Subscribe', options: z.object({ timezone: z.string().optional().describe('Zone') }) },
          { name: 'status', description: 'Status', options: z.object({}) },
        ],
      }),
    );
    expect(json.options).toEqual([
      {
        type: 1,
        name: 'subscribe',
        description: 'Subscribe',
        options: [{ name: 'timezone', description: 'Zone', required: false, type: 3, autocomplete: true }],
      },
      { type: 1, name: 'status', description: 'Status' },
    ]);
  });

  it('shortens descriptions to 100 characters', () => {
    const json = commandJson(command({ options: z.object({ q: z.string().describe('d'.repeat(150)) }) }));
    expect(json.options![0]!.description).toHaveLength(100);
  });

  it('refuses a zod type Discord cannot express, naming the command and option', () => {
    const registry = createRegistry([command({ options: z.object({ tags: z.array(z.string()) }) })]);
    expect(() => buildCommandJson(registry)).toThrow('Command "probe": option "tags" has zod type "array"');
  });
});

describe('validateCommandJson', () => {
  const base = (extra: Partial<CommandJson>): CommandJson => ({ name: 'ok', description: 'Fine', type: 1, ...extra });
  const option = (name: string, required: boolean) => ({ name, description: 'x', type: 3 as const, required });

  it('accepts a valid command', () => {
    expect(validateCommandJson([base({ options: [option('a', true), option('b', false)] })])).toEqual([]);
  });

  it('reports upper-case or over-long names, bad descriptions, too many options, and required after optional', () => {
    const problems = validateCommandJson([
      base({ name: 'Ask' }),
      base({ name: 'a'.repeat(33) }),
      base({ name: 'long', description: 'x'.repeat(101) }),
      base({ name: 'many', options: Array.from({ length: 26 }, (_, i) => option(`o${i}`, false)) }),
      base({ name: 'order', options: [option('a', false), option('b', true)] }),
      base({
        name: 'choices',
        options: [{ ...option('c', true), choices: Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })) }],
      }),
    ]);
    expect(problems).toEqual([
      '/Ask: name "Ask" must be 1–32 lower-case letters, digits, "-" or "_"',
      `/${'a'.repeat(33)}: name "${'a'.repeat(33)}" must be 1–32 lower-case letters, digits, "-" or "_"`,
      '/long: description must be 1–100 characters',
      '/many: 26 options (at most 25)',
      '/order b: required options must come before optional ones',
      '/choices c: 26 choices (at most 25)',
    ]);
  });
});

describe('readInteractionOptions', () => {
  const cmd = command({
    options: z.object({ subcommand: z.enum(['subscribe']), timeZone: z.string().optional(), count: z.number().optional() }),
    subcommands: [{ name: 'subscribe', description: 's', options: z.object({ timeZone: z.string(), count: z.number() }) }],
  });

  it('maps Discord option names back to schema keys and names the subcommand', () => {
    expect(
      readInteractionOptions(cmd, [
        {
          name: 'subscribe',
          type: 1,
          options: [
            { name: 'time_zone', type: 3, value: 'Europe/Berlin' },
            { name: 'count', type: 4, value: 2 },
          ],
        },
      ]),
    ).toEqual({ subcommand: 'subscribe', timeZone: 'Europe/Berlin', count: 2 });
  });

  it('reads plain options', () => {
    expect(readInteractionOptions(command({ options: z.object({ question: z.string() }) }), [{ name: 'question', type: 3, value: 'Why?' }])).toEqual({
      question: 'Why?',
    });
  });
});

describe('inviteUrl', () => {
  it('asks for the bot and applications.commands scopes and exactly the permissions the bot uses', () => {
    const url = new URL(inviteUrl('123456789012345678'));
    expect(url.origin + url.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(url.searchParams.get('client_id')).toBe('123456789012345678');
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    // View Channel, Send Messages, Send Messages in Threads, Embed Links, Read Message History, Add Reactions.
    expect(url.searchParams.get('permissions')).toBe('274877992000');
  });
});

describe('timeZoneChoices', () => {
  it('finds zones by city, with underscores shown as spaces', () => {
    expect(timeZoneChoices('berl')).toEqual([{ name: 'Europe/Berlin', value: 'Europe/Berlin' }]);
    expect(timeZoneChoices('new_y')[0]).toEqual({ name: 'America/New York', value: 'America/New_York' });
    expect(timeZoneChoices('new y')[0]!.value).toBe('America/New_York');
    expect(timeZoneChoices('')[0]!.value).toBe('UTC');
  });
});
