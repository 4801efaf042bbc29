// Sensor node (impOS local-networking guide): answers the hub's discovery broadcast and its
// sequenced reading requests. The global SENSOR_ID names it; SENSOR_PORT (default 5005)
// is its port. Protocol: protocol.md.
var NODE_PORT = typeof SENSOR_PORT == 'number' ? SENSOR_PORT : 5005;
var NODE_ID = typeof SENSOR_ID == 'string' ? SENSOR_ID : 'node';
var lastSeq = 0;
var sock = null;
var iface = null;

function reading(seq) {
  return (20 + ((NODE_ID.charCodeAt(NODE_ID.length - 1) * 7 + seq * 13) % 50) / 10).toFixed(1);
}

function onData(fromAddress, fromPort, toAddress, toPort, data) {
  var words = data.tostring().split(' ');
  var r = 0;
  if (words[0] == 'DISCOVER') {
    r = sock.send(fromAddress, fromPort, 'HELLO ' + NODE_ID);
  } else if (words[0] == 'REQ') {
    var seq = parseInt(words[1], 10);
    if (!(seq > lastSeq)) {
      server.error('Bad Sequence Number ' + seq + ' (last ' + lastSeq + ')');
      return;
    }
    lastSeq = seq;
    r = sock.send(fromAddress, fromPort, 'DATA ' + seq + ' ' + reading(seq));
  }
  if (r != 0) server.error('Could not reply to ' + fromAddress + ' (code: ' + r + ')');
}

// Wi-Fi stopped (105) or unhappy (106); Ethernet stopped, unhappy or no link (202-204)
function stopped(s) {
  var n = imp.net;
  return s == n.WIFI_STOPPED || s == n.WIFI_STOPPED_UNHAPPY || (s >= n.ETHERNET_STOPPED && s <= n.ETHERNET_STOPPED_NO_LINK);
}

function onState(state) {
  if (state == imp.net.CONNECTED && sock == null) {
    sock = iface.openudp(onData, NODE_PORT);
    server.log('Sensor ' + NODE_ID + ' listening at ' + iface.getiptable().ipv4.address + ':' + NODE_PORT);
  }
  if (stopped(state)) {
    server.error('Network error - closing UDP');
    if (sock != null) {
      sock.close();
      sock = null;
    }
  }
}

iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, onState);
