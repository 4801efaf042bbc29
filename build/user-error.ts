// Errors the user can fix: the CLI prints `espimp: <message>` as one line and exits with
// exitCode: 1 (a failure: a missing file, a port in use), or 2 for a usage error (a bad option
// value), as commander's own usage errors do (host/cli.ts).
export class UserError extends Error {
  code: string;
  exitCode: number;
  constructor(message: string, code = 'ERR_USER', exitCode = 1) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}
