/**
 * The memory floor for scenario 3: a bare Node process that reads the simulator's tasks list the plainest
 * way (fetch + text + JSON.parse, keeping the latest list as a cache would) in the same pattern as the
 * server is driven: two reads, then twice (wait 2.1 s, two reads). Prints one JSON line with VmRSS after
 * the first read and VmRSS / VmHWM at the end, so the server's resident memory is judged against what Node
 * itself needs for the same work.
 *
 *   node floor-reader.mjs <coder-url> <token>
 */
import { readFileSync } from 'node:fs';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  process.stderr.write('usage: node floor-reader.mjs <coder-url> <token>\n');
  process.exit(2);
}

const memory = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
};

let latest;
const read = async () => {
  const res = await fetch(`${url}/api/v2/tasks`, { headers: { 'Coder-Session-Token': token, Accept: 'application/json' } });
  latest = JSON.parse(await res.text());
};

await read();
const afterFirst = memory();
await read();
for (let round = 0; round < 2; round++) {
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  await read();
  await read();
}
const end = memory();
process.stdout.write(`${JSON.stringify({ tasks: latest.tasks.length, afterFirstRss: afterFirst.rss, rss: end.rss, peak: end.peak })}\n`);
