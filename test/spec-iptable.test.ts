// Spec section 2: interface.getiptable() -> {ipv4: {address, netmask, broadcast, gateway}}
// with unknown fields left out, and imp.net.info(). Drivers that know only part of the
// address facts (as Espruino WiFi's getIP() gives no netmask) are played by a tiny fake.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Lan } from '../hal/mock/lan';
import { createRuntime } from '../firmware/runtime';
import type { IpInfo, NetDriver } from '../hal/contract';
import { boot, connect, connectedLan, MOCK_BOARD, WIFI } from './support/runtime';

/** A device whose only driver connects at once and knows exactly the address facts `facts`. */
function partial(facts: IpInfo) {
  const lan = new Lan();
  const clock = lan.clock;
  const p = lan.device(2).platform;
  let up = false;
  const drv: NetDriver = {
    up: (_nii, _cfg, report) => { clock.timer(5, () => { up = true; report(1); }); return 0; },
    down: () => { up = false; },
    addr: () => (up ? facts : null),
    open: () => 0, send: () => 0, close: () => {},
  };
  const rt = createRuntime(p, { fake: drv }, { ...MOCK_BOARD, niis: { eth0: 'fake' } });
  const f = rt.imp.net.open({ interface: 'eth0' });
  clock.advance(10);
  return { rt, f };
}

const table = suite('getiptable');

table('a connected mock interface has all four fields', () => {
  const { devices: [{ f }] } = connectedLan(1, { first: 7 });
  assert.equal(f.getiptable(), {
    ipv4: { address: '192.168.1.7', netmask: '255.255.255.0', broadcast: '192.168.1.255', gateway: '192.168.1.1' },
  });
});

table('not connected yet, stopped or closed: an empty ipv4', () => {
  const lan = new Lan();
  const b = boot(lan, 2);
  const f = b.rt.imp.net.open({ interface: 'eth0' });
  assert.equal(f.getiptable(), { ipv4: {} });
  lan.run(20);
  assert.is(f.getstate(), 200);
  assert.equal(f.getiptable(), { ipv4: {} });
  lan.run(200);
  b.dev.unplug('cable');
  lan.run(10);
  assert.equal(f.getiptable(), { ipv4: {} });
  b.dev.plug('cable');
  lan.run(200);
  assert.is(f.getiptable().ipv4.address, '192.168.1.2');
  f.close();
  assert.equal(f.getiptable(), { ipv4: {} });
});

table('a driver that gives only an address: the other fields are left out (not null, not undefined)', () => {
  const { f } = partial({ address: '10.0.0.7' });
  assert.is(f.getstate(), 1);
  const t = f.getiptable();
  assert.equal(t, { ipv4: { address: '10.0.0.7' } });
  assert.equal(Object.keys(t.ipv4), ['address']);
});

table('the broadcast address is worked out from address and netmask when the driver does not give it', () => {
  assert.equal(partial({ address: '10.1.2.3', netmask: '255.255.252.0' }).f.getiptable().ipv4,
    { address: '10.1.2.3', netmask: '255.255.252.0', broadcast: '10.1.3.255' });
  assert.equal(partial({ address: '172.20.5.9', netmask: '255.240.0.0', gateway: '172.16.0.1' }).f.getiptable().ipv4,
    { address: '172.20.5.9', netmask: '255.240.0.0', broadcast: '172.31.255.255', gateway: '172.16.0.1' });
});

table('a broadcast the driver gives is kept; a gateway alone is reported alone', () => {
  assert.equal(partial({ address: '192.168.4.1', broadcast: '192.168.4.255' }).f.getiptable().ipv4,
    { address: '192.168.4.1', broadcast: '192.168.4.255' });
  assert.equal(partial({ gateway: '192.168.4.1' }).f.getiptable().ipv4, { gateway: '192.168.4.1' });
});

table('staticconfig netmask decides the broadcast address', () => {
  const lan = new Lan();
  const { f } = connect(lan, boot(lan, 2), 'eth0', { staticconfig: { ip: '192.168.1.9', netmask: '255.255.0.0', gateway: '192.168.0.1' } });
  assert.equal(f.getiptable().ipv4, { address: '192.168.1.9', netmask: '255.255.0.0', broadcast: '192.168.255.255', gateway: '192.168.0.1' });
});

const info = suite('imp.net.info');

info('before any open: no active interface, every board NII listed as idle', () => {
  const { rt } = boot(new Lan(), 2);
  const i = rt.imp.net.info();
  assert.is(i.active, -1);
  assert.equal(i.ipv4, {});
  assert.equal(i.interface.map((x) => [x.type, x.nii, x.state]), [['wifi', 'wl0', -1], ['ethernet', 'eth0', -1], ['cell', 'cell0', -1]]);
});

info('ipv4 is the active (last opened) interface\'s getiptable().ipv4', () => {
  const lan = new Lan();
  const b = boot(lan, 4);
  const e = connect(lan, b, 'eth0');
  let i = b.rt.imp.net.info();
  assert.is(i.interface[i.active].nii, 'eth0');
  assert.equal(i.ipv4, e.f.getiptable().ipv4);
  assert.is(i.ipv4.broadcast, '192.168.1.255');
  const w = connect(lan, b, 'wl0', { wificonfig: WIFI, staticconfig: { ip: '192.168.1.44' } });
  i = b.rt.imp.net.info();
  assert.is(i.interface[i.active].nii, 'wl0');
  assert.equal(i.ipv4, w.f.getiptable().ipv4);
  assert.is(i.ipv4.address, '192.168.1.44');
  assert.equal(i.interface.map((x) => x.state), [1, 1, -1]);
});

info('only the board\'s NIIs are listed', () => {
  const { rt } = boot(new Lan(), 2, { niis: { eth0: 'mock' } });
  assert.equal(rt.imp.net.info().interface.map((x) => x.nii), ['eth0']);
});

table.run();
info.run();
