// Sensor hub (impOS local-networking guide): discovers sensor nodes by broadcast, polls
// each one every POLL_SECONDS (60 as in the guide; the global HUB_POLL_SECONDS overrides
// it), logs readings and relays them to the agent. Protocol: protocol.md (ports 5005/5006;
// the global SENSOR_PORT moves them to SENSOR_PORT/SENSOR_PORT+1).
var POLL_SECONDS = typeof HUB_POLL_SECONDS == 'number' ? HUB_POLL_SECONDS : 60;
var NODE_PORT = typeof SENSOR_PORT == 'number' ? SENSOR_PORT : 5005;
var HUB_PORT = NODE_PORT + 1;
var nodes = {};
var sock = null;
var iface = null;
var bcast = null;
var discoverTimer = null;
var pollTimer = null;
var totals = { polls: 0, readings: 0, lost: 0, stale: 0 };

function onData(fromAddress, fromPort, toAddress, toPort, data) {
  var words = data.tostring().split(' ');
  if (words[0] == 'HELLO') {
    if (!nodes[fromAddress]) {
      nodes[fromAddress] = { id: words[1], seq: 0, waiting: 0 };
      server.log('Discovered node ' + words[1] + ' at ' + fromAddress);
    }
  } else if (words[0] == 'DATA' && nodes[fromAddress]) {
    var n = nodes[fromAddress];
    var seq = parseInt(words[1], 10);
    if (seq != n.waiting) {
      totals.stale++;
      server.error('Stale reading ' + seq + ' from ' + n.id + ' (waiting for ' + n.waiting + ')');
      return;
    }
    n.waiting = 0;
    totals.readings++;
    server.log('Reading from ' + n.id + ': ' + words[2] + ' (seq ' + seq + ')');
    agent.send('reading', { node: n.id, seq: seq, value: parseFloat(words[2]) });
  }
}

function send(address, text) {
  var r = sock.send(address, NODE_PORT, text);
  if (r != 0) server.error('Could not send to ' + address + ' (code: ' + r + ')');
}

function discover(times) {
  if (sock == null) return;
  send(bcast, 'DISCOVER');
  if (times > 1) discoverTimer = imp.wakeup(2, function () { discover(times - 1); });
}

function poll() {
  if (sock == null) return;
  for (var address in nodes) {
    var n = nodes[address];
    if (n.waiting) {
      totals.lost++;
      server.error('Lost reading ' + n.waiting + ' from ' + n.id);
    }
    n.seq++;
    n.waiting = n.seq;
    totals.polls++;
    send(address, 'REQ ' + n.seq);
  }
  send(bcast, 'DISCOVER');
  pollTimer = imp.wakeup(POLL_SECONDS, poll);
}

// Wi-Fi stopped (105) or unhappy (106); Ethernet stopped, unhappy or no link (202-204)
function stopped(s) {
  var n = imp.net;
  return s == n.WIFI_STOPPED || s == n.WIFI_STOPPED_UNHAPPY || (s >= n.ETHERNET_STOPPED && s <= n.ETHERNET_STOPPED_NO_LINK);
}

function onState(state) {
  if (state == imp.net.CONNECTED && sock == null) {
    var ip = iface.getiptable().ipv4;
    bcast = ip.broadcast || '255.255.255.255';
    sock = iface.openudp(onData, HUB_PORT);
    server.log('Hub up at ' + ip.address + ', discovering via ' + bcast);
    discover(3);
    pollTimer = imp.wakeup(POLL_SECONDS, poll);
  }
  if (stopped(state)) {
    server.error('Network error - closing UDP');
    if (discoverTimer != null) imp.cancelwakeup(discoverTimer);
    if (pollTimer != null) imp.cancelwakeup(pollTimer);
    if (sock != null) {
      sock.close();
      sock = null;
    }
  }
}

iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, onState);
agent.on('summary', function () { agent.send('summary', totals); });
