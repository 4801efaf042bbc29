// Spec sections 2-3: imp.net.open() — nic validation, asynchronous onstate, the state
// sequences of Wi-Fi and Ethernet on the mock LAN, and the state constants' values.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { createRuntime } from '../firmware/runtime';
import { stateOf } from '../firmware/states';
import type { NetDriver } from '../hal/contract';
import { boot, connect, caught, codeOf, MOCK_BOARD, WIFI, wrong } from './support/runtime';
import type { Nii, NiiType } from '../firmware/api';


const nic = suite('open: nic validation');

nic('a nic that is not an object throws ERR_NO_INTERFACE', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  for (const bad of [undefined, null, 'eth0', 42, true, () => 0]) {
    assert.is(codeOf(() => rt.imp.net.open(wrong(bad))), 'ERR_NO_INTERFACE', String(bad));
  }
});

nic('a missing or unknown interface throws ERR_NO_INTERFACE, saying what was given', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  const bad = [{}, { interface: 'eth1' }, { interface: 'ETH0' }, { interface: ' eth0' }, { interface: '' }, { interface: 0 },
    { interface: null }, { interface: 'toString' }, { interface: '__proto__' }, { interface: 'constructor' }, { nii: 'eth0' }];
  for (const n of bad) assert.is(codeOf(() => rt.imp.net.open(wrong(n))), 'ERR_NO_INTERFACE', JSON.stringify(n));
  const e = caught(() => rt.imp.net.open(wrong({ interface: 'eth9' })));
  assert.instance(e, Error);
  assert.ok(e.message.includes('"eth9"'), e.message);
});

nic('a NII the board does not have throws ERR_NO_INTERFACE, by name and by alias', () => {
  const lan = new Lan();
  const { rt, dev } = boot(lan, 2, { niis: { eth0: 'mock' } });
  for (const name of ['wl0', 'wifi', 'cell0', 'cell']) {
    assert.is(codeOf(() => rt.imp.net.open(wrong({ interface: name }))), 'ERR_NO_INTERFACE', name);
  }
  assert.equal(dev.storage, {}, 'a refused nic persists nothing');
  assert.is(rt.imp.net.info().active, -1);
  lan.run(1000);
  assert.is(lan.wire.length, 0);
});

nic('aliases wifi / ethernet / cell name wl0 / eth0 / cell0 (the same interface object)', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  const pairs: [NiiType, Nii][] = [['wifi', 'wl0'], ['ethernet', 'eth0'], ['cell', 'cell0']];
  for (const [alias, nii] of pairs) {
    const a = rt.imp.net.open({ interface: alias, wificonfig: WIFI });
    assert.ok(a === rt.imp.net.open({ interface: nii, wificonfig: WIFI }), alias);
    const info = rt.imp.net.info();
    assert.is(info.interface[info.active].nii, nii, `${alias}: the active interface`);
  }
  lan.run(200);
  assert.is(rt.imp.net.open({ interface: 'ethernet' }).getstate(), rt.imp.net.CONNECTED);
  assert.is(rt.imp.net.open({ interface: 'ethernet' }).getiptable().ipv4.address, '192.168.1.2');
});

nic('a bad onstate throws ERR_BAD_CALLBACK and starts nothing; null and undefined are fine', () => {
  const lan = new Lan();
  const { rt, dev } = boot(lan, 2);
  for (const cb of ['x', 42, {}, true]) {
    assert.is(codeOf(() => rt.imp.net.open({ interface: 'eth0' }, wrong(cb))), 'ERR_BAD_CALLBACK', String(cb));
  }
  assert.equal(dev.storage, {});
  assert.is(rt.imp.net.info().interface.find((i) => i.nii === 'eth0')!.state, -1);
  lan.run(500);
  assert.is(rt.imp.net.open({ interface: 'eth0' }, null).getstate(), rt.imp.net.STARTING);
  assert.is(rt.imp.net.open({ interface: 'cell0' }, undefined).getstate(), rt.imp.net.STARTING);
});

nic('malformed wificonfig / staticconfig: ERR_BAD_ARG, nothing started or persisted', () => {
  const lan = new Lan();
  const { rt, dev } = boot(lan, 2);
  const bad = [
    { interface: 'wl0', wificonfig: 'espimp-lab' }, { interface: 'wl0', wificonfig: { key: 'secret' } },
    { interface: 'wl0', wificonfig: { ssid: 5 } }, { interface: 'wl0', wificonfig: { ssid: 'espimp-lab', key: 12345678 } },
    { interface: 'eth0', staticconfig: '192.168.1.5' }, { interface: 'eth0', staticconfig: {} },
    { interface: 'eth0', staticconfig: { ip: '192.168.1.500' } }, { interface: 'eth0', staticconfig: { ip: '192.168.1.5', netmask: '255.255.255' } },
    { interface: 'eth0', staticconfig: { ip: '192.168.1.5', gateway: 'router' } },
  ];
  for (const n of bad) assert.is(codeOf(() => rt.imp.net.open(wrong(n))), 'ERR_BAD_ARG', JSON.stringify(n));
  lan.run(500);
  assert.equal(dev.storage, {});
  assert.equal(rt.imp.net.info().interface.map((i) => i.state), [-1, -1, -1]);
  const e = caught(() => rt.imp.net.open({ interface: 'eth0', staticconfig: { ip: 'x' } }));
  assert.ok(e.message.includes('object'), e.message);
  assert.is(rt.imp.net.open({ interface: 'wl0', wificonfig: { ssid: 'espimp-lab' }, staticconfig: wrong(null) }).getstate(), 0, 'key optional, null config ignored');
});

