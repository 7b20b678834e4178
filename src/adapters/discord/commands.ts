/**
 * Slash-command JSON generated from the platform-neutral registry: each zod option becomes a typed
 * Discord option (string, integer, number, boolean), `.describe()` its description, `z.enum` its
 * choices, `.optional()`/`.default()` makes it optional, `subcommands` become SUB_COMMAND options.
 * {@link validateCommandJson} checks the result against Discord's rules before anything is deployed.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { z } from 'zod';
import type { Choice, Command, CommandContext } from '../../../commands/types.ts';
import type { Registry } from '../../../commands/index.ts';

export type CommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Discord's rules for chat-input commands (https://discord.com/developers/docs/interactions/application-commands). */
export const COMMAND_RULES = {
  name: /^[-_\p{L}\p{N}]{1,32}$/u,
  descriptionMax: 100,
  options: 25,
  choices: 25,
  choiceNameMax: 100,
  choiceValueMax: 100,
  stringLengthMax: 6000,
  commands: 100,
  /** Name, description and every option's name, description and choices together. */
  totalChars: 4000,
} as const;

/** `timeZone` → `time_zone`: Discord option names must be lower case. */
export function discordOptionName(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

type AnySchema = z.ZodType & { def: { type: string; innerType?: AnySchema; in?: AnySchema }; description?: string };

/** Strips optional/default/nullable/pipe wrappers; reports whether the option may be left out. */
function unwrap(schema: AnySchema): { inner: AnySchema; optional: boolean; description?: string } {
  let inner = schema;
  let description = schema.description;
  const optional = schema.safeParse(undefined).success;
  for (let i = 0; i < 10; i++) {
    const def = inner.def;
    const next =
      def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'readonly' ||
      def.type === 'catch' || def.type === 'prefault' || def.type === 'nonoptional'
        ? def.innerType
        : def.type === 'pipe'
          ? def.in
          : undefined;
    if (!next) break;
    inner = next;
    description ??= inner.description;
  }
  return { inner, optional, ...(description ? { description } : {}) };
}

/** A function that suggests values for an option, from the command or a Discord-side default. */
export type AutocompleteFn = (ctx: CommandContext<unknown>, partial: string) => Choice[];

const TIME_ZONE_KEY = /^(time_?zone|tz|zone)$/i;

/** IANA zone names, UTC first (the list Intl knows omits it on some Node builds). */
export function timeZoneChoices(partial: string): Choice[] {
  const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  const p = partial.trim().toLowerCase().replace(/\s+/g, '_');
  const starts = zones.filter((z) => z.toLowerCase().startsWith(p) || (z.toLowerCase().split('/').pop() ?? '').startsWith(p));
  const contains = zones.filter((z) => !starts.includes(z) && z.toLowerCase().includes(p));
  return [...starts, ...contains].map((z) => ({ name: z.replace(/_/g, ' '), value: z }));
}

/**
 * The autocomplete handler for an option: the command's own, else a time-zone list for an option named
 * like a time zone (digest subscriptions). Undefined when the option has no suggestions.
 */
export function autocompleteFor(command: Command, key: string): AutocompleteFn | undefined {
  const own = command.autocomplete?.[key];
  if (own) return own;
  if (TIME_ZONE_KEY.test(key)) return (_ctx, partial) => timeZoneChoices(partial);
  return undefined;
}

/** Truncates to Discord's description limit; an empty description is not allowed. */
function description(text: string | undefined, fallback: string): string {
  const d = (text ?? '').replace(/\s+/g, ' ').trim() || fallback;
  return d.length <= COMMAND_RULES.descriptionMax ? d : `${d.slice(0, COMMAND_RULES.descriptionMax - 1)}…`;
}

/** One zod field → one Discord option. Throws for types Discord cannot express. */
function toOption(command: Command, key: string, schema: AnySchema): APIApplicationCommandBasicOption {
  const { inner, optional, description: desc } = unwrap(schema);
  const name = discordOptionName(key);
  const base = { name, description: description(desc, `The ${name.replace(/_/g, ' ')}`), required: !optional };
  const type = inner.def.type;
  const autocomplete = autocompleteFor(command, key) !== undefined;
  const s = inner as unknown as {
    minLength?: number | null;
    maxLength?: number | null;
    minValue?: number | null;
    maxValue?: number | null;
    isInt?: boolean;
    options?: readonly unknown[];
  };
  switch (type) {
    case 'string': {
      const option: Record<string, unknown> = { ...base, type: ApplicationCommandOptionType.String };
      if (typeof s.minLength === 'number' && s.minLength > 0) option.min_length = Math.min(s.minLength, COMMAND_RULES.stringLengthMax);
      if (typeof s.maxLength === 'number') option.max_length = Math.min(Math.max(s.maxLength, 1), COMMAND_RULES.stringLengthMax);
      if (autocomplete) option.autocomplete = true;
      return option as unknown as APIApplicationCommandBasicOption;
    }
    case 'enum': {
      const values = (s.options ?? []).map(String);
      const option: Record<string, unknown> = { ...base, type: ApplicationCommandOptionType.String };
      // More than 25 values cannot be choices; zod still validates whatever the user types.
      if (values.length <= COMMAND_RULES.choices && values.every((v) => v.length <= COMMAND_RULES.choiceValueMax)) {
        option.choices = values.map((v) => ({ name: v, value: v }));
      } else if (autocomplete) {
        option.autocomplete = true;
      }
      return option as unknown as APIApplicationCommandBasicOption;
    }
    case 'number': {
      const option = {
        ...base,
        type: s.isInt ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.Number,
      } as APIApplicationCommandBasicOption & { min_value?: number; max_value?: number };
      if (typeof s.minValue === 'number' && Number.isFinite(s.minValue) && Math.abs(s.minValue) <= Number.MAX_SAFE_INTEGER)
        option.min_value = s.minValue;
      if (typeof s.maxValue === 'number' && Number.isFinite(s.maxValue) && Math.abs(s.maxValue) <= Number.MAX_SAFE_INTEGER)
        option.max_value = s.maxValue;
      return option;
    }
    case 'boolean':
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    default:
      throw new TypeError(`Command "${command.name}": option "${key}" has zod type "${type}", which Discord cannot express`);
  }
}

/** The options of a zod object, required ones first (Discord's rule), otherwise in declaration order. */
function toOptions(command: Command, shape: Record<string, unknown>, skip: ReadonlySet<string>): APIApplicationCommandBasicOption[] {
  const options = Object.entries(shape)
    .filter(([key]) => !skip.has(key))
    .map(([key, schema]) => toOption(command, key, schema as AnySchema));
  return [...options.filter((o) => o.required), ...options.filter((o) => !o.required)];
}

/** The `subcommand` key carries the chosen subcommand in raw options, never a user-typed option. */
const SUBCOMMAND_KEY = 'subcommand';

/** One registry command as Discord slash-command JSON. */
export function commandJson(command: Command): CommandJson {
  const json: CommandJson = {
    type: ApplicationCommandType.ChatInput,
    name: command.name,
    description: description(command.description, command.name),
    // Usable in servers and in DMs with the bot; installed to servers.
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
  let options: APIApplicationCommandOption[];
  if (command.subcommands?.length) {
    options = command.subcommands.map(
      (sub): APIApplicationCommandSubcommandOption => {
        const subOptions = toOptions(command, sub.options.shape, new Set([SUBCOMMAND_KEY]));
        return {
          type: ApplicationCommandOptionType.Subcommand,
          name: sub.name,
          description: description(sub.description, sub.name),
          ...(subOptions.length ? { options: subOptions } : {}),
        };
      },
    );
  } else {
    options = toOptions(command, command.options.shape, new Set());
  }
  if (options.length) json.options = options;
  return json;
}

/** Every registry command as Discord slash-command JSON; throws if the result breaks Discord's rules. */
export function buildCommandJson(registry: Pick<Registry, 'commands'>): CommandJson[] {
  const json = registry.commands.map(commandJson);
  const problems = validateCommandJson(json);
  if (problems.length) throw new TypeError(`Slash commands break Discord's rules:\n  - ${problems.join('\n  - ')}`);
  return json;
}

/** Lists every way `commands` breaks Discord's rules for chat-input commands (empty when valid). */
export function validateCommandJson(commands: CommandJson[]): string[] {
  const problems: string[] = [];
  if (commands.length > COMMAND_RULES.commands) problems.push(`${commands.length} commands (at most ${COMMAND_RULES.commands})`);
  const checkName = (name: string, where: string) => {
    if (!COMMAND_RULES.name.test(name) || name !== name.toLowerCase())
      problems.push(`${where}: name "${name}" must be 1–32 lower-case letters, digits, "-" or "_"`);
  };
  const checkDescription = (d: string | undefined, where: string) => {
    if (!d || d.length < 1 || d.length > COMMAND_RULES.descriptionMax) problems.push(`${where}: description must be 1–100 characters`);
  };
  const checkOptions = (options: readonly APIApplicationCommandOption[], where: string): number => {
    let chars = 0;
    if (options.length > COMMAND_RULES.options) problems.push(`${where}: ${options.length} options (at most 25)`);
    const names = new Set<string>();
    let seenOptional = false;
    for (const o of options) {
      const at = `${where} ${o.name}`;
      checkName(o.name, at);
      checkDescription(o.description, at);
      if (names.has(o.name)) problems.push(`${at}: duplicate option name`);
      names.add(o.name);
      chars += o.name.length + o.description.length;
      if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup) {
        chars += checkOptions((o.options ?? []) as APIApplicationCommandOption[], at);
        continue;
      }
      const required = 'required' in o && o.required === true;
      if (required && seenOptional) problems.push(`${at}: required options must come before optional ones`);
      if (!required) seenOptional = true;
      const choices = 'choices' in o ? (o.choices ?? []) : [];
      if (choices.length > COMMAND_RULES.choices) problems.push(`${at}: ${choices.length} choices (at most 25)`);
      for (const c of choices) {
        chars += c.name.length + String(c.value).length;
        if (c.name.length < 1 || c.name.length > COMMAND_RULES.choiceNameMax) problems.push(`${at}: choice name "${c.name}" must be 1–100 characters`);
        if (typeof c.value === 'string' && c.value.length > COMMAND_RULES.choiceValueMax) problems.push(`${at}: choice value too long`);
      }
      if ('autocomplete' in o && o.autocomplete && choices.length) problems.push(`${at}: autocomplete and choices cannot be combined`);
    }
    const hasSub = options.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup);
    if (hasSub && options.some((o) => o.type !== ApplicationCommandOptionType.Subcommand && o.type !== ApplicationCommandOptionType.SubcommandGroup))
      problems.push(`${where}: subcommands cannot be mixed with plain options`);
    return chars;
  };
  const seen = new Set<string>();
  for (const c of commands) {
    const where = `/${c.name}`;
    checkName(c.name, where);
    checkDescription(c.description, where);
    if (seen.has(c.name)) problems.push(`${where}: duplicate command name`);
    seen.add(c.name);
    const chars = c.name.length + (c.description?.length ?? 0) + checkOptions(c.options ?? [], where);
    if (chars > COMMAND_RULES.totalChars) problems.push(`${where}: ${chars} characters in total (at most 4000)`);
  }
  return problems;
}

