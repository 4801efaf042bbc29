// Errors the user can fix: the CLI prints the message as one line and exits 1.
export class UserError extends Error {
  code: string;
  exitCode: number;
  constructor(message: string, code = 'ERR_USER', exitCode = 1) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}
