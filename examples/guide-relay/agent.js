// The agent of relay.js on the PC (`espimp run relay.js --agent agent.js`): sends the device a
// "relay.data" reading every RELAY_SECONDS (environment; default 2), the first after one period
// (the device's socket opens once its interface is up), numbered "reading 1", "reading 2", ...
export default function (device) {
  const seconds = Number(process.env.RELAY_SECONDS) || 2;
  let n = 0;
  setInterval(() => device.send('relay.data', `reading ${++n}`), seconds * 1000).unref();
}
