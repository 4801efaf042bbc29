// UDP echo server on port 2001 (impOS local-networking guide): echoes every datagram
// addressed to this device or broadcast back to its sender.
var udpsocket = null;
var iface = null;
var ucastIP = null;
var bcastIP = null;

function dataReceived(fromAddress, fromPort, toAddress, toPort, data) {
  if (toAddress == ucastIP || toAddress == bcastIP || toAddress == '255.255.255.255') {
    server.log('Received ' + data.len() + ' bytes from ' + fromAddress + ':' + fromPort + ' to ' + toAddress + ':' + toPort);
    var result = udpsocket.send(fromAddress, fromPort, data);
    if (result != 0) server.error('Could not send the data (code: ' + result + ')');
  }
}

function interfaceHandler(state) {
  if (state == imp.net.CONNECTED && udpsocket == null) {
    var ip = iface.getiptable().ipv4;
    ucastIP = ip.address;
    bcastIP = ip.broadcast;
    udpsocket = iface.openudp(dataReceived, 2001);
    server.log('Echo server on ' + ucastIP + ':2001');
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
