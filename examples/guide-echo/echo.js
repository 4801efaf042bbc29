// The impOS local-networking guide's UDP echo server, translated line for line from its
// Squirrel (../shared/seeds/impos-local-networking-guide.txt, "Making A Local Connection";
// the state constants its page lost are put back). Like the guide it reads imp.net.info() at
// its top level, right after imp.net.open(): that works because the device boots like an
// imp (spec §2 "Boot": `espimp run`, `sim` and a board bundle connect the default interface
// before the first line). It names eth0, as the guide's imp005 does; echo-wl0.js is the same
// file on wl0, echo-any.js on the board's first NII (runs on every board).
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
interface = imp.net.open({"interface": "eth0"}, interfaceHandler);

// Get the imp's IP and the network broadcast IP
var i = imp.net.info();
ucastIP = i.ipv4.address;
bcastIP = i.ipv4.broadcast;
