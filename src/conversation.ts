/**
 * The previous turn of each conversation — a terminal session, a Slack thread or DM, a Discord DM or a
 * user's mentions in a channel — so a follow-up ("and what about Bolivia?", "why?", "tell me more") is
 * read against it. In memory, bounded, and forgotten after a while: a conversation is short.
 */
import type { Turn } from './answer/follow-up.ts';

export interface ConversationOptions {
  /** Conversations remembered at once; the oldest is forgotten first. */
  maxConversations: number;
  /** A turn older than this no longer counts as the previous one. */
  ttlMs: number;
}

export const defaultConversationOptions: ConversationOptions = { maxConversations: 10_000, ttlMs: 30 * 60_000 };

export class Conversations {
  private readonly turns = new Map<string, { turn: Turn; at: number }>();

  constructor(
    private readonly options: ConversationOptions = defaultConversationOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The previous turn of a conversation, if it is recent. */
  previous(key: string): Turn | undefined {
    const entry = this.turns.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.options.ttlMs) {
      this.turns.delete(key);
      return undefined;
    }
    return entry.turn;
  }

  /** Remembers a conversation's latest turn. */
  remember(key: string, turn: Turn): void {
    this.turns.delete(key);
    this.turns.set(key, { turn, at: this.now() });
    if (this.turns.size > this.options.maxConversations) {
      // A Map keeps insertion order: the first key is the conversation least recently remembered.
      const [oldest] = this.turns.keys();
      if (oldest !== undefined) this.turns.delete(oldest);
    }
  }
}
