// Stand-in for Espruino's built-in WIZnet support (libs/network/wiznet/jswrap_wiznet.c) with a
// W5500 on SPI (runs INSIDE the real interpreter, from `.boot0`, after the STANDIN config line
// and the dgram stand-in). The cable is STANDIN.cableIn; the address DHCP gives is STANDIN.ip
// (subnet STANDIN.netmask, gateway and dns STANDIN.gw).
//  - SPI1/SPI2/SPI3 (objects on the Linux port, where a real send answers 0xFF bytes): setup()
//    is recorded in STANDIN.spiSetup; send(data, cs) answers the W5500: a read of the common
//    register PHYCFGR (address 0x002E, control byte 0x00: [0,46,0,0]) gives bit 0 LNK = the
//    cable (0xBF in, 0xB8 out); any other transfer answers zeros of its length. Every send is
//    counted in STANDIN.spiSends.
//  - pin globals the board files name (A5-A7, B2-B5, B10, B13-B15) are defined as their names
//    where the Linux port lacks them (it has D0.. only): only ever handed to the stand-ins.
//  - require('WIZnet').connect(spi, cs) -> the Ethernet object. On a real W5500, connect()
//    busy-waits in C until the PHY has a link: the board freezes. Here, with the cable out, it
//    throws "WIZnet stand-in: connect() blocks ..." and counts STANDIN.blocked, so a driver
//    that would freeze a board fails loudly instead.
//  - setIP() runs DHCP (synchronous on a board): false and "WARNING: DHCP failed" with the
//    cable out; setIP({ip, subnet, gateway, dns, mac}) sets a static address; both return
//    true/false and call cb(null | "DHCP failed"). getIP(cb) returns {ip,subnet,gateway,dns,mac}
//    (0.0.0.0 until set) and calls cb(null, info). getStatus() gives {state,id,phylink:'up'|'down',...}.
//    There are no link events: a driver polls.
// DHCP failure (STANDIN.dhcp(false)): setIP() with no options fails as with the cable out
// (false, "WARNING: DHCP failed", cb("DHCP failed")); the address set before stays in the chip.
// Each failure calls STANDIN.onfault('dhcp') if set.
// Test hooks: STANDIN.cable(false) pulls the cable, STANDIN.cable(true) plugs it back;
// STANDIN.dhcp(on): the DHCP server answers or not.
// STANDIN.up() tells the dgram stand-in the link is up (cable in and an address set).
// Espruino JavaScript: define before use (no hoisting).
(function () {
  var S = STANDIN;
  S.cableIn = S.cableIn !== false;
  S.spiSetup = [];
  S.spiSends = 0;
  S.blocked = 0;
  var PINS = ['A5', 'A6', 'A7', 'B2', 'B3', 'B4', 'B5', 'B10', 'B13', 'B14', 'B15'];
  for (var i = 0; i < PINS.length; i++) if (global[PINS[i]] === undefined) global[PINS[i]] = PINS[i];
  var spis = [SPI1, SPI2, SPI3];
  var phycfgr = function () { return S.cableIn ? 0xBF : 0xB8; };
  var mkSpi = function (spi) {
    spi.setup = function (o) { S.spiSetup.push(o); };
    spi.send = function (data, cs) {
      S.spiSends++;
      var n = typeof data == 'number' ? 1 : data.length, r = new Uint8Array(n);
      if (n == 4 && data[0] == 0 && data[1] == 46 && data[2] == 0) r[3] = phycfgr();
      return typeof data == 'number' ? r[0] : r;
    };
  };
  for (var j = 0; j < spis.length; j++) mkSpi(spis[j]);
  var eth = null, cfg = null, mac = '00:08:dc:01:02:03', hostname = 'WIZnet010203';
  S.up = function () { return S.cableIn && !!cfg && cfg.ip != '0.0.0.0'; };
  var make = function () {
    var E1 = {};
    E1.getIP = function (cb) {
      var c = cfg || { ip: '0.0.0.0', subnet: '0.0.0.0', gateway: '0.0.0.0', dns: '0.0.0.0' };
      var r = { ip: c.ip, subnet: c.subnet, gateway: c.gateway, dns: c.dns, mac: mac };
      if (typeof cb == 'function') setTimeout(function () { cb(null, r); }, 0);
      return r;
    };
    E1.setIP = function (o, cb) {
      var err = null;
      if (o && typeof o == 'object') {
        var c = cfg || { ip: '0.0.0.0', subnet: '0.0.0.0', gateway: '0.0.0.0', dns: '0.0.0.0' };
        cfg = { ip: String(o.ip || c.ip), subnet: String(o.subnet || c.subnet), gateway: String(o.gateway || c.gateway), dns: String(o.dns || c.dns) };
        if (o.mac) mac = String(o.mac);
      } else if (!S.cableIn || S.dhcpOk === false) {
        err = 'DHCP failed';
        console.log('WARNING: DHCP failed');
        if (typeof S.onfault == 'function') S.onfault('dhcp');
      } else {
        cfg = { ip: S.ip, subnet: S.netmask, gateway: S.gw, dns: S.gw };
      }
      if (typeof cb == 'function') setTimeout(function () { cb(err); }, 0);
      return err === null;
    };
    E1.getStatus = function (cb) {
      var r = { state: 'online', id: 'W5500', phylink: S.cableIn ? 'up' : 'down', phypowmode: 'normal', by: 1, mode: 7, speed: 100, duplex: 1 };
      if (typeof cb == 'function') setTimeout(function () { cb(null, r); }, 0);
      return r;
    };
    E1.setHostname = function (h, cb) {
      var s = String(h).substr(0, 12), err = s.length < 8 ? 'hostname too short (min 8 and max 12 char )' : null;
      if (!err) hostname = s;
      if (typeof cb == 'function') setTimeout(function () { cb(err); }, 0);
      return !err;
    };
    E1.getHostname = function (cb) {
      if (typeof cb == 'function') setTimeout(function () { cb(null, hostname); }, 0);
      return hostname;
    };
    return E1;
  };
  var W = {};
  W.connect = function (spi, cs) {
    if (spi !== undefined && spis.indexOf(spi) < 0) throw new Error('Expecting SPI device, got ' + spi);
    if (!S.cableIn) {
      S.blocked++;
      throw new Error('WIZnet stand-in: connect() blocks until the Ethernet link is up (cable out): a board would freeze here');
    }
    if (!eth) eth = make();
    return eth;
  };
  /** Test hook: the cable in (true) or out (false). */
  S.cable = function (on) { S.cableIn = !!on; };
  S.dhcp = function (on) { S.dhcpOk = !!on; };
  global.STANDIN_WIZNET = W;
  Modules.addCached('WIZnet', 'module.exports=STANDIN_WIZNET;');
})();
