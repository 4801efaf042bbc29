// @serial (the real interpreter's telnet port 2323 is machine-wide; its apps bind UDP ports on
// every loopback address)
// `espimp flash` and `espimp console --agent` against the REAL Espruino interpreter (upstream
// 2v29, Linux port, ../shared/espruino) serving its REPL on telnet (tcp://127.0.0.1:2323), not
// the fake REPL of flash.test.ts / console-tcp.test.ts:
// - flash --save of the linux build of examples/echo/echo.js through the CLI: the app lands in
//   Storage (.bootcde, and in the interpreter's flash file), starts, and echoes a Node peer's
//   datagrams byte for byte (5 and 1400 bytes);
// - console --agent with a tiny app: a UDP datagram makes the device agent.send() a message,
//   which reaches the agent module on the PC; the agent's device.send() reaches the device's
//   agent.on handler, which logs a line and answers the peer by UDP.
// One interpreter for the file, in a new temp folder, under the machine-wide lock on port 2323
// (test/support/telnet-device.ts says how and why).
// Addresses: device 192.168.77.2 (the linux build), peer 127.77.0.3 (192.168.77.3 to the
// device), device ports 2001 (echo) and 25741, peer port 25740.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { haveInterpreter } from '../host/espruino/interpreter';
import { cli } from './support/cli';
import { espimp, exited } from './support/console-device';
import { PORT, Peer, ownInterpreter, startTelnetDevice, telnetEval, type Interpreter } from './support/telnet-device';

const AGENT_APP_PORT = 25741;

// ---------------------------------------------------------------- the agent app

const AGENT_APP = `// a device that relays UDP to its agent, and the agent's answers back to the sender
var sock = null;
var peer = null;
var iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, function (state) {
  if (state == imp.net.CONNECTED && sock == null) {
    sock = iface.openudp(function (fromAddress, fromPort, toAddress, toPort, data) {
      peer = { address: fromAddress, port: fromPort };
      agent.send('udp', { text: data.tostring(), from: fromAddress + ':' + fromPort });
    }, ${AGENT_APP_PORT});
    server.log('agent app on ' + iface.getiptable().ipv4.address + ':${AGENT_APP_PORT}');
  }
});
agent.on('reply', function (d) {
  server.log('device got reply ' + d.text + ' (' + d.n + ')');
  var r = sock.send(peer.address, peer.port, 'from agent: ' + d.text);
  if (r != 0) server.error('could not answer (' + r + ')');
});
`;

const AGENT = `export default function (device) {
  device.on('udp', (m) => {
    console.log('agent module got udp ' + JSON.stringify(m));
    device.send('reply', { text: m.text.toUpperCase(), n: m.text.length });
  });
}
`;

// ---------------------------------------------------------------- the tests

