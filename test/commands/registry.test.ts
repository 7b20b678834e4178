import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRegistry, loadRegistry, validateCommand, commandModules } from '../../commands/index.ts';
import type { Command } from '../../commands/types.ts';

const command = (over: Partial<Command> = {}): Command => ({
  name: 'echo',
  description: 'Repeats',
  options: z.object({}),
  execute: async () => ({ kind: 'notice', items: [], actions: [] }),
  ...over,
});

describe('command registry', () => {
  it('loads ask, search, source and help first, in order, plus any appended commands', () => {
    expect(loadRegistry().names().slice(0, 4)).toEqual(['ask', 'search', 'source', 'help']);
    expect(loadRegistry().names()).toEqual(commandModules.map((c) => c.name));
  });

  it('finds commands by name', () => {
    const r = loadRegistry();
    expect(r.get('ask')?.description).toMatch(/question/i);
    expect(r.has('search')).toBe(true);
    expect(r.get('nope')).toBeUndefined();
  });

  it('refuses duplicate names at start-up, naming the duplicate', () => {
    expect(() => createRegistry([command(), command()])).toThrow('Duplicate command name "echo"');
  });

  it('refuses a module without execute', () => {
    expect(() => createRegistry([{ name: 'x', description: 'd', options: z.object({}) }])).toThrow(
      'Invalid command #1 "x": execute must be a function',
    );
  });

  it('refuses options that are not a zod object', () => {
    expect(() => validateCommand(command({ options: { question: 'string' } as never }))).toThrow('options must be a zod object schema');
  });

  it('refuses names no platform accepts', () => {
    expect(() => validateCommand(command({ name: 'Ask Me' }))).toThrow(/name must be lower-case/);
  });

  it('refuses autocomplete for an option that does not exist', () => {
    expect(() => validateCommand(command({ autocomplete: { ghost: () => [] } }))).toThrow('autocomplete names an unknown option "ghost"');
  });

  it('refuses descriptions Slack and Discord would reject', () => {
    expect(() => validateCommand(command({ description: '' }))).toThrow('description must be 1–100 characters');
    expect(() => validateCommand(command({ description: 'x'.repeat(101) }))).toThrow('description must be 1–100 characters');
  });

  it('accepts every built-in command', () => {
    for (const c of commandModules) expect(() => validateCommand(c)).not.toThrow();
  });

  it('refuses a view no button makes, and two commands rendering one view', () => {
    expect(() => validateCommand({ ...command(), views: { poem: () => undefined } })).toThrow('views names an unknown view "poem"');
    expect(() => createRegistry([command({ name: 'one', views: { search: () => undefined } }), command({ name: 'two', views: { search: () => undefined } })])).toThrow(
      'Commands "one" and "two" both render the view "search": one command owns each view.',
    );
  });
});
