/**
 * The one interface every part of the running bot implements (after Bolt's `Receiver`): the Slack and
 * Discord adapters, the terminal, the digest scheduler. The composition root (`src/compose.ts`)
 * starts them, asks whether they are ready, and stops them; it never reaches inside.
 */
import type { Poster } from '../digest/posters.ts';

export type { Poster } from '../digest/posters.ts';

export interface Adapter {
  /** `slack`, `discord`, `terminal`, `digest`: in logs and in `/readyz`. */
  readonly name: string;
  /** Connects or listens; resolves once the part serves. Rejects with a coded error that says why not. */
  start(): Promise<void>;
  /** True while the part serves (started and, for a gateway, connected). */
  ready(): boolean;
  /** Stops taking new work at once, the first step of shutdown; work in flight goes on. */
  quiesce(): void;
  /** Finishes the work in flight within `graceMs`, then disconnects. */
  stop(graceMs: number): Promise<void>;
  /**
   * Posting on its own in a channel (digests), for platforms that can. Usable once `start` resolved;
   * throws the digest port's coded errors (`CHANNEL_GONE`, `MESSAGE_REJECTED`).
   */
  readonly poster?: Poster;
}
