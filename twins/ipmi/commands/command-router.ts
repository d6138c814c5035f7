import { InvalidTwinConfigError, TwinStateError } from '../../errors.js';
import type { IpmiRequest } from '../ipmi-message.js';
import { Privilege } from '../privilege.js';
import { APP_COMMANDS } from './app-commands.js';
import { CHASSIS_COMMANDS } from './chassis-commands.js';
import { CompletionCode, fail, type CommandContext, type CommandHandler, type Reply } from './command.js';
import { SENSOR_COMMANDS } from './sensor-commands.js';
import { STORAGE_COMMANDS } from './storage-commands.js';

export const COMMANDS: readonly CommandHandler[] = [...APP_COMMANDS, ...CHASSIS_COMMANDS, ...SENSOR_COMMANDS, ...STORAGE_COMMANDS];

const BY_KEY = new Map(COMMANDS.map((c) => [(c.netFn << 8) | c.cmd, c]));

export function findCommand(netFn: number, cmd: number): CommandHandler | undefined {
  return BY_KEY.get((netFn << 8) | cmd);
}

/**
 * Runs one request: unknown command C1h, too short C7h, too long C8h, above the
 * session's privilege (or outside a session when one is needed) D4h, refused in
 * the server's present state D5h, otherwise what the handler answers.
 */
export function dispatch(ctx: CommandContext, request: IpmiRequest): Reply {
  const handler = findCommand(request.netFn, request.cmd);
  if (!handler) return fail(CompletionCode.invalidCommand);
  const privilege = ctx.session ? ctx.session.privilege : Privilege.none;
  if (privilege < handler.privilege) return fail(CompletionCode.insufficientPrivilege);
  const [min, max] = handler.length;
  if (request.data.length < min) return fail(CompletionCode.lengthInvalid);
  if (request.data.length > max) return fail(CompletionCode.lengthExceeded);
  try {
    return handler.handle(ctx, request.data);
  } catch (error) {
    if (error instanceof TwinStateError) return fail(CompletionCode.notInPresentState);
    if (error instanceof InvalidTwinConfigError) return fail(CompletionCode.invalidDataField);
    throw error;
  }
}
