/**
 * The platform-neutral command contract (after discord.js's template: a plain object that `satisfies
 * Command`). Nothing here imports Slack or Discord; adapters translate payloads into a
 * {@link CommandContext} and render the {@link Reply} they get back.
 */
import type { z } from 'zod';
import type { View } from '../src/actions.ts';
import type { Config } from '../src/config.ts';
import type { Logger } from '../src/log.ts';
import type { Engine } from '../src/answer/engine.ts';
import type { Store } from '../src/store/store.ts';
import type { Citation, Span } from '../src/answer/types.ts';
import type { Conversations } from '../src/conversation.ts';

export type Platform = 'slack' | 'discord' | 'console';

/** A verbatim excerpt with its citation, ready to render as a quote. */
export interface Quote {
  text: string;
  highlights: Span[];
  citation: Citation;
  /** Null when the quote is a document's metadata (its byline, its title) rather than a passage. */
  passageId: string | null;
}

/** Every kind of button a Reply can carry; adapters match platform action ids against this list. */
export const ACTION_KINDS = ['full_passage', 'more_results', 'share', 'feedback_up', 'feedback_down'] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

/** A button. `value` is a compact payload (≤ 80 characters) the adapter hands back on click. */
export interface Action {
  kind: ActionKind;
  label: string;
  value: string;
}

export type ReplyKind =
  | 'answer'
  | 'abstention'
  | 'results'
  | 'passage'
  | 'help'
  | 'notice'
  | 'error'
  | 'fact'
  | 'digest';

/** What a command returns; each platform renders it in its own `render.ts`. */
export interface Reply {
  kind: ReplyKind;
  /** One line written by the bot, e.g. "The report doesn't seem to cover that." */
  heading?: string;
  /** Bot-written plain text (help, notices, errors). Never report content; adapters escape it. */
  body?: string;
  /** The main excerpt (answers, a full passage, a fact). */
  quote?: Quote;
  /** Further excerpts: closest passages, search results, digest facts. */
  items: Quote[];
  actions: Action[];
  /** Small print under the reply, e.g. "Ask a follow-up with /ask". */
  footer?: string;
  /** `undefined` lets the adapter apply `ANSWER_VISIBILITY`. */
  visibility?: 'private' | 'public';
  /** Set on internal errors so users can quote it and operators can find the log line. */
  errorId?: string;
  /** The question as the user typed it (adapters escape it before echoing). */
  question?: string;
  /** Set by `runCommand` when the question was logged; feedback refers to it. */
  questionLogId?: number;
}

/** Everything a command may use; built by an adapter per invocation. */
export interface CommandContext<O = unknown> {
  engine: Engine;
  store: Store;
  config: Config;
  logger: Logger;
  platform: Platform;
  user: { id: string; name?: string };
  channel: { id: string; kind: 'channel' | 'dm' | 'thread' };
  /** Validated options. */
  options: O;
  /** Whether the user may manage the channel (Discord: Manage Channels permission); undefined = unknown. */
  canManageChannel?: boolean;
  now: () => Date;
  /** The registered commands (filled in by `runCommand`; `help` lists them). */
  commands?: ReadonlyArray<Pick<Command, 'name' | 'description'>>;
  /** How a user types a command on this platform (`ask` → `/rb-ask` on Slack with a prefix). Default `/${name}`. */
  commandLabel?: (name: string) => string;
  /** What the place the command came from offers; default {@link CHAT_SURFACE}. */
  surface?: Surface;
  /**
   * The conversation a question belongs to (a terminal session, a thread, a DM), so a follow-up is
   * read against the previous turn. Absent for one-off lookups.
   */
  conversation?: { key: string; memory: Conversations };
}

/** What a place where commands are typed offers, so a reply names only what is there. */
export interface Surface {
  /** Buttons under a reply (Full passage, More results, Share, 👍/👎). */
  buttons: boolean;
  /** A channel that digests can be posted to. */
  channel: boolean;
}

/** Slack and Discord: buttons and channels. */
export const CHAT_SURFACE: Surface = { buttons: true, channel: true };

/** What `ctx` offers (a chat surface unless the adapter says otherwise). */
export const surfaceOf = (ctx: Pick<CommandContext, 'surface'>): Surface => ctx.surface ?? CHAT_SURFACE;

/** How a user types command `name` where `ctx` came from: the platform's `commandLabel`, else `/${name}`. */
export function commandLabel(ctx: Pick<CommandContext, 'commandLabel'>, name: string): string {
  return ctx.commandLabel ? ctx.commandLabel(name) : `/${name}`;
}

/** A choice offered while the user types an option (Discord autocomplete). */
export interface Choice {
  name: string;
  value: string;
}

/** A subcommand (`/digest subscribe`): its own options. */
export interface Subcommand {
  name: string;
  description: string;
  options: z.ZodObject;
}

/**
 * A user command. `options` is a zod object: each key an option, `.describe()` its description,
 * `z.enum` its choices, `.optional()` when not required. Commands with `subcommands` take
 * `{ subcommand, ...that subcommand's options }`.
 */
export interface Command<S extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  options: S;
  subcommands?: Subcommand[];
  /** Parses a Slack-style text argument (`/digest subscribe 08:30 Europe/Berlin`) into raw options. */
  parseText?: (text: string) => Record<string, unknown>;
  /** Suggestions for an option while the user types (Discord autocomplete). */
  autocomplete?: Partial<Record<string, (ctx: CommandContext<unknown>, partial: string) => Choice[]>>;
  /** Whether a use counts against the per-user rate limit. Default true; `help` never touches the engine. */
  rateLimited?: boolean;
  /**
   * What the question log records for one of this command's replies, or undefined for none. The core
   * writes the entry and binds its id into the reply's buttons (feedback, More results, Share).
   */
  logAsQuestion?(options: z.infer<S>, reply: Reply): LoggedQuestion | undefined;
  /** How the views this command's buttons carry are produced again (More results, Share). */
  views?: ViewRenderers;
  execute(ctx: CommandContext<z.infer<S>>): Promise<Reply>;
}

/** One question-log entry as a command describes it (who asked and where, the core adds). */
export interface LoggedQuestion {
  question: string;
  answered: boolean;
  confidence: number;
  passageId: string | null;
}

/** What re-rendering a view may use: an invocation's context, without options. */
export type ViewContext = Omit<CommandContext, 'options'>;

/**
 * For each kind of {@link View} a command owns, the function that produces its reply again
 * (deterministically: the same reply as when the button was made), or undefined when it is gone.
 */
export type ViewRenderers = {
  [K in View['kind']]?: (view: Extract<View, { kind: K }>, ctx: ViewContext) => Reply | undefined;
};
