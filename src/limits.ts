/**
 * Limits stated once. The question length is a setting (`MAX_QUESTION_CHARS`, checked by the adapters
 * and the CLI, which refuse a longer question with a message); the engine cuts at the same length as a
 * last guard for callers that do not check.
 */
export const DEFAULT_MAX_QUESTION_CHARS = 1000;
