// The driver conformance suite: the behaviours every NetDriver must show, checked through the
// public imp API (imp.net.open, openudp, send, onreceive, close) on two or three devices of one
// LAN. Run it against a driver with conformance(name, makeFixture); the fixture says how time
// passes (mock: advance the virtual clock; real sockets: wait for the event) and what the
// driver can tell about broadcasts. "Nothing arrived" is proved with a fence: a later datagram
// on the same path that did arrive, so no test waits for a time to pass. Every device call is
// awaited: a device on the real interpreter (test/support/conformance/remote.ts) answers with promises.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Runtime } from '../../../firmware/runtime';

/** One device of the fixture's LAN: its runtime (the app's globals) and its address. */
export interface ConformanceDevice {
  rt: Runtime | any;
  /** Its unicast address, as apps see it. */
  ip: string;
  /** Its driver cannot know the netmask (Espruino WiFi): getiptable() has neither netmask nor broadcast (default: when the fixture has no `broadcast`). */
  noNetmask?: boolean;
}

/** What a driver's test environment provides; a new one per test. */
export interface ConformanceFixture {
  /** Two or three devices on one LAN, no interface opened yet (three enable the broadcast fan-out checks). */
  devices: ConformanceDevice[];
  /** The NIC to open on every device, e.g. {interface: 'eth0'}. */
  nic: { interface: string; [key: string]: unknown };
  /**
   * The LAN's subnet broadcast address as getiptable() reports it; absent when the driver
   * cannot know the netmask (then getiptable() has neither, and broadcasts are checked on
   * 255.255.255.255 alone).
   */
  broadcast?: string;
  /** The suite uses ports base .. base+9 (1024-49151). */
  base: number;
  /** Largest payload carried both ways (default 65507). */
  maxPayload?: number;
  /**
   * The first device's broadcasts leave from a second, unbound socket (Espruino's Linux port),
   * so they arrive from an ephemeral port; replies to that port still reach the sender's socket
   * (with toPort = the socket's own port).
   */
  broadcastFromEphemeral?: boolean;
  /** toAddress a broadcast sent to `sentTo` arrives with at `rx` (default: sentTo, exact). */
  broadcastTo?(sentTo: string, rx: ConformanceDevice): string;
  /** The driver offers link-local multicast (join/leave); without it join must throw ERR_NOT_SUPPORTED (default: without). */
  multicast?: boolean;
  /** Resolve once cond() holds; reject (naming `what`) if it never does. */
  until(cond: () => boolean, what: string): Promise<void>;
  /** Asynchronous driver faults so far (each must be none). */
  faults?(): string[];
  /** Close everything. */
  close(): Promise<void> | void;
}

/** One received datagram, as the handler saw it. */
export interface Received { from: string; fromPort: number; to: string; toPort: number; bytes: number[] }

/** A receive handler recording into `box`. */
export function recorder(box: Received[]) {
  return (from: string, fromPort: number, to: string, toPort: number, data: any) => {
    const bytes: number[] = [];
    for (let i = 0; i < data.len(); i++) bytes.push(data.get(i));
    box.push({ from, fromPort, to, toPort, bytes });
  };
}

/** The bytes of a UTF-8 string. */
function utf8(s: string): number[] {
  return [...Buffer.from(s, 'utf8')];
}

/** A blob on device `d` holding `bytes`. */
function blobOf(d: ConformanceDevice, bytes: number[]): any {
  const b = d.rt.blob(bytes.length);
  for (let i = 0; i < bytes.length; i++) b.set(i, bytes[i]);
  return b;
}

const ETH = [0, 200, 201, 1];
const WIFI = [0, 100, 101, 103, 104, 1];

/** The `code` of what `fn` throws or rejects with ('no throw' when it does neither). */
async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'no throw';
  } catch (e: any) {
    return e && e.code ? e.code : `threw without a code: ${e}`;
  }
}

/** Open the fixture's NIC on every device and wait until all are connected. */
async function connectAll(fx: ConformanceFixture) {
  const ifaces: any[] = [];
  for (const d of fx.devices) ifaces.push(await d.rt.imp.net.open(fx.nic));
  await fx.until(() => ifaces.every((f) => f.getstate() === 1), 'every device CONNECTED');
  return ifaces;
}

