// Sends one invocation request to an endpoint and checks the answer is 200 with
// OutputCommand{value: the input} followed by End.  node check.mjs URL
import http2 from "node:http2";
import { requestBody, decodeFrames, outputContent, OUTPUT, END } from "./frames.mjs";

const url = new URL(process.argv[2]);
const content = "hello";
const client = http2.connect(url.origin);
const request = client.request({
  ":method": "POST",
  ":path": "/invoke/Echo/echo",
  "content-type": "application/vnd.restate.invocation.v5",
});
let status = 0;
const chunks = [];
request.on("response", (headers) => (status = headers[":status"]));
request.on("data", (chunk) => chunks.push(chunk));
request.on("end", () => {
  client.close();
  const frames = decodeFrames(Buffer.concat(chunks));
  const types = frames.map((f) => "0x" + f.type.toString(16).padStart(4, "0")).join(" ");
  const output = frames[0]?.type === OUTPUT ? outputContent(frames[0].payload) : null;
  const ok = status === 200 && frames.length === 2 && frames[1].type === END &&
    output !== null && output.toString() === content;
  console.log(`${url.origin}: HTTP ${status}, frames ${types}, output ${JSON.stringify(output?.toString())} ${ok ? "ok" : "WRONG"}`);
  process.exit(ok ? 0 : 1);
});
request.end(requestBody(content));
