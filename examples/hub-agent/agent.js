// The PC as the imp's agent of hub.js: configures the hub's poll interval when it says
// hello, collects the readings it relays, answers its 'results' requests with statistics
// per node ("id@address") and logs them, then asks for the hub's status and logs that.
// Load it with `espimp run hub.js --agent agent.js` or `espimp console --agent agent.js`.
// HUB_POLL_SECONDS in the environment sets the poll interval (default 60).
export default function (device) {
  const poll = Number(process.env.HUB_POLL_SECONDS) || 60;
  const byNode = {};

  device.on('hello', (hub) => {
    console.log(`agent: hub up at ${hub.address}; asking for a poll every ${poll} s`);
    device.send('config', { poll });
  });

  device.on('reading', (r) => {
    const key = `${r.node}@${r.address}`;
    const s = byNode[key] || (byNode[key] = { count: 0, sum: 0, min: Infinity, max: -Infinity });
    s.count++;
    s.sum += r.value;
    s.min = Math.min(s.min, r.value);
    s.max = Math.max(s.max, r.value);
  });

  device.on('results', () => {
    const results = {};
    for (const [id, s] of Object.entries(byNode)) {
      results[id] = { count: s.count, avg: Math.round((s.sum / s.count) * 100) / 100, min: s.min, max: s.max };
    }
    console.log(`agent: results ${JSON.stringify(results)}`);
    device.send('results', results);
    device.send('status', null);
  });

  device.on('status', (st) => {
    console.log(`agent: hub status: ${st.nodes} nodes, ${st.polls} polls, ${st.readings} readings, ${st.lost} lost`);
  });
}
