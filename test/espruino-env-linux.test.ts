// @serial: real sockets on the shared loopback LAN (see test/run.js).
// The Espruino-faithful environment's linux flavor: dgram on real UDP sockets, talking to a
// Node dgram peer on 127.x; real timers. Every packet stays on loopback; nothing waits for
// time to pass, only for the event (until() has a failure guard only).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import dgram from 'node:dgram';
import { createEspruinoEnv, type EspruinoEnv } from '../host/espruino/env';

/** A UDP port free on every local address right now. */
async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '0.0.0.0', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** A Node peer bound to `address`, collecting what it receives. */
async function nodePeer(address = '127.77.0.9') {
  const s = dgram.createSocket('udp4');
  const box: { data: Buffer; address: string; port: number }[] = [];
  s.on('message', (data, ri) => box.push({ data, address: ri.address, port: ri.port }));
  await new Promise<void>((r) => s.bind(0, address, () => r()));
  return { s, box, port: s.address().port, close: () => new Promise<void>((r) => s.close(() => r())) };
}

/** Resolve once `cond` holds, checking on every datagram the peer gets (guard: 5 s). */
function peerUntil(peer: { s: dgram.Socket }, cond: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (cond()) return resolve();
    const check = () => { if (cond()) { done(); resolve(); } };
    const guard = setTimeout(() => { done(); reject(new Error('peer: condition not met')); }, 5000);
    const done = () => { clearTimeout(guard); peer.s.off('message', check); };
    peer.s.on('message', check);
  });
}

const ECHO = (port: number) => `var s = require('dgram').createSocket('udp4');
  s.bind(${port}, function () { print('bound'); });
  s.on('message', function (msg, rinfo) {
    var c = []; for (var i = 0; i < msg.length; i++) c.push(msg.charCodeAt(i));
    print('got', c.join(','), JSON.stringify(rinfo));
    s.send(msg, rinfo.port, rinfo.address);
  });`;

const linux = suite('env: linux flavor on real loopback sockets');

linux('an Espruino echo script and a Node peer: binary-safe, rinfo shape; bind(port) is 0.0.0.0, so replies leave from 127.0.0.1', async () => {
  const port = await freePort();
  const env = createEspruinoEnv({ flavor: 'linux' });
  const peer = await nodePeer();
  try {
    env.run(ECHO(port), 'echo.js');
    await env.until(() => env.output.includes('bound'));
    peer.s.send(Buffer.from([0, 255, 104, 105]), port, '127.77.0.7');
    await peerUntil(peer, () => peer.box.length === 1);
    assert.equal(env.output[1], `got 0,255,104,105 {"address":"127.77.0.9","port":${peer.port},"size":4}`);
    assert.equal([...peer.box[0].data], [0, 255, 104, 105]);
    assert.equal([peer.box[0].address, peer.box[0].port], ['127.0.0.1', port]);
  } finally {
    env.close();
    await peer.close();
  }
});

linux('with address 127.77.0.7 the device lives there (a deviation for several devices on one machine)', async () => {
  const port = await freePort();
  const env = createEspruinoEnv({ flavor: 'linux', address: '127.77.0.7' });
  const peer = await nodePeer();
  try {
    env.run(ECHO(port));
    await env.until(() => env.output.includes('bound'));
    peer.s.send('x', port, '127.77.0.7');
    await peerUntil(peer, () => peer.box.length === 1);
    assert.is(peer.box[0].address, '127.77.0.7');
  } finally {
    env.close();
    await peer.close();
  }
});

linux('real datagrams are cut to 528 bytes unless recvBufferSize is larger', async () => {
  const port = await freePort();
  const env = createEspruinoEnv({ flavor: 'linux' });
  const peer = await nodePeer();
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
  const peer = await nodePeer();
  try {
    env.run(`var c = require('dgram').createSocket('udp4');
      c.on('message', function (m) { print('reply', m); setTimeout(function () { print('later'); }, 5); });
      c.send('ask', ${peer.port}, '127.77.0.9');`);
    await peerUntil(peer, () => peer.box.length === 1);
    assert.is(peer.box[0].data.toString(), 'ask');
    peer.s.send('answer', peer.box[0].port, peer.box[0].address);
    await env.until(() => env.output.includes('later'));
    assert.equal(env.output, ['reply answer', 'later']);
  } finally {
    env.close();
    await peer.close();
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
