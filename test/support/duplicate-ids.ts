/**
 * Values of one key (`action_id` on Slack, `custom_id` on Discord) that occur more than once anywhere in
 * a message: both platforms refuse such a message, so the stand-ins do too.
 */
export function duplicateValues(root: unknown, key: string): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const value = o[key];
      if (typeof value === 'string') {
        if (seen.has(value)) dup.add(value);
        seen.add(value);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(root);
  return [...dup];
}
