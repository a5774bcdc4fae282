// Sends N echo invocations through the ingress at once and checks every answer.
//   node concurrent.mjs URL N
// Prints "N/N ok" (or the first failures) and exits non-zero unless all succeed.
import http from "node:http";

const [url, countText] = process.argv.slice(2);
const count = Number(countText ?? 200);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

function invoke(body) {
  return new Promise((resolve) => {
    const request = http.request(url, { method: "POST", agent, timeout: 60000 }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }),
      );
    });
    request.on("timeout", () => request.destroy(new Error("timed out after 60 s")));
    request.on("error", (error) => resolve({ status: 0, body: String(error) }));
    request.setHeader("content-type", "application/octet-stream");
    request.end(body);
  });
}

const bodies = Array.from({ length: count }, (_, i) => `concurrent-${i}-${Math.random()}`);
const results = await Promise.all(bodies.map(invoke));
const failures = results
  .map((result, i) => ({ ...result, expected: bodies[i] }))
  .filter((result) => result.status !== 200 || result.body !== result.expected);
console.log(`${count - failures.length}/${count} ok`);
for (const failure of failures.slice(0, 3)) {
  console.log(`  status ${failure.status}: ${failure.body.slice(0, 200)}`);
}
process.exit(failures.length === 0 ? 0 : 1);
