// The device end of the agent link: agent.send(name, data) prints one framed line on the
// console; the host decodes it. The host sends to the device by calling receive(frame).
// Frame: "\x10@A" + JSON [name, data] (single line: JSON escapes control chars) + "\n" ... see host/agentlink.
import type { Platform } from '../hal/contract';

export function createAgent(p: Platform) {
  var handlers: { [name: string]: Function } = {};
  return {
    on: function (name: string, cb: Function) { handlers[name] = cb; },
    send: function (name: string, data: any) { p.write('\x10@A' + JSON.stringify([name, data])); return 0; },
    receive: function (frame: string) {
      var m = JSON.parse(frame), cb = handlers[m[0]];
      if (cb) cb(m[1]);
    },
  };
}
