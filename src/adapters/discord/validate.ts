/**
 * The shape of what the Discord adapter reads from an interaction or a message, checked with zod at
 * the adapter's edge before any handler touches it (issue 8, item 6). discord.js builds its objects
 * from the gateway's JSON without checking types, so a custom id that is a number, an option whose
 * value is an object or a missing user reach us as they came. A payload that does not fit is
 * acknowledged (an ephemeral notice where Discord expects an answer) and logged.
 */
import { z } from 'zod';

const snowflake = z.string().regex(/^\d{1,25}$/);

type OptionShape = { name: string; type: number; value?: string | number | boolean | undefined; options?: OptionShape[] | undefined };
const option: z.ZodType<OptionShape> = z.lazy(() =>
  z.looseObject({
    name: z.string().min(1).max(100),
    type: z.number().int(),
    value: z.union([z.string().max(6_000), z.number(), z.boolean()]).optional(),
    options: z.array(option).max(25).optional(),
  }),
);

const user = z.looseObject({ id: snowflake });

export const buttonSchema = z.looseObject({ customId: z.string().min(1).max(100), user, channelId: snowflake.nullable() });
export const commandSchema = z.looseObject({
  commandName: z.string().min(1).max(100),
  user,
  channelId: snowflake.nullable(),
  options: z.looseObject({ data: z.array(option).max(25) }),
});
export const messageSchema = z.looseObject({
  content: z.string().max(10_000),
  author: z.looseObject({ id: snowflake, bot: z.boolean().optional() }),
  channelId: snowflake,
});

/** Why a payload is unusable, or undefined when it fits. */
export function problem(schema: z.ZodType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  if (r.success) return undefined;
  return r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`)
    .join('; ');
}
