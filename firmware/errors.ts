// Programmer errors: thrown Errors carrying a stable `code` (ERR_*). On a board the message
// is the code and the value given; the host installs the sentences (host/messages.ts) so
// no message table costs board RAM.

var sentences: { [code: string]: string } | null = null;

/** Host only: install code -> sentence, used in thrown messages from then on. */
export function setMessages(table: { [code: string]: string } | null) {
  sentences = table;
}

/** Show a given value in a message: strings quoted, the rest by type or value. */
export function shown(v: any): string {
  return typeof v == 'string' ? JSON.stringify(v) : typeof v == 'object' && v ? typeof v : '' + v;
}

/** Throw an Error with code `'ERR_' + code` (callers say 'BAD_ARG': one prefix, not one per call site), saying what was given. */
export function fail(code: string, given?: any): never {
  code = 'ERR_' + code;
  var e: any = new Error(code + (sentences && sentences[code] ? ': ' + sentences[code] : '') + (arguments.length > 1 ? ' (given ' + shown(given) + ')' : ''));
  e.code = code;
  throw e;
}