/** Connect every device; A sends from port base, B records what reaches it at base + 1. */
async function pair(fx: ConformanceFixture) {
  const [fa, fb] = await connectAll(fx);
  const atB: Received[] = [];
  const sa = await fa.openudp(null, fx.base);
  const sb = await fb.openudp(recorder(atB), fx.base + 1);
  return { fa, fb, b: fx.devices[1], sa, sb, atB };
}

/**
 * Prove that nothing reached `box` (on `to`:`port`) after its first `since` entries: `via`
 * sends a marker on the same path and it is the only thing that arrived.
 */
async function fence(fx: ConformanceFixture, box: Received[], since: number, via: any, to: ConformanceDevice, port: number) {
  assert.is(await via.send(to.ip, port, 'fence'), 0, 'fence sent');
  await fx.until(() => box.some((r, i) => i >= since && String.fromCharCode(...r.bytes) === 'fence'), `the fence at ${to.ip}:${port}`);
  assert.equal(box.slice(since).map((r) => String.fromCharCode(...r.bytes)), ['fence'], `only the fence arrived at ${to.ip}:${port}`);
}

/** Register the conformance suite for driver `name`; makeFixture gives a fresh LAN per test. */
export function conformance(name: string, makeFixture: () => ConformanceFixture | Promise<ConformanceFixture>) {
  const s = suite(`${name}: driver conformance`);
  const run = (title: string, body: (fx: ConformanceFixture) => Promise<void>) => s(title, async () => {
    const fx = await makeFixture();
    try {
      await body(fx);
      assert.equal(fx.faults ? fx.faults() : [], [], 'no driver faults');
    } finally {
      await fx.close();
    }
  });
  const to = (fx: ConformanceFixture, sentTo: string, rx: ConformanceDevice) => fx.broadcastTo ? fx.broadcastTo(sentTo, rx) : sentTo;

  run('reports link states asynchronously, then address facts', async (fx) => {
    const seen: number[][] = fx.devices.map(() => []);
    const ifaces: any[] = [];
    for (const [i, d] of fx.devices.entries()) ifaces.push(await d.rt.imp.net.open(fx.nic, (st: number) => seen[i].push(st)));
    assert.equal(seen, fx.devices.map(() => []), 'no state reported from inside open()');
    await fx.until(() => seen.every((l) => l[l.length - 1] === 1), 'onstate(CONNECTED) on every device');
    const allowed = /^(wl0|wifi)$/.test(fx.nic.interface) ? WIFI : ETH;
    for (const [i, d] of fx.devices.entries()) {
      assert.is(seen[i][0], 0, 'STARTING first');
      assert.is(seen[i][seen[i].length - 1], 1, 'CONNECTED last');
      for (const st of seen[i]) assert.ok(allowed.includes(st), `state ${st} belongs to ${fx.nic.interface}`);
      const ip = (await ifaces[i].getiptable()).ipv4;
      assert.is(ip.address, d.ip);
      if (d.noNetmask ?? !fx.broadcast) {
        assert.not.ok('netmask' in ip || 'broadcast' in ip, 'no netmask and no broadcast when the driver cannot know them');
      } else {
        assert.is(ip.broadcast, fx.broadcast ?? '192.168.77.255');
        assert.match(ip.netmask, /^255\.255\.255\.\d+$/);
      }
    }
    await ifaces[0].close();
    assert.is(ifaces[0].getstate(), -1, 'UNKNOWN after close()');
    assert.equal(await ifaces[0].getiptable(), { ipv4: {} });
    assert.is(await codeOf(() => ifaces[0].openudp(null, fx.base)), 'ERR_NOT_AVAILABLE');
  });

  run('a bound socket receives exactly what was sent, with both addresses and ports', async (fx) => {
    const [fa, fb] = await connectAll(fx);
    const [a, b] = fx.devices;
    const atA: Received[] = [], atB: Received[] = [];
    const sa = await fa.openudp(recorder(atA), fx.base), sb = await fb.openudp(recorder(atB), fx.base + 1);
    assert.is(await sa.send(b.ip, fx.base + 1, 'hello'), 0);
    await fx.until(() => atB.length === 1, 'the datagram at B');
    assert.equal(atB[0], { from: a.ip, fromPort: fx.base, to: b.ip, toPort: fx.base + 1, bytes: utf8('hello') });
    assert.is(await sb.send(atB[0].from, atB[0].fromPort, 'reply'), 0);
    await fx.until(() => atA.length === 1, 'the reply at A');
    assert.equal(atA[0], { from: b.ip, fromPort: fx.base + 1, to: a.ip, toPort: fx.base, bytes: utf8('reply') });
  });

  run('an unbound socket takes an ephemeral port on its first send and keeps it', async (fx) => {
    const [fa, fb] = await connectAll(fx);
    const [a, b] = fx.devices;
    const atA: Received[] = [], atB: Received[] = [];
    const sa = await fa.openudp(recorder(atA)), sb = await fb.openudp(recorder(atB), fx.base);
    assert.is(await sa.send(b.ip, fx.base, 'one'), 0);
    assert.is(await sa.send(b.ip, fx.base, 'two'), 0);
    await fx.until(() => atB.length === 2, 'both datagrams at B');
    const port = atB[0].fromPort;
    assert.ok(port >= 49152 && port <= 65535, `ephemeral port ${port}`);
    assert.is(atB[1].fromPort, port, 'the same port for the second send');
    assert.is(await sb.send(a.ip, port, 'back'), 0);
    await fx.until(() => atA.length === 1, 'the reply at the ephemeral port');
    assert.equal(atA[0], { from: b.ip, fromPort: fx.base, to: a.ip, toPort: port, bytes: utf8('back') });
  });

  run('payload bytes arrive exactly: 0 bytes, every byte value, 1460 bytes (or the largest if less), the largest, UTF-8', async (fx) => {
    const { b, sa, atB } = await pair(fx);
    const largest = fx.maxPayload ?? 65507;
    const every = Array.from({ length: 256 }, (_, i) => 255 - i);
    const mtu = Array.from({ length: Math.min(1460, largest) }, (_, i) => (i * 7 + 3) & 255);
    const big = Array.from({ length: largest }, (_, i) => (i * 31 + (i >> 8)) & 255);
    const payloads = [[], every, mtu, big];
    for (const p of payloads) {
      assert.is(await sa.send(b.ip, fx.base + 1, blobOf(fx.devices[0], p)), 0, `send ${p.length} bytes`);
      await fx.until(() => atB.length === payloads.indexOf(p) + 1, `${p.length} bytes at B`);
      const got = atB[atB.length - 1].bytes;
      assert.is(got.length, p.length, `length of the ${p.length}-byte datagram`);
      assert.ok(got.every((v, i) => v === p[i]), `bytes of the ${p.length}-byte datagram`);
    }
    assert.is(await sa.send(b.ip, fx.base + 1, 'h\u00e9llo \u2713 \u{1F600}'), 0);
    await fx.until(() => atB.length === payloads.length + 1, 'the UTF-8 string at B');
    assert.equal(atB[payloads.length].bytes, utf8('h\u00e9llo \u2713 \u{1F600}'));
  });

  run('a broadcast reaches every other device holding the port, not the sender, not other ports', async (fx) => {
    const ifaces = await connectAll(fx);
    const [a] = fx.devices;
    const boxes: Received[][] = fx.devices.map(() => []);
    const socks: any[] = [];
    for (const [i, f] of ifaces.entries()) socks.push(await f.openudp(recorder(boxes[i]), fx.base));
    const other: Received[] = [];
    const otherSock = await ifaces[1].openudp(recorder(other), fx.base + 1);
    const rest = fx.devices.slice(1);
    for (const dst of fx.broadcast ? [fx.broadcast, '255.255.255.255'] : ['255.255.255.255']) {
      const n = boxes.map((b) => b.length), nOther = other.length;
      assert.is(await socks[0].send(dst, fx.base, 'all'), 0, `broadcast to ${dst}`);
      await fx.until(() => rest.every((_, i) => boxes[i + 1].length > n[i + 1]), `the ${dst} broadcast at every other device`);
      const fromPort = fx.broadcastFromEphemeral ? boxes[1][n[1]].fromPort : fx.base;
      if (fx.broadcastFromEphemeral) assert.ok(fromPort >= 1024 && fromPort !== fx.base, `broadcast from ephemeral port ${fromPort}`);
      rest.forEach((d, i) => {
        assert.equal(boxes[i + 1].slice(n[i + 1]), [{ from: a.ip, fromPort, to: to(fx, dst, d), toPort: fx.base, bytes: utf8('all') }],
          `${d.ip} got the ${dst} broadcast once`);
      });
      if (fx.broadcastFromEphemeral) {
        assert.is(await socks[1].send(a.ip, fromPort, 'reply'), 0, 'a reply to the broadcast\'s source port');
        await fx.until(() => boxes[0].length > n[0], 'the reply to the broadcast at its sender');
        assert.equal(boxes[0].slice(n[0]).map((r) => [String.fromCharCode(...r.bytes), r.toPort]), [['reply', fx.base]], 'the sending socket got the reply, on its own port as the app knows it');
        n[0] = boxes[0].length;
      }
      await fence(fx, boxes[0], n[0], socks[1], a, fx.base);
      await fence(fx, other, nOther, socks[0], fx.devices[1], fx.base + 1);
    }
    assert.ok(await otherSock.isopen());
  });

  run('link-local multicast: a member gets a group datagram (toAddress = the group), not the sender, not non-members, not after leave; else ERR_NOT_SUPPORTED', async (fx) => {
    const G = '224.0.0.250', port = fx.base + 3;
    const ifaces = await connectAll(fx);
    const boxes: Received[][] = fx.devices.map(() => []);
    const socks: any[] = [];
    for (const [i, f] of ifaces.entries()) socks.push(await f.openudp(recorder(boxes[i]), port));
    const [a, b, c] = fx.devices;
    if (!fx.multicast) {
      assert.is(await codeOf(() => socks[0].join(G)), 'ERR_NOT_SUPPORTED');
      assert.is(await codeOf(() => socks[0].send(G, port, 'x')), 'ERR_NOT_PRIVATE', 'not joined: the private-only rule');
      return;
    }
    await socks[0].join(G);
    await socks[1].join(G);
    assert.is(await socks[0].send(G, port, 'grp'), 0);
    await fx.until(() => boxes[1].length > 0, 'the group datagram at the member');
    assert.equal(boxes[1], [{ from: a.ip, fromPort: port, to: G, toPort: port, bytes: utf8('grp') }]);
    await fence(fx, boxes[0], 0, socks[1], a, port);
    if (c) await fence(fx, boxes[2], 0, socks[0], c, port);
    await socks[1].leave(G);
    const n = boxes[1].length;
    assert.is(await socks[0].send(G, port, 'after'), 0);
    await fence(fx, boxes[1], n, socks[0], b, port);
  });

  run('close frees the port; a closed socket throws and receives nothing', async (fx) => {
    const { fb, b, sa, sb, atB: first } = await pair(fx);
    const second: Received[] = [];
    await sb.close();
    await sb.close();
    assert.not.ok(await sb.isopen());
    assert.is(await codeOf(() => sb.send(fx.devices[0].ip, fx.base, 'x')), 'ERR_SOCKET_CLOSED');
    const again = await fb.openudp(recorder(second), fx.base + 1);
    assert.is(await sa.send(b.ip, fx.base + 1, 'after'), 0);
    await fx.until(() => second.length === 1, 'the datagram at the reopened port');
    assert.equal(second[0].bytes, utf8('after'));
    assert.equal(first, [], 'the closed socket received nothing');
    await fb.close();
    assert.not.ok(await again.isopen(), 'interface close() closed its socket');
    const f2 = await b.rt.imp.net.open(fx.nic);
    await fx.until(() => f2.getstate() === 1, 'B connected again');
    const third: Received[] = [];
    await f2.openudp(recorder(third), fx.base + 1);
    assert.is(await sa.send(b.ip, fx.base + 1, 'third'), 0);
    await fx.until(() => third.length === 1, 'the datagram after the interface reopened');
    assert.equal(second.length, 1, 'the socket closed with its interface received nothing');
  });

  run('a datagram to a port nobody holds vanishes; the socket stays usable', async (fx) => {
    const { b, sa, atB } = await pair(fx);
    assert.is(await sa.send(b.ip, fx.base + 2, 'nobody'), 0);
    await fence(fx, atB, 0, sa, b, fx.base + 1);
  });

  return s;
}
