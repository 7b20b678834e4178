/**
 * The command registry. Every module is validated when the registry is built, and a duplicate name
 * stops start-up, so a broken command fails at boot rather than when a user first calls it.
 */
import { z } from 'zod';
import type { Command } from './types.ts';
import type { View } from '../src/actions.ts';
import ask from './ask.ts';
import search from './search.ts';
import source from './source.ts';
import help from './help.ts';
import fact from './fact.ts';
import digest from './digest.ts';
import reports from './reports.ts';

/**
 * The commands the bot serves, in the order help lists them. New commands (fact, digest) are
 * imported above and appended here.
 */
export const commandModules: readonly Command[] = [ask, search, source, help, fact, digest, reports];

/** Looks commands up by name. */
export interface Registry {
  /** In registration order. */
  readonly commands: readonly Command[];
  get(name: string): Command | undefined;
  has(name: string): boolean;
  names(): string[];
}

/** Lower-case words joined by "-" or "_": valid as a Slack and a Discord command name. */
const COMMAND_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Throws a TypeError naming the module and what is wrong with it. */
export function validateCommand(candidate: unknown, where = 'command'): asserts candidate is Command {
  const named = (c: unknown) => (c && typeof c === 'object' && typeof (c as { name?: unknown }).name === 'string' ? ` "${(c as { name: string }).name}"` : '');
  const fail = (why: string): never => {
    throw new TypeError(`Invalid ${where}${named(candidate)}: ${why}`);
  };
  if (!candidate || typeof candidate !== 'object') return fail('expected an object with name, description, options and execute');
  const c = candidate as Partial<Record<keyof Command, unknown>>;
  if (typeof c.name !== 'string' || !COMMAND_NAME.test(c.name)) fail('name must be lower-case letters, digits, "-" or "_" (≤ 32)');
  if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 100) fail('description must be 1–100 characters');
  const options = c.options;
  if (!(options instanceof z.ZodObject)) return fail('options must be a zod object schema');
  if (typeof c.execute !== 'function') fail('execute must be a function');
  if (c.parseText !== undefined && typeof c.parseText !== 'function') fail('parseText must be a function');
  if (c.autocomplete !== undefined) {
    for (const [key, fn] of Object.entries(c.autocomplete as object)) {
      if (!(key in options.shape)) fail(`autocomplete names an unknown option "${key}"`);
      if (typeof fn !== 'function') fail(`autocomplete for "${key}" must be a function`);
    }
  }
  if (c.rateLimited !== undefined && typeof c.rateLimited !== 'boolean') fail('rateLimited must be true or false');
  if (c.logAsQuestion !== undefined && typeof c.logAsQuestion !== 'function') fail('logAsQuestion must be a function');
  for (const [kind, render] of Object.entries((c.views ?? {}) as object)) {
    if (!VIEW_KINDS.includes(kind)) fail(`views names an unknown view "${kind}" (known: ${VIEW_KINDS.join(', ')})`);
    if (typeof render !== 'function') fail(`the view "${kind}" must be a function`);
  }
  for (const sub of (c.subcommands ?? []) as Array<{ name?: unknown; options?: unknown }>) {
    if (typeof sub.name !== 'string' || !COMMAND_NAME.test(sub.name)) fail('every subcommand needs a valid name');
    if (!(sub.options instanceof z.ZodObject)) fail(`subcommand "${String(sub.name)}" options must be a zod object schema`);
  }
}

/** Every kind of button view (src/actions.ts `View`); one command renders each. */
const VIEW_KINDS: readonly string[] = ['ask', 'ask-more', 'search', 'source'] satisfies ReadonlyArray<View['kind']>;

/** Builds a registry; throws on an invalid module or a duplicate name (naming it). */
export function createRegistry(commands: readonly unknown[]): Registry {
  const byName = new Map<string, Command>();
  const viewOwner = new Map<string, string>();
  commands.forEach((candidate, i) => {
    validateCommand(candidate, `command #${i + 1}`);
    if (byName.has(candidate.name)) throw new Error(`Duplicate command name "${candidate.name}": each command needs its own name.`);
    byName.set(candidate.name, candidate);
    for (const kind of Object.keys(candidate.views ?? {})) {
      const owner = viewOwner.get(kind);
      if (owner) throw new Error(`Commands "${owner}" and "${candidate.name}" both render the view "${kind}": one command owns each view.`);
      viewOwner.set(kind, candidate.name);
    }
  });
  const list = Object.freeze([...byName.values()]);
  return {
    commands: list,
    get: (name) => byName.get(name),
    has: (name) => byName.has(name),
    names: () => list.map((c) => c.name),
  };
}

/** The registry of every built-in command. */
export function loadRegistry(): Registry {
  return createRegistry(commandModules);
}
