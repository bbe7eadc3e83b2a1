/** Builds the single-object arguments of the server's workspace/executeCommand commands. */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export const SERVER_COMMANDS = {
  edit: 'specedit.edit',
  editFromComment: 'specedit.editFromComment',
  rename: 'specedit.rename',
  fix: 'specedit.fix',
  applySketch: 'specedit.applySketch',
  cancel: 'specedit.cancel',
  undo: 'specedit.undo',
} as const;

export interface EditArgs {
  uri: string;
  range?: Range;
  instruction: string;
}

export interface RenameArgs {
  uri: string;
  position: Position;
  newName?: string;
}

function isEmptyRange(range: Range | undefined): boolean {
  return range === undefined || (range.start.line === range.end.line && range.start.character === range.end.character);
}

/**
 * The selection goes as the range; an empty one (the cursor) makes the server pick the
 * enclosing syntax node; no range at all means the whole file.
 */
export function editArgs(uri: string, selection: Range | undefined, instruction: string): EditArgs {
  const args: EditArgs = { uri, instruction: instruction.trim() };
  if (selection !== undefined) {
    args.range = selection;
  }
  return args;
}

/** An empty selection sends no range: the server looks for the directive comment anywhere. */
export function editFromCommentArgs(uri: string, selection: Range | undefined): { uri: string; range?: Range } {
  return isEmptyRange(selection) ? { uri } : { uri, range: selection };
}

/** A blank new name is left out: the server (model) proposes one. */
export function renameArgs(uri: string, position: Position, newName: string | undefined): RenameArgs {
  const args: RenameArgs = { uri, position };
  const name = newName?.trim();
  if (name) {
    args.newName = name;
  }
  return args;
}

export function cancelArgs(uri?: string): { uri?: string } {
  return uri === undefined ? {} : { uri };
}

/** An identifier-shaped new name, or an error message for the input box. */
export function validateNewName(value: string): string | undefined {
  const name = value.trim();
  if (name === '') {
    return undefined;
  }
  return /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name) ? undefined : 'Not an identifier';
}

/**
 * The server's code actions carry commands that may lack what only the client
 * can ask for (an instruction, a new name). Returns which prompt is needed, if any.
 */
export function missingInput(command: string, args: unknown[]): 'instruction' | 'newName' | undefined {
  const first = (args[0] ?? {}) as Record<string, unknown>;
  if (command === SERVER_COMMANDS.edit && typeof first.instruction !== 'string') {
    return 'instruction';
  }
  if (command === SERVER_COMMANDS.rename && typeof first.newName !== 'string') {
    return 'newName';
  }
  return undefined;
}
