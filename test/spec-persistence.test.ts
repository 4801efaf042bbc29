// Spec section 2, "Network Configuration Persistence": a NIC that only names an interface
// becomes the persisted default; extended config (wificonfig/staticconfig) is never
// persisted and is discarded when the attempt fails or the link is later lost.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { boot, connect, WIFI } from './support/runtime';

const KEY = 'espimp.net';

const saved = suite('persistence: what is saved');

saved('a NIC that only names an interface is persisted as the default, by its canonical NII', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.rt.imp.net.open({ interface: 'ethernet' });
  assert.equal(Object.keys(b.dev.storage), [KEY]);
  assert.equal(JSON.parse(b.dev.storage[KEY]), { nii: 'eth0' });
  b.rt.imp.net.open({ interface: 'cell0' });
  assert.equal(JSON.parse(b.dev.storage[KEY]), { nii: 'cell0' }, 'the last named interface wins');
});

saved('naming another interface keeps the persisted Wi-Fi credentials', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ nii: 'eth0', wificonfig: WIFI });
  b.rt.imp.net.open({ interface: 'wifi' });
  assert.equal(JSON.parse(b.dev.storage[KEY]), { nii: 'wl0', wificonfig: WIFI });
});

saved('a NIC with wificonfig or staticconfig is never persisted: storage untouched', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.rt.imp.net.open({ interface: 'wl0', wificonfig: WIFI });
  b.rt.imp.net.open({ interface: 'eth0', staticconfig: { ip: '192.168.1.50' } });
  lan.run(500);
  assert.equal(b.dev.storage, {}, 'nothing written to empty storage');
  const before = JSON.stringify({ nii: 'cell0', wificonfig: { ssid: 'persisted', key: 'k' } });
  const c = boot(lan, 3);
  c.dev.storage[KEY] = before;
  connect(lan, c, 'wl0', { wificonfig: WIFI, staticconfig: { ip: '192.168.1.60' } });
  c.dev.unplug('radio');
  lan.run(100);
  assert.equal(c.dev.storage, { [KEY]: before }, 'an existing default is not replaced or changed');
});

saved('unreadable stored config is treated as none and replaced', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = '{not json';
  const { states } = connect(lan, b, 'eth0');
  assert.is(states.at(-1), 1);
  assert.equal(JSON.parse(b.dev.storage[KEY]), { nii: 'eth0' });
  const c = boot(lan, 3);
  c.dev.storage[KEY] = 'null';
  assert.is(connect(lan, c, 'eth0').states.at(-1), 1);
});

const creds = suite('persistence: Wi-Fi credentials');

creds('a named-only Wi-Fi NIC joins with the persisted credentials', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ wificonfig: WIFI });
  const { states } = connect(lan, b, 'wl0');
  assert.equal(states, [0, 101, 104, 1]);
});

creds('persisted credentials that are wrong -> WIFI_STOPPED_UNHAPPY', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ wificonfig: { ssid: 'espimp-lab', key: 'old' } });
  assert.equal(connect(lan, b, 'wl0').states, [0, 101, 106]);
});

creds('a Wi-Fi NIC with staticconfig but no wificonfig takes the persisted credentials', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ wificonfig: WIFI });
  const { f, states } = connect(lan, b, 'wl0', { staticconfig: { ip: '192.168.1.70' } });
  assert.equal(states, [0, 101, 1]);
  assert.is(f.getiptable().ipv4.address, '192.168.1.70');
});

creds('a persisted staticconfig is used by a named-only open', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ staticconfig: { ip: '192.168.1.77', netmask: '255.255.255.0' } });
  const { f, states } = connect(lan, b, 'eth0');
  assert.equal(states, [0, 200, 1]);
  assert.is(f.getiptable().ipv4.address, '192.168.1.77');
  b.dev.unplug('cable');
  lan.run(10);
  b.dev.plug('cable');
  lan.run(200);
  assert.is(f.getstate(), 1, 'persisted config is not discarded on link loss');
});

creds('NIC credentials win over persisted ones', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ wificonfig: { ssid: 'espimp-lab', key: 'old' } });
  assert.equal(connect(lan, b, 'wl0', { wificonfig: WIFI }).states, [0, 101, 104, 1]);
});

const discard = suite('persistence: extended config is discarded');

discard('after the link is lost, an extended-config interface does not come back by itself', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const { f, states } = connect(lan, b, 'eth0', { staticconfig: { ip: '192.168.1.50' } });
  assert.is(f.getstate(), 1);
  b.dev.unplug('cable');
  lan.run(100);
  b.dev.plug('cable');
  lan.run(1000);
  assert.equal(states, [0, 200, 1, 204]);
  assert.equal(f.getiptable(), { ipv4: {} });
});

discard('a named-only interface comes back by itself after the cable is re-plugged', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const { f, states } = connect(lan, b, 'eth0');
  b.dev.unplug('cable');
  lan.run(100);
  b.dev.plug('cable');
  lan.run(1000);
  assert.equal(states, [0, 200, 201, 1, 204, 200, 201, 1]);
  assert.is(f.getiptable().ipv4.address, '192.168.1.2');
});

discard('lost Wi-Fi with extended credentials: neither the radio nor a later named-only open reuses them', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const { f, states } = connect(lan, b, 'wl0', { wificonfig: WIFI });
  b.dev.unplug('radio');
  lan.run(100);
  b.dev.plug('radio');
  lan.run(1000);
  assert.equal(states, [0, 101, 104, 1, 105]);
  const again: number[] = [];
  b.rt.imp.net.open({ interface: 'wl0' }, (s: number) => again.push(s));
  lan.run(1000);
  assert.equal(again, [0, 106], 'no persisted credentials: the discarded ones are not used');
  assert.is(f.getstate(), 106);
});

discard('a failed extended attempt is discarded; a later named-only open uses the persisted config', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ wificonfig: WIFI });
  const { states } = connect(lan, b, 'wl0', { wificonfig: { ssid: 'espimp-lab', key: 'typo' } });
  assert.equal(states, [0, 101, 106]);
  b.dev.unplug('radio');
  b.dev.plug('radio');
  lan.run(1000);
  assert.equal(states, [0, 101, 106], 'the failed config is not retried');
  const again = connect(lan, b, 'wl0');
  assert.equal(again.states, [0, 101, 104, 1]);
});

discard('a named-only Wi-Fi link that is lost rejoins when the radio is back', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  b.dev.storage[KEY] = JSON.stringify({ wificonfig: WIFI });
  const { states } = connect(lan, b, 'wl0');
  b.dev.unplug('radio');
  lan.run(100);
  b.dev.plug('radio');
  lan.run(1000);
  assert.equal(states, [0, 101, 104, 1, 105, 101, 104, 1]);
});

saved.run();
creds.run();
discard.run();
