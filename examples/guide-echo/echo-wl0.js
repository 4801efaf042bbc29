// The impOS local-networking guide's UDP echo server (echo.js beside this file), the same file
// on Wi-Fi: it opens wl0 where the guide's imp005 opens eth0, and nothing else changes (so a
// Wi-Fi failure is not logged: the guide's handler watches the Ethernet states). Needs a Wi-Fi
// network: `espimp run --wifi SSID`, persisted credentials on a board, or sim's own.
var udpsocket = null;
var interface = null;
var ucastIP = null;
var bcastIP = null;

function dataReceived(fromAddress, fromPort, toAddress, toPort, data) {
  // Check that we are the destination (unicast or broadcast)
  if (toAddress == ucastIP || toAddress == bcastIP) {
    // Log the receipt of data
    server.log("Received " + data.len() + "bytes from " + fromAddress + ":" + fromPort);

    // Echo it back
    var result = udpsocket.send(fromAddress, fromPort, data);
    if (result != 0) server.error("Could not send the data (code: " + result + ")");
  }
}

function interfaceHandler(state) {
  if (state == imp.net.CONNECTED && udpsocket == null) {
    // We're connected, so initiate UDP
    udpsocket = interface.openudp(dataReceived, 2001);
  }

  if (state == imp.net.ETHERNET_STOPPED ||
      state == imp.net.ETHERNET_STOPPED_UNHAPPY ||
      state == imp.net.ETHERNET_STOPPED_NO_LINK) {
    server.error("Ethernet error - closing UDP");
    if (udpsocket != null) {
      udpsocket.close();
      udpsocket = null;
    }
  }
}

// Set up a UDP echo server
// Get an interface object
interface = imp.net.open({"interface": "wl0"}, interfaceHandler);

// Get the imp's IP and the network broadcast IP
var i = imp.net.info();
ucastIP = i.ipv4.address;
bcastIP = i.ipv4.broadcast;
