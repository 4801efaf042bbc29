// The application's world: builds the impOS globals (imp, server, agent, blob, the
// SEND_ERROR_* constants) for one device from a platform, its drivers and board data.
// Their types, what an app sees, are firmware/api.ts's; Runtime adds what the host reaches.
import type { NetDriver, Platform, BoardSettings } from '../hal/contract';
import type { Globals, Net, BlobConstructor } from './api';
import { createNet } from './net';
import { withSendErrors } from './constants';
import { Blob } from './blob';
import { createAgent } from './agent';
import { impTimers, TIMERS } from './timers';

/** What server.log/error print for `m`: a blob as its string, an object as JSON, anything else as a string. */
var logText = function (m: any): string {
  return m instanceof Blob ? m.tostring() : typeof m == 'object' && m ? JSON.stringify(m) : '' + m;
};

/**
 * The global `blob(n)`: a declaration, not an arrow, so `new blob(n)` works as well as
 * `blob(n)`. At the top of the module: it keeps no state, and on Espruino a function made
 * inside another costs 3 more blocks.
 */
function blob(size?: number) { return new Blob(size); }
blob.prototype = Blob.prototype;

/** The runtime's agent: the app's `agent`, with the line writer the host replaces (`tx`) and the receive entry (`rx`). */
export type RuntimeAgent = ReturnType<typeof createAgent>;

/**
 * One device's globals: the app's (firmware/api.ts Globals), the agent with its link ends,
 * `imp.net` with what the live view reads (`_live`), and `agentrx`: the agent link's receive
 * entry, a board global for the console tool (docs/console.md).
 */
export interface Runtime extends Globals {
  imp: Globals['imp'] & { net: Net & { _live(): unknown[] } };
  agent: RuntimeAgent;
  agentrx: RuntimeAgent['rx'];
}

/** Everything an app sees as globals, for one device. */
export function createRuntime(p: Platform, drivers: { [name: string]: NetDriver }, board: BoardSettings): Runtime {
  var server = {
    log: function (m: any) { p.write(logText(m)); return 0; },
    error: function (m: any) { p.write('ERROR: ' + logText(m)); return 0; },
  };
  var agent = createAgent(p), imp = { net: createNet(p, drivers, board, server.error) };
  return withSendErrors({
    imp: TIMERS ? impTimers(p, imp) : imp as ReturnType<typeof impTimers<typeof imp>>,
    server: server,
    agent: agent,
    agentrx: agent.rx,
    // the declaration is constructible at run time; TypeScript types it as a plain function
    blob: blob as unknown as BlobConstructor,
  });
}
