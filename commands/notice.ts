import type { Reply } from './types.ts';

/** A short private message from the bot (refusals, confirmations): a heading and optional body. */
export const notice = (heading: string, body?: string): Reply => ({
  kind: 'notice',
  heading,
  ...(body ? { body } : {}),
  items: [],
  actions: [],
  visibility: 'private',
});