if (!haveInterpreter('device-flash')) {
  const skipped = suite('device-flash (real interpreter missing: skipped)');
  skipped('nothing to run without ../shared/espruino', () => {});
  skipped.run();
} else {
  const Real = suite('flash and console against the real Espruino REPL on telnet');
  let dev: Interpreter | null = null;
  let stop = () => {};
  const files = mkdtempSync(join(tmpdir(), 'espimp-device-flash-files-'));

  Real.before(async () => {
    ({ dev, stop } = await startTelnetDevice('test/device-flash.test.ts'));
  });

  Real.after(() => {
    stop();
    rmSync(files, { recursive: true, force: true });
  });

  Real('flash --save of the linux echo bundle: in Storage, starts, echoes 5 and 1400 bytes byte for byte', async () => {
    const res = await cli('flash', '--board', 'linux', '--ip', '192.168.77.2', '--port', PORT, '--save', 'examples/echo/echo.js');
    assert.is(res.code, 0, res.err);
    assert.match(res.err, /uploaded (\d+) bytes to LINUX 2v29 on tcp:\/\/127\.0\.0\.1:2323; saved as \.bootcde, starts at boot/);
    assert.match(res.out, /Echo server on 192\.168\.77\.2:2001/, 'the app started after load() and said so on the console');
    const bytes = +/uploaded (\d+) bytes/.exec(res.err)![1];

    // it went to our interpreter's Storage, and the REPL sees it there
    assert.ok(dev!.flashFile().includes('Echo server on '), 'the app is in our flash file');
    await ownInterpreter(dev!);
    assert.is(await telnetEval('require("Storage").read(".bootcde").length'), bytes, '.bootcde holds the whole bundle');
    assert.is(await telnetEval('require("Storage").list().indexOf(".bootcde")>=0'), true);

    const peer = new Peer();
    await peer.bind();
    try {
      const small = Buffer.from([0, 1, 0x7f, 0x80, 0xff]);
      await peer.send(small, 2001);
      const a = await peer.next((d) => d.length === 5, 'echo of 5 bytes');
      assert.equal([...a.data], [...small], '5 bytes back byte for byte');
      assert.is(a.port, 2001);
      assert.is(a.from, '127.0.0.1', 'the Linux port sends from 127.0.0.1');

      const big = randomBytes(1400);
      big[0] = 0; big[1399] = 0xff;
      await peer.send(big, 2001);
      const b = await peer.next((d) => d.length === 1400, 'echo of 1400 bytes');
      assert.ok(b.data.equals(big), '1400 bytes back byte for byte');
      await dev!.until(/Received 1400 bytes from 192\.168\.77\.3:25740 to 192\.168\.77\.2:2001/, 'the app logging the 1400-byte datagram');
      assert.match(dev!.out, /Received 5 bytes from 192\.168\.77\.3:25740 to 192\.168\.77\.2:2001/);
    } finally {
      peer.close();
    }
  });

  Real('console --agent: device agent.send reaches the agent module; the agent\'s device.send reaches agent.on', async () => {
    const app = join(files, 'agent-app.js');
    const agentFile = join(files, 'agent.mjs');
    writeFileSync(app, AGENT_APP);
    writeFileSync(agentFile, AGENT);

    const res = await cli('flash', '--board', 'linux', '--ip', '192.168.77.2', '--port', PORT, '--save', app);
    assert.is(res.code, 0, res.err);
    assert.match(res.out, /agent app on 192\.168\.77\.2:25741/, 'the agent app started');
    assert.ok(dev!.flashFile().includes('agent app on '), 'the app is in our flash file');
    await ownInterpreter(dev!);

    const con = espimp(['console', '--port', PORT, '--agent', agentFile]);
    const peer = new Peer();
    try {
      await con.out.until(/--- connected to tcp:\/\/127\.0\.0\.1:2323/);
      // the board's console has switched to this connection once it answers what is typed here
      const probe = randomBytes(4).toString('hex');
      con.child.stdin!.write(`print("rea"+"dy ${probe}")\n`);
      await con.out.until(new RegExp(`\\] ready ${probe}\\n`));

      await peer.bind();
      await peer.send(Buffer.from('hello agent'), AGENT_APP_PORT);
      // device -> agent
      await con.out.until(/agent module got udp \{"text":"hello agent","from":"192\.168\.77\.3:25740"\}/);
      assert.match(con.out.text, /\] agent <- udp \{"text":"hello agent","from":"192\.168\.77\.3:25740"\}\n/, 'the console shows the message from the board');
      // agent -> device
      const back = await peer.next((d) => d.toString().startsWith('from agent: '), 'the answer the device sends when agent.on fires');
      assert.is(back.data.toString(), 'from agent: HELLO AGENT');
      await con.out.until(/\] device got reply HELLO AGENT \(11\)\n/);
      assert.match(con.out.text, /\] agent -> reply \{"text":"HELLO AGENT","n":11\}\n/, 'the console shows the message to the board');
      assert.not.match(con.out.text, /\x10/, 'no raw frame is shown');
      assert.not.match(con.out.text, /Uncaught|agentrx/, con.out.text);
    } finally {
      peer.close();
      con.child.kill('SIGTERM');
      await exited(con.child);
    }
    assert.match(con.err.text + con.out.text, /agent link: 1 frames ok, 0 garbage, 0 truncated, 0 bad checksum/, con.err.text + con.out.text);
  });

  Real.run();
}