const asyncState = suite('open: onstate is always asynchronous');

asyncState('open returns at once, before connected, without calling onstate', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  const states: number[] = [];
  const f = rt.imp.net.open({ interface: 'eth0' }, (s: number) => states.push(s));
  assert.equal(states, [], 'nothing from inside open()');
  assert.is(f.getstate(), rt.imp.net.STARTING);
  assert.equal(f.getiptable(), { ipv4: {} });
  lan.run(0);
  assert.equal(states, [0], 'STARTING reported from the event loop');
});

asyncState('re-opening a connected interface reports CONNECTED later, never inside open()', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const { f } = connect(lan, b);
  const wire = lan.wire.length;
  const again: number[] = [];
  let inside = true;
  const g = b.rt.imp.net.open({ interface: 'eth0' }, (s: number) => again.push(inside ? -999 : s));
  inside = false;
  assert.ok(g === f, 'the same interface object');
  assert.equal(again, []);
  assert.is(g.getstate(), 1, 'not restarted');
  lan.run(0);
  assert.equal(again, [1]);
  lan.run(1000);
  assert.equal(again, [1], 'no new connection attempt');
  assert.is(lan.wire.length, wire);
});

asyncState('re-opening while connecting reports the current state, then the rest of the sequence', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  rt.imp.net.open({ interface: 'eth0' });
  lan.run(15);
  const states: number[] = [];
  rt.imp.net.open({ interface: 'eth0' }, (s: number) => states.push(s));
  assert.equal(states, []);
  lan.run(200);
  assert.equal(states, [200, 201, 1]);
});

const seq = suite('open: state sequences');

seq('Wi-Fi: STARTING -> WIFI_JOINING -> WIFI_DHCPING -> CONNECTED', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const { f, states } = connect(lan, b, 'wl0', { wificonfig: WIFI });
  const n = b.rt.imp.net;
  assert.equal(states, [n.STARTING, n.WIFI_JOINING, n.WIFI_DHCPING, n.CONNECTED]);
  assert.is(f.getstate(), n.CONNECTED);
});

seq('Ethernet: STARTING -> ETHERNET_LINK_UP -> ETHERNET_DHCPING -> CONNECTED', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const { f, states } = connect(lan, b, 'eth0');
  const n = b.rt.imp.net;
  assert.equal(states, [n.STARTING, n.ETHERNET_LINK_UP, n.ETHERNET_DHCPING, n.CONNECTED]);
  assert.is(f.getstate(), n.CONNECTED);
});

seq('each state is reported once, and getstate() agrees with the last one reported', () => {
  const lan = new Lan();
  const { rt } = boot(lan, 2);
  const seen: [number, number][] = [];
  const f = rt.imp.net.open({ interface: 'eth0' }, (s: number) => seen.push([s, f.getstate()]));
  lan.run(200);
  assert.equal(seen.map(([s]) => s), [0, 200, 201, 1]);
  for (const [s, now] of seen) assert.is(now, s);
});

seq('radio loss -> WIFI_STOPPED; cable loss -> ETHERNET_STOPPED_NO_LINK', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const w = connect(lan, b, 'wl0', { wificonfig: WIFI });
  const e = connect(lan, b, 'eth0');
  b.dev.unplug('radio');
  lan.run(10);
  assert.is(w.states.at(-1), b.rt.imp.net.WIFI_STOPPED);
  assert.is(e.f.getstate(), 1, 'the cable is still in');
  b.dev.unplug('cable');
  lan.run(10);
  assert.is(e.states.at(-1), b.rt.imp.net.ETHERNET_STOPPED_NO_LINK);
  assert.equal(e.f.getiptable(), { ipv4: {} });
});

seq('Ethernet started without a cable -> STARTING, ETHERNET_STOPPED_NO_LINK', () => {
  const lan = new Lan();
  const b = boot(lan, 2, {}, { cable: false });
  const { states } = connect(lan, b, 'eth0');
  assert.equal(states, [0, 204]);
});

seq('staticconfig skips DHCP and uses the given address', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const e = connect(lan, b, 'eth0', { staticconfig: { ip: '192.168.1.50', netmask: '255.255.255.0', gateway: '192.168.1.1' } });
  assert.equal(e.states, [0, 200, 1]);
  assert.is(e.f.getiptable().ipv4.address, '192.168.1.50');
  const w = connect(lan, b, 'wl0', { wificonfig: WIFI, staticconfig: { ip: '192.168.1.51' } });
  assert.equal(w.states, [0, 101, 1]);
  assert.is(w.f.getiptable().ipv4.address, '192.168.1.51');
});

