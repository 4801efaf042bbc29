// The application's world: builds the impOS globals (imp, server, agent, blob, the
// SEND_ERROR_* constants) for one device from a platform, its drivers and board data.
import type { NetDriver, Platform, BoardSettings } from '../hal/contract';
import { createNet } from './net';
import { SEND_ERRORS } from './constants';
import { Blob } from './blob';
import { createAgent } from './agent';
import { impTimers } from './timers';

/** What server.log/error print for `m`: a blob as its string, an object as JSON, anything else as a string. */
var logText = function (m: any): string {
  return m instanceof Blob ? m.tostring() : typeof m == 'object' && m ? JSON.stringify(m) : '' + m;
};

/** Everything an app sees as globals, for one device (`agentrx`: the agent link's receive entry, docs/console.md). */
export function createRuntime(p: Platform, drivers: { [name: string]: NetDriver }, board: BoardSettings) {
  var server = {
    log: function (m: any) { p.write(logText(m)); return 0; },
    error: function (m: any) { p.write('ERROR: ' + logText(m)); return 0; },
  };
  var agent = createAgent(p);
  // a declaration, not an arrow: `new blob(n)` works as well as `blob(n)`
  function blob(size?: number) { return new Blob(size); }
  blob.prototype = Blob.prototype;
  return Object.assign({
    imp: Object.assign({ net: createNet(p, drivers, board, server.error) }, impTimers(p)),
    server: server,
    agent: agent,
    agentrx: agent.rx,
    blob: blob,
  }, SEND_ERRORS) as { imp: any; server: typeof server; agent: typeof agent; agentrx: typeof agent.rx; blob: any; [name: string]: any };
}

export type Runtime = ReturnType<typeof createRuntime>;
