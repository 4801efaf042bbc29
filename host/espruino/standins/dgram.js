// Stand-in for Espruino's `dgram` on the Linux port (runs INSIDE the real interpreter, from
// `.boot0`, after the `var STANDIN={...}` config line written by host/espruino/standins/index.ts).
// It wraps the REAL dgram, captured before the wrapper is registered, so a board bundle that
// talks to its virtual LAN (192.168.77.0/24) reaches only loopback:
//  - send: 192.168.77.N (N 1-254) -> 127.77.0.N; 192.168.77.255 and 255.255.255.255 ->
//    127.255.255.255. Any other destination is REFUSED: nothing is sent, it is counted in
//    STANDIN.refused[address] and global STANDIN_REFUSED. With STANDIN.map false (the linux
//    board, whose bundle maps addresses itself) destinations in 127.0.0.0/8 pass unchanged and
//    every other one is refused the same way. Every address handed to the real dgram is
//    counted in STANDIN.real[address]: a test proves from it that nothing left 127.0.0.0/8.
//  - receive: rinfo.address 127.77.0.N -> 192.168.77.N; a datagram from any other address
//    (e.g. 127.0.0.1, where every Linux-port interpreter's datagrams come from) is dropped
//    and counted in STANDIN.dropped (map false: rinfo is handed on unchanged). Every drop also
//    calls STANDIN.ondrop(reason) when a test has set it; likewise STANDIN.onreal(address) for
//    every real send and STANDIN.onrefuse(address) for every refusal (so a test can follow
//    them as events instead of asking through the REPL). STANDIN.last is the newest wrapper.
//  - the board's link: while STANDIN.up() (set by the Wifi/WIZnet stand-in) is false, sends
//    and receives are dropped (counted in STANDIN.dropped), as on a board whose radio or
//    cable is gone. STANDIN.maxUdp (ESP8266: 268): larger payloads are dropped both ways, as
//    the ESP8266's native stack does.
// Everything else is the real module's behaviour: createSocket(type | options, cb) is passed
// through (recvBufferSize, reuseAddr), bind(port, cb) too (0.0.0.0:port, no address), payloads
// go to the real send as they come (so a Uint8Array is sent as its "1,2,3" text, as on a
// board), a trailing send callback is ignored, 'message' gives (String, {address, port, size}),
// 'close' and 'error' are forwarded. One difference a test sees: a bound socket's broadcasts
// leave from an unbound companion socket (an ephemeral port; replies to it still arrive), as
// the Linux port gives SO_BROADCAST only to unbound sockets; a board sends them from its port.
// Espruino JavaScript: define before use (no hoisting), no ES2015+ syntax beyond what 2v29 parses.
(function () {
  var S = STANDIN;
  // after a load() the cache is new; removeCached throws for a module not cached
  try { Modules.removeCached('dgram'); } catch (e) { }
  var real = require('dgram');
  S.real = {};
  S.refused = {};
  S.dropped = 0;
  S.nonString = 0;
  global.STANDIN_REFUSED = 0;
  if (!S.up) S.up = function () { return true; };
  var LAN = '192.168.77.', LO = '127.77.0.', BCAST = '127.255.255.255';
  var hostOf = function (a, prefix) {
    if (typeof a != 'string' || a.indexOf(prefix) != 0) return 0;
    var t = a.substr(prefix.length);
    // Espruino's RegExp has no {m,n} quantifier (measured: /^[0-9]{1,3}$/.test('3') is false)
    if (t.length > 3 || !/^[0-9]+$/.test(t)) return 0;
    var n = parseInt(t, 10);
    return n > 0 && n < 255 ? n : 0;
  };
  var isLoopback = function (a) {
    if (typeof a != 'string') return false;
    var q = a.split('.');
    if (q.length != 4 || q[0] != '127') return false;
    for (var i = 0; i < 4; i++) if (q[i].length > 3 || !/^[0-9]+$/.test(q[i]) || parseInt(q[i], 10) > 255) return false;
    return true;
  };
  /** Where a destination goes on the host, or null to refuse it. */
  var out = function (a) {
    if (S.map === false) return isLoopback(a) ? a : null;
    if (a == LAN + '255' || a == '255.255.255.255') return BCAST;
    var n = hostOf(a, LAN);
    return n ? LO + n : null;
  };
  /** The sender the board sees, or null to drop. */
  var back = function (a) {
    if (S.map === false) return a;
    var n = hostOf(a, LO);
    return n ? LAN + n : null;
  };
  /** Count a dropped datagram; STANDIN.ondrop (a test hook), if set, is told why. */
  var drop = function (why) {
    S.dropped++;
    if (typeof S.ondrop == 'function') S.ondrop(why);
  };
  var refuse = function (a) {
    var k = String(a);
    S.refused[k] = (S.refused[k] | 0) + 1;
    global.STANDIN_REFUSED++;
    if (typeof S.onrefuse == 'function') S.onrefuse(k);
  };
  /* A wrapper socket: _r the real socket, _type what made it, _bound, _c the companion (made at
     the first broadcast of a bound socket). Its methods live on one prototype and the real
     sockets' listeners are shared (this: a real socket, whose _w is its wrapper), so a wrapper
     holds a few blocks, as a board's native socket does, not a closure per method. */
  var Wrap = function () {};
  var onmsg = function (msg, info) {
    var a = back(info.address);
    if (!a) return drop('from ' + info.address);
    if (!S.up()) return drop('link down');
    if (S.maxUdp && msg.length > S.maxUdp) return drop('over ' + S.maxUdp + ' bytes');
    this._w.emit('message', msg, { address: a, port: info.port, size: info.size });
  };
  var onclose = function (x) { this._w.emit('close', x); };
  var onerror = function (e) { this._w.emit('error', e); };
  var createSocket = function (type, cb) {
    var w = new Wrap(), r = real.createSocket(type, cb ? function () { cb(w); } : undefined);
    w._r = r;
    w._type = type;
    w._bound = false;
    w._c = null;
    r._w = w;
    r.on('message', onmsg);
    r.on('close', onclose);
    r.on('error', onerror);
    // the newest socket, for a test to close its real one as the stack does after an empty datagram
    S.last = w;
    return w;
  };
  Wrap.prototype.bind = function (port, f) {
    var w = this;
    w._bound = true;
    w._r.bind(port, f ? function () { f(w); } : undefined);
    return w;
  };
  /* A board's bound socket broadcasts from its own port; a bound socket of the Linux port has
     no SO_BROADCAST (unbound ones do), so a bound wrapper's broadcasts leave from an unbound
     companion socket (an ephemeral port) whose replies reach the wrapper's listeners. */
  Wrap.prototype._via = function (to) {
    if (to != BCAST || !this._bound) return this._r;
    if (!this._c) {
      this._c = real.createSocket(this._type);
      this._c._w = this;
      this._c.on('message', onmsg);
    }
    return this._c;
  };
  Wrap.prototype.send = function (msg, a1, a2, a3, a4) {
    // the long form has a 4th argument that is not a (trailing, ignored) callback; not
    // arguments.length: on Espruino it counts every declared parameter (measured: 5 for 3 passed)
    var long = a3 !== undefined && typeof a3 != 'function', addr = long ? a4 : a2, to = out(addr);
    if (!to) return refuse(addr);
    if (typeof msg != 'string') S.nonString++;
    var n = long ? a2 : (typeof msg == 'string' ? msg.length : 0);
    if (!S.up()) return drop('link down');
    if (S.maxUdp && n > S.maxUdp) return drop('over ' + S.maxUdp + ' bytes');
    S.real[to] = (S.real[to] | 0) + 1;
    if (typeof S.onreal == 'function') S.onreal(to);
    if (long) this._via(to).send(msg, a1, a2, a3, to);
    else this._via(to).send(msg, a1, to);
  };
  Wrap.prototype.close = function () {
    this._r.close();
    if (this._c) this._c.close();
  };
  Wrap.prototype.addMembership = function (g, ip) { return this._r.addMembership(g, ip); };
  global.STANDIN_DGRAM = { createSocket: createSocket };
  Modules.addCached('dgram', 'module.exports=STANDIN_DGRAM;');
})();
