// The application's world: builds the impOS globals (imp, server, agent, blob, the
// SEND_ERROR_* constants) for one device from a platform, its drivers and board data.
import type { NetDriver, Platform, BoardSettings } from '../hal/contract';
import { Net } from './net';
import { STATES } from './states';
import { Blob } from './blob';
import { createAgent } from './agent';
import { impTimers } from './timers';

function text(m: any): string {
  return m instanceof Blob ? m.tostring() : typeof m == 'object' && m ? JSON.stringify(m) : '' + m;
}

/** Everything an app sees as globals, for one device (`agentrx`: the agent link's receive entry, docs/console.md). */
export function createRuntime(p: Platform, drivers: { [name: string]: NetDriver }, board: BoardSettings) {
  var server = {
    log: function (m: any) { p.write(text(m)); return 0; },
    error: function (m: any) { p.write('ERROR: ' + text(m)); return 0; },
  };
  var net = new Net(p, drivers, board, server.error);
  var impnet: any = Object.assign({
    open: function (nic: any, cb?: any) { return net.open(nic, cb); },
    info: function () { return net.info(); },
    stats: function () { return Object.assign({}, net._totals); },
  }, STATES);
  var agent = createAgent(p);
  var blob: any = function (size?: number) { return new Blob(size); };
  blob.prototype = Blob.prototype;
  return {
    imp: Object.assign({ net: impnet }, impTimers(p)),
    server: server,
    agent: agent,
    agentrx: agent.rx,
    blob: blob,
    SEND_ERROR_NOT_CONNECTED: 1,
    SEND_ERROR_TIMEOUT: 2,
    SEND_ERROR_DISCONNECTED: 3,
    SEND_ERROR_WOULDBLOCK: 4,
    net: net,
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
