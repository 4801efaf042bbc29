// Stand-in for Espruino's built-in `Wifi` module (runs INSIDE the real interpreter, from
// `.boot0`, after the STANDIN config line and the dgram stand-in). STANDIN.flavor picks the
// board: 'esp32', 'esp8266' or 'espruino-wifi'. The access point is STANDIN.ssid / STANDIN.key;
// the station's address STANDIN.ip (netmask STANDIN.netmask, gateway STANDIN.gw). Per-board
// shapes, from Espruino's sources:
//  esp32 (jswrap_esp32_network.c): connect calls cb(null) once it has an address, and never
//    on a failure (only a 'disconnected' event {ssid,mac,reason,msg}: "201"/"NO_AP_FOUND",
//    "202"/"AUTH_FAIL", "200"/"BEACON_TIMEOUT", "8"/"ASSOC_LEAVE"); 'connected' {ip,netmask,gw};
//    getIP(cb) returns {ip,netmask,gw,mac} and calls cb(null, info); no setIP.
//  esp8266 (jswrap_esp8266_network.c): connect calls cb("bad password") on a wrong key, and
//    not at all while the AP is missing (the SDK keeps retrying: here, it joins once the radio
//    comes back); 'connected' {ip,mask,gw}; 'disconnected' {ssid,mac,reason}; getIP(cb)
//    returns {ip,netmask,gw,mac} and calls cb(info) with ONE argument; setIP({ip,gw,netmask},
//    cb) checks all three and calls cb({success:true}).
//  espruino-wifi (the EspruinoWiFi module, an ESP8266 on AT commands): the module boots first
//    (STANDIN.bootMs), connect calls cb(null) or cb("WiFi connect failed: +CWJAP:2|3");
//    events without details; getIP before any connect throws (the module's `at` is unset),
//    after it calls cb(err, {ip, mac}) with no netmask; setIP(settings, cb) calls cb(null) or
//    cb("setIP failed: ERROR"); no getStatus.
// Every flavour: a lost link emits 'disconnected'; once the radio is back, the stack rejoins
// by itself and emits 'connected' (a pending connect callback is then called as on success).
// DHCP failure, with STANDIN.faults set (standinsFor(board, {faults: true}); off, the hook is
// not made: on the 1600-block interpreter every block counts): STANDIN.dhcp(false) and the
// station associates but gets no address. ESP32 and ESP8266: the SDK's DHCP client keeps
// trying: no event, no connect callback. Espruino WiFi: AT+CWJAP gives up with "+CWJAP:1"
// (timeout): 'disconnected' and cb("WiFi connect failed: +CWJAP:1"). Once the server answers
// (STANDIN.dhcp(true)) the station joins again and completes as usual (on ESP32 and ESP8266 an
// 'associated' event more than the SDK gives: no driver reads it). Each failure calls
// STANDIN.onfault('dhcp') if set.
// Test hooks: STANDIN.radio(false) takes the AP away (the link, if up or waiting for an
// address, is lost); STANDIN.radio(true) brings it back. STANDIN.up() tells the dgram stand-in
// the link is up.
// Espruino JavaScript: define before use (no hoisting).
(function () {
  var S = STANDIN, F = S.flavor, W = {};
  var AP_MAC = '02:00:00:00:00:01', MAC = S.mac || '5c:cf:7f:00:00:02';
  var ESPWIFI = F == 'espruino-wifi';
  var want = false, ssid = '', key = '', link = 'off', pending = null, gen = 0, started = false, hostname = '';
  S.radioOn = S.radioOn !== false;
  S.joins = 0;
  S.up = function () { return link == 'up'; };
  var later = function (ms, f) { setTimeout(f, ms); };
  var emit = function (ev, details) {
    if (ESPWIFI || !details) W.emit(ev);
    else W.emit(ev, details);
  };
  var reason = function (r8266, r32, m32) {
    return F == 'esp32' ? { ssid: ssid, mac: AP_MAC, reason: r32, msg: m32 } : { ssid: ssid, mac: AP_MAC, reason: r8266 };
  };
  var done = function (err) {
    var cb = pending;
    pending = null;
    if (typeof cb == 'function') cb(err);
  };
  var ipInfo = function () {
    var u = link == 'up';
    return { ip: u ? S.ip : '0.0.0.0', netmask: u ? S.netmask : '0.0.0.0', gw: u ? S.gw : '0.0.0.0', mac: MAC };
  };
  /** One join attempt of generation g: association, then (the address) DHCP. */
  var join = function (g) {
    link = 'joining';
    S.joins++;
    later(S.joinMs, function () {
      if (g != gen) return;
      var noAp = !S.radioOn || ssid != S.ssid;
      if (noAp || key != S.key) {
        link = noAp ? 'noap' : 'badkey';
        if (ESPWIFI) {
          emit('disconnected');
          return done('WiFi connect failed: +CWJAP:' + (noAp ? 3 : 2));
        }
        emit('disconnected', noAp ? reason('no_ap_found', '201', 'NO_AP_FOUND') : reason('auth_expire', '202', 'AUTH_FAIL'));
        if (F == 'esp8266' && !noAp) done('bad password');
        return;
      }
      emit('associated', ESPWIFI ? null : { ssid: ssid, mac: AP_MAC, channel: 6 });
      later(S.dhcpMs, function () {
        if (g != gen) return;
        if (!S.radioOn) { link = 'noap'; return emit('disconnected', reason('beacon_timeout', '200', 'BEACON_TIMEOUT')); }
        if (S.dhcpOk === false) {
          link = 'nodhcp';
          if (S.onfault) S.onfault('dhcp');
          if (ESPWIFI) {
            emit('disconnected');
            done('WiFi connect failed: +CWJAP:1');
          }
          return;
        }
        link = 'up';
        if (ESPWIFI) { emit('connected'); return done(null); }
        done(null);
        emit('connected', F == 'esp32' ? { ip: S.ip, netmask: S.netmask, gw: S.gw } : { ip: S.ip, mask: S.netmask, gw: S.gw });
      });
    });
  };
  W.connect = function (s, options, cb) {
    if (typeof s != 'string') throw new Error('No SSID provided');
    if (options != null && typeof options != 'object') throw new Error('Expecting options object but got ' + typeof options);
    if (cb !== undefined && typeof cb != 'function') throw new Error('Expecting callback function but got ' + cb);
    var pw = options && options.password !== undefined ? String(options.password) : '';
    if (F == 'esp8266' && link == 'up' && s == ssid && pw == key) { pending = cb; return later(0, function () { done(null); }); }
    var g = ++gen, wasUp = link == 'up';
    want = true;
    ssid = s;
    key = pw;
    pending = cb;
    link = 'joining';
    if (wasUp && !ESPWIFI) emit('disconnected', reason('assoc_leave', '8', 'ASSOC_LEAVE'));
    if (ESPWIFI && !started) {
      started = true;
      return later(S.bootMs, function () { if (g == gen) join(g); });
    }
    join(g);
  };
  W.disconnect = function (cb) {
    var wasUp = link == 'up';
    gen++;
    want = false;
    link = 'off';
    pending = null;
    later(ESPWIFI ? 1 : 0, function () {
      if (typeof cb == 'function') cb();
      if (wasUp && !ESPWIFI) emit('disconnected', reason('assoc_leave', '8', 'ASSOC_LEAVE'));
    });
  };
  W.getIP = function (cb) {
    var r = ipInfo();
    if (ESPWIFI) {
      if (!started) throw new Error("Cannot read property 'cmd' of undefined");
      if (typeof cb == 'function') later(20, function () { cb(null, { ip: r.ip, mac: MAC }); });
      return undefined;
    }
    if (typeof cb == 'function') later(0, function () { if (F == 'esp32') cb(null, r); else cb(r); });
    return r;
  };
  // no {m,n} quantifiers: Espruino's RegExp lacks them
  var quadOk = function (v) { return typeof v == 'string' && /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/.test(v) && v.length <= 15 && v != '0.0.0.0'; };
  if (F == 'esp8266') {
    W.setIP = function (o, cb) {
      if (!o || typeof o != 'object') throw new Error('Expecting options object but got ' + typeof o);
      if (!quadOk(o.ip)) throw new Error('Not a valid IP address.');
      if (!quadOk(o.gw)) throw new Error('Not a valid Gateway address.');
      if (!quadOk(o.netmask)) throw new Error('Not a valid Netmask.');
      S.ip = o.ip;
      S.gw = o.gw;
      S.netmask = o.netmask;
      if (typeof cb != 'function') throw new Error('Callback is not a function.');
      later(0, function () { cb({ success: true }); });
    };
  } else if (ESPWIFI) {
    W.setIP = function (o, cb) {
      if (!started) throw new Error("Cannot read property 'cmd' of undefined");
      var dhcp = !o || typeof o != 'object' || !o.ip, ok = link == 'up';
      if (ok && !dhcp) { S.ip = String(o.ip); if (o.gw) S.gw = String(o.gw); if (o.netmask) S.netmask = String(o.netmask); }
      later(dhcp ? 1000 : 20, function () { if (typeof cb == 'function') cb(ok ? null : 'setIP failed: ERROR'); });
    };
  }
  W.setHostname = function (h, cb) {
    hostname = String(h);
    if (typeof cb == 'function') later(0, function () { if (ESPWIFI) cb('OK'); else cb(); });
  };
  W.getHostname = function () { return hostname || (F == 'esp8266' ? 'espruino' : ''); };
  if (!ESPWIFI) {
    W.getStatus = function (cb) {
      var st = link == 'up' ? 'connected' : link == 'badkey' ? 'bad_password' : link == 'noap' ? 'no_ap_found' : link == 'off' ? 'off' : 'connecting';
      var r = F == 'esp32'
        ? { station: st == 'connected' ? 'connected' : st == 'bad_password' ? 'AUTH_FAIL' : st == 'no_ap_found' ? 'NO_AP_FOUND' : 'UNSPECIFIED', mode: want ? 'STA' : 'NULL', powersave: 'none' }
        : { mode: want ? 'sta' : 'off', station: st, ap: 'disabled', phy: '11n', powersave: 'ps-poll', savedMode: 'off' };
      if (typeof cb == 'function') later(0, function () { cb(r); });
      return r;
    };
  }
  /** Test hook: the access point in range (true) or gone (false). */
  S.radio = function (on) {
    S.radioOn = !!on;
    if (!on && (link == 'up' || link == 'nodhcp')) {
      link = 'lost';
      gen++;
      return emit('disconnected', reason('beacon_timeout', '200', 'BEACON_TIMEOUT'));
    }
    // the stack retries by itself: a lost link, or a join that found no AP, rejoins
    if (on && want && (link == 'lost' || link == 'noap')) join(++gen);
  };
  /** Test hook (STANDIN.faults): the DHCP server answers (true) or not (false); a station waiting for an address joins again. */
  if (S.faults) S.dhcp = function (on) {
    S.dhcpOk = !!on;
    if (on && want && link == 'nodhcp' && S.radioOn) join(++gen);
  };
  global.STANDIN_WIFI = W;
  Modules.addCached('Wifi', 'module.exports=STANDIN_WIFI;');
})();
