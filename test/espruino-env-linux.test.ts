// @serial: real sockets on the shared loopback LAN (see test/run.js).
// The Espruino-faithful environment's linux flavor: dgram on real UDP sockets, talking to a
// Node dgram peer on 127.x; real timers. Every packet stays on loopback; nothing waits for
// time to pass, only for the event (until() has a failure guard only).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { createEspruinoEnv, type EspruinoEnv } from '../host/espruino/env';
import { nodePeer } from './fixtures/bundles';
import { eventWaiter } from './conformance/fixtures';

// Fixed ports, below Linux's ephemeral range and apart from the other serial tests' (see
// docs/host-driver.md, "Test addresses"): 25720-25725. Peers live at 127.77.0.9.
const PORT = 25720;
/** Re-checks on every datagram a Node peer gets (guard only). */
const waiter = eventWaiter(5000);
const peerAt = (address = '127.77.0.9', port = 0) => nodePeer(address, waiter.pulse, port);

const ECHO = (port: number) => `var s = require('dgram').createSocket('udp4');
  s.bind(${port}, function () { print('bound'); });
  s.on('message', function (msg, rinfo) {
    var c = []; for (var i = 0; i < msg.length; i++) c.push(msg.charCodeAt(i));
    print('got', c.join(','), JSON.stringify(rinfo));
    s.send(msg, rinfo.port, rinfo.address);
  });`;

const linux = suite('env: linux flavor on real loopback sockets');

linux('an Espruino echo script and a Node peer: binary-safe, rinfo shape; bind(port) is 0.0.0.0, so replies leave from 127.0.0.1', async () => {
  const port = PORT;
  const env = createEspruinoEnv({ flavor: 'linux' });
  const peer = await peerAt();
  try {
    env.run(ECHO(port), 'echo.js');
    await env.until(() => env.output.includes('bound'));
    peer.s.send(Buffer.from([0, 255, 104, 105]), port, '127.77.0.7');
    await waiter.until(() => peer.got.length === 1, 'the echo');
    assert.equal(env.output[1], `got 0,255,104,105 {"address":"127.77.0.9","port":${peer.port},"size":4}`);
    assert.equal([...peer.got[0].msg], [0, 255, 104, 105]);
    assert.equal([peer.got[0].address, peer.got[0].port], ['127.0.0.1', port]);
  } finally {
    env.close();
    await peer.close();
  }
});

linux('with address 127.77.0.7 the device lives there (a deviation for several devices on one machine)', async () => {
  const port = PORT + 1;
  const env = createEspruinoEnv({ flavor: 'linux', address: '127.77.0.7' });
  const peer = await peerAt();
  try {
    env.run(ECHO(port));
    await env.until(() => env.output.includes('bound'));
    peer.s.send('x', port, '127.77.0.7');
    await waiter.until(() => peer.got.length === 1, 'the echo');
    assert.is(peer.got[0].address, '127.77.0.7');
  } finally {
    env.close();
    await peer.close();
  }
});

linux('real datagrams are cut to 528 bytes unless recvBufferSize is larger', async () => {
  const port = PORT + 2;
  const env = createEspruinoEnv({ flavor: 'linux' });
  const peer = await peerAt();
  try {
    env.run(`var s = require('dgram').createSocket('udp4'); s.bind(${port}, function () { print('bound'); });
      s.on('message', function (m, r) { print(m.length, r.size); });`);
    await env.until(() => env.output.includes('bound'));
    peer.s.send(Buffer.alloc(1000, 7), port, '127.0.0.1');
    await env.until(() => env.output.length === 2);
    env.run("require('dgram').createSocket({ type: 'udp4', recvBufferSize: 4096 });");
    peer.s.send(Buffer.alloc(1000, 7), port, '127.0.0.1');
    await env.until(() => env.output.length === 3);
    assert.equal(env.output.slice(1), ['528 528', '1000 1000']);
  } finally {
    env.close();
    await peer.close();
  }
});

linux('an unbound socket sends from an ephemeral port and receives the reply; timers are real', async () => {
  const env: EspruinoEnv = createEspruinoEnv({ flavor: 'linux' });
  const peer = await peerAt();
  try {
    env.run(`var c = require('dgram').createSocket('udp4');
      c.on('message', function (m) { print('reply', m); setTimeout(function () { print('later'); }, 5); });
      c.send('ask', ${peer.port}, '127.77.0.9');`);
    await waiter.until(() => peer.got.length === 1, 'the question');
    assert.is(peer.got[0].msg.toString(), 'ask');
    peer.s.send('answer', peer.got[0].port, peer.got[0].address);
    await env.until(() => env.output.includes('later'));
    assert.equal(env.output, ['reply answer', 'later']);
  } finally {
    env.close();
    await peer.close();
  }
});

linux('a port already held: bind fails as an uncaught InternalError (env.errors), not a dropped datagram', async () => {
  const holder = dgram.createSocket('udp4');
  await new Promise<void>((r) => holder.bind(PORT + 3, '0.0.0.0', () => r()));
  const env = createEspruinoEnv({ flavor: 'linux' });
  try {
    env.run(`require('dgram').createSocket('udp4').bind(${PORT + 3}, function () { print('bound'); });`);
    await env.until(() => env.errors.length > 0);
    assert.equal(env.errors, [`Uncaught InternalError: Unable to bind socket to port ${PORT + 3} (EADDRINUSE)`]);
    assert.equal(env.output, env.errors, 'never bound');
    assert.is(env.udp.dropped, 0);
  } finally {
    env.close();
    await new Promise<void>((r) => holder.close(() => r()));
  }
});

linux('a bound socket has no SO_BROADCAST (its broadcast never arrives); an unbound one has', async () => {
  const listener = await peerAt('0.0.0.0', PORT + 4); // a broadcast to 127.255.255.255 reaches 0.0.0.0 listeners
  const env = createEspruinoEnv({ flavor: 'linux' });
  try {
    env.run(`var b = require('dgram').createSocket('udp4');
      b.bind(${PORT + 5}, function () { b.send('bound bcast', ${PORT + 4}, '127.255.255.255'); b.send('fence', ${PORT + 4}, '127.0.0.1'); });`);
    await waiter.until(() => listener.got.length > 0, 'the fence');
    assert.equal(listener.got.map((g) => g.msg.toString()), ['fence'], 'sent first, the broadcast would have arrived before the fence');
    env.run(`require('dgram').createSocket('udp4').send('unbound bcast', ${PORT + 4}, '127.255.255.255');`);
    await waiter.until(() => listener.got.length > 1, 'the unbound socket\'s broadcast');
    assert.equal(listener.got.map((g) => g.msg.toString()), ['fence', 'unbound bcast']);
    assert.equal(env.errors, []);
  } finally {
    env.close();
    await listener.close();
  }
});

linux('a destination outside 127.0.0.0/8 is refused and nothing is sent', async () => {
  const env = createEspruinoEnv({ flavor: 'linux' });
  try {
    env.run(`try { require('dgram').createSocket('udp4').send('x', 5000, '192.168.77.9'); } catch (e) { print(e.message); }`);
    assert.equal(env.output, ['espimp env: refusing to send to 192.168.77.9: the linux flavor sends only to 127.0.0.0/8']);
    assert.equal([env.udp.refused, env.udp.sent], [1, 0]);
    assert.throws(() => createEspruinoEnv({ flavor: 'linux', address: '10.0.0.1' }), /binds 0\.0\.0\.0 or a loopback address/);
  } finally {
    env.close();
  }
});

linux.run();