/** A resolved option as discord.js reports it (only the fields read here). */
export interface InteractionOption {
  name: string;
  type: ApplicationCommandOptionType;
  value?: string | number | boolean;
  options?: readonly InteractionOption[];
}

/**
 * Turns an interaction's options back into raw options keyed like the zod schema
 * (`time_zone` → `timeZone`), with `subcommand` set for `/digest subscribe`-style commands.
 * Validation is left to `runCommand`.
 */
export function readInteractionOptions(command: Command, data: readonly InteractionOption[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  let list = data;
  const sub = data.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
  let shape: Record<string, unknown> = command.options.shape;
  if (sub) {
    raw[SUBCOMMAND_KEY] = sub.name;
    list = sub.options ?? [];
    shape = { ...shape, ...(command.subcommands?.find((s) => s.name === sub.name)?.options.shape ?? {}) };
  }
  const keyOf = optionKeyResolver(shape);
  for (const o of list) {
    if (o.value === undefined) continue;
    raw[keyOf(o.name)] = o.value;
  }
  return raw;
}

/** Maps a Discord option name back to the schema key it was generated from. */
export function optionKeyResolver(shape: Record<string, unknown>): (discordName: string) => string {
  const byName = new Map(Object.keys(shape).map((k) => [discordOptionName(k), k]));
  return (name) => byName.get(name) ?? name;
}
