/**
 * The last line of defence: an exception or rejection nothing else caught is logged with an error id
 * and the process keeps serving. Every request path catches its own errors (the HTTP guard, Bolt's
 * error handlers, runCommand); this exists so that a bug in one of them costs one request, not the
 * bot. Start-up failures still exit: they are handled before this is installed.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from './log.ts';

/** Installs the handlers once per process; returns a function that removes them (tests). */
export function installLastResort(logger: Logger, newErrorId: () => string = () => randomBytes(4).toString('hex')): () => void {
  const onRejection = (reason: unknown): void => {
    logger.error({ err: reason, errorId: newErrorId() }, 'unhandled rejection; still serving');
  };
  const onException = (err: Error): void => {
    logger.error({ err, errorId: newErrorId() }, 'uncaught exception; still serving');
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