seq('wrong Wi-Fi credentials -> WIFI_STOPPED_UNHAPPY', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const key = connect(lan, b, 'wl0', { wificonfig: { ssid: 'espimp-lab', key: 'wrong' } });
  assert.equal(key.states, [0, 101, 106]);
  const b2 = boot(lan, 3);
  const ssid = connect(lan, b2, 'wl0', { wificonfig: { ssid: 'other-net', key: 'secret' } });
  assert.equal(ssid.states, [0, 101, 106]);
  assert.is(ssid.f.getstate(), b2.rt.imp.net.WIFI_STOPPED_UNHAPPY);
});

seq('no Wi-Fi credentials at all -> WIFI_STOPPED_UNHAPPY, without trying the radio', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const { f, states } = connect(lan, b, 'wl0');
  assert.equal(states, [0, 106]);
  assert.is(f.getstate(), 106);
  assert.is(codeOf(() => f.openudp()), 'ERR_NOT_AVAILABLE');
  const e = connect(lan, b, 'wl0', { wificonfig: { ssid: '' } });
  assert.equal(e.states, [0, 106], 'an empty ssid is no credentials');
});

seq('a driver reporting the same link twice (e.g. a DHCP renewal) gives one onstate call', () => {
  const lan = new Lan();
  const clock = lan.clock;
  const p = lan.device(2).platform;
  const drv: NetDriver = {
    up: (_n, _c, report) => { for (const [t, l] of [[5, 4], [6, 4], [10, 5], [20, 1], [30, 1], [40, 5], [50, 1]]) clock.timer(t, () => report(l)); return 0; },
    down: () => {}, addr: () => null, open: () => 0, send: () => 0, close: () => {},
  };
  const rt = createRuntime(p, { fake: drv }, { ...MOCK_BOARD, niis: { eth0: 'fake' } });
  const states: number[] = [];
  rt.imp.net.open({ interface: 'eth0' }, (s: number) => states.push(s));
  clock.advance(100);
  assert.equal(states, [0, 200, 201, 1, 201, 1]);
});

const consts = suite('state constants');

const SPEC_STATES: { [name: string]: number } = {
  UNKNOWN: -1, STARTING: 0, CONNECTED: 1,
  WIFI_SCANNING: 100, WIFI_JOINING: 101, WIFI_WPSING: 102, WIFI_LINK_UP: 103, WIFI_DHCPING: 104, WIFI_STOPPED: 105,
  WIFI_STOPPED_UNHAPPY: 106,
  ETHERNET_LINK_UP: 200, ETHERNET_DHCPING: 201, ETHERNET_STOPPED: 202, ETHERNET_STOPPED_UNHAPPY: 203,
  ETHERNET_STOPPED_NO_LINK: 204,
  CELLULAR_PINGING: 300, CELLULAR_WAITING_FOR_SIM: 301, CELLULAR_PPP_CONNECTING: 302, CELLULAR_REGISTERING: 303,
  CELLULAR_REGISTRATION_DENIED: 304, CELLULAR_STOPPED: 305, CELLULAR_STOPPED_UNHAPPY: 306,
};

consts('imp.net carries every state of the spec table with its impOS value, and no other', () => {
  const { rt } = boot(new Lan(), 2);
  const numeric = Object.entries(rt.imp.net).filter(([, v]) => typeof v === 'number');
  assert.equal(Object.fromEntries(numeric), SPEC_STATES);
});

consts('the send error constants are globals with the impOS values', () => {
  const { rt } = boot(new Lan(), 2);
  assert.is(rt.SEND_ERROR_NOT_CONNECTED, 1);
  assert.is(rt.SEND_ERROR_TIMEOUT, 2);
  assert.is(rt.SEND_ERROR_DISCONNECTED, 3);
  assert.is(rt.SEND_ERROR_WOULDBLOCK, 4);
});

consts('driver link reports map to the impOS state of the interface kind', () => {
  const links = [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8];
  assert.equal(links.map((l) => stateOf('wl0', l)), [-1, 0, 1, 100, 101, 103, 104, 105, 106, 105]);
  assert.equal(links.map((l) => stateOf('eth0', l)), [-1, 0, 1, 0, 0, 200, 201, 202, 203, 204]);
  assert.equal(links.map((l) => stateOf('cell0', l)), [-1, 0, 1, 300, 303, 302, 302, 305, 306, 305]);
});

consts('every state an interface reports is one of the constants', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const all = new Set(Object.values(SPEC_STATES));
  const runs = [connect(lan, b, 'wl0', { wificonfig: WIFI }), connect(lan, b, 'eth0'), connect(lan, b, 'cell0')];
  b.dev.unplug('cable');
  b.dev.unplug('radio');
  lan.run(100);
  for (const r of runs) for (const s of r.states) assert.ok(all.has(s), String(s));
});

nic.run();
asyncState.run();
seq.run();
consts.run();
