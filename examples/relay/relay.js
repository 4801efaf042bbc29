// Send-only relay (impOS interface.openudp example): data the agent sends as
// "relay.data" goes out on the local network via UDP from port 1234 to RELAY_ADDRESS:1234
// (the guide's 192.168.0.1; here 192.168.77.1, the test LAN). Non-string data goes as JSON.
var RELAY_TO = typeof RELAY_ADDRESS == 'string' ? RELAY_ADDRESS : '192.168.77.1';
var udpsocket = null;
var iface = null;

function interfaceHandler(state) {
  if (state == imp.net.CONNECTED && udpsocket == null) {
    udpsocket = iface.openudp(null, 1234);
    server.log('Relay ready: forwarding agent data to ' + RELAY_TO + ':1234');
  }
  if (state == imp.net.ETHERNET_STOPPED || state == imp.net.ETHERNET_STOPPED_UNHAPPY ||
      state == imp.net.ETHERNET_STOPPED_NO_LINK || state == imp.net.WIFI_STOPPED ||
      state == imp.net.WIFI_STOPPED_UNHAPPY) {
    server.error('Network error - closing UDP');
    if (udpsocket != null) {
      udpsocket.close();
      udpsocket = null;
    }
  }
}

iface = imp.net.open({ interface: imp.net.info().interface[0].nii }, interfaceHandler);

agent.on('relay.data', function (data) {
  if (udpsocket != null && udpsocket.isopen()) {
    var result = udpsocket.send(RELAY_TO, 1234, typeof data == 'string' ? data : JSON.stringify(data));
    if (result != 0) server.error('Could not send the data (code: ' + result + ')');
  } else {
    server.error('UDP socket on port 1234 is not open for sending');
  }
});
