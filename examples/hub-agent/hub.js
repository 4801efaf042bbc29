// A sensor hub with an agent: the sensor-hub protocol (../sensor-hub/protocol.md) with the
// PC playing the imp's agent (agent.js beside this file; how to run both: docs/console.md).
// Device -> agent: 'hello' {address} at start, 'reading' {node, address, seq, value} for
// every reading, 'results' (a request) every RESULTS_EVERY poll rounds, 'status' when asked.
// Agent -> device: 'config' {poll} (seconds between poll rounds), 'results' {id: stats},
// 'status' (a request). Nodes are told apart by address (every node run by `espimp run`
// has the same SENSOR_ID, "node").
var NODE_PORT = 5005;
var HUB_PORT = 5006;
var RESULTS_EVERY = 3;
var pollSeconds = 60;
var nodes = {};
var sock = null;
var iface = null;
var bcast = null;
var rounds = 0;
var totals = { polls: 0, readings: 0, lost: 0 };

function send(address, text) {
  var r = sock.send(address, NODE_PORT, text);
  if (r != 0) server.error('Could not send to ' + address + ' (code: ' + r + ')');
}

function onData(fromAddress, fromPort, toAddress, toPort, data) {
  var words = data.tostring().split(' ');
  var n = nodes[fromAddress];
  if (words[0] == 'HELLO' && !n) {
    nodes[fromAddress] = { id: words[1], seq: 0, waiting: 0 };
    server.log('Discovered node ' + words[1] + ' at ' + fromAddress);
  } else if (words[0] == 'DATA' && n && parseInt(words[1], 10) == n.waiting) {
    n.waiting = 0;
    totals.readings++;
    server.log('Reading from ' + n.id + ': ' + words[2]);
    agent.send('reading', { node: n.id, address: fromAddress, seq: n.seq, value: parseFloat(words[2]) });
  }
}

function round() {
  for (var address in nodes) {
    var n = nodes[address];
    if (n.waiting) {
      totals.lost++;
      server.error('Lost reading ' + n.waiting + ' from ' + n.id);
    }
    n.waiting = ++n.seq;
    totals.polls++;
    send(address, 'REQ ' + n.seq);
  }
  send(bcast, 'DISCOVER');
  if (++rounds % RESULTS_EVERY == 0) agent.send('results', null);
  imp.wakeup(pollSeconds, round);
}

agent.on('config', function (c) {
  if (c && c.poll > 0) pollSeconds = c.poll;
  server.log('Agent config: poll every ' + pollSeconds + ' s');
});

agent.on('results', function (r) {
  for (var id in r || {}) {
    var s = r[id];
    server.log('Results ' + id + ': ' + s.count + ' readings, avg ' + s.avg + ', min ' + s.min + ', max ' + s.max);
  }
});

agent.on('status', function () {
  agent.send('status', { nodes: Object.keys(nodes).length, polls: totals.polls, readings: totals.readings, lost: totals.lost });
});

iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, function (state) {
  if (state == imp.net.CONNECTED && sock == null) {
    var ip = iface.getiptable().ipv4;
    bcast = ip.broadcast || '255.255.255.255';
    sock = iface.openudp(onData, HUB_PORT);
    server.log('Hub up at ' + ip.address);
    agent.send('hello', { address: ip.address });
    send(bcast, 'DISCOVER');
    imp.wakeup(1, round);
  }
});
