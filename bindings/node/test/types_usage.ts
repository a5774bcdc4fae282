// Compiled (not run) by types.test.js with tsc --strict: the declarations describe a
// program that uses every class.
import * as tether from "../index.js";
import { protect } from "../restate.js";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

const s = new tether.Session({ protocolVersion: 8, extensions: tether.EXT_ALL });
const taken: number = s.feed(tether.wire.start());
const e = s.nextEvent();
if (e !== null && e.kind === "message") {
  const t: number = e.type;
  s.send(tether.MSG_OUTPUT_COMMAND, e.data.subarray(0, t));
}
const out: Buffer | null = s.takeOutput(1024);
s.close();

const inv = new tether.Invocation({ maxOutputSize: 1 << 20 });
if (inv.poll() === "run") inv.complete(inv.input().value);
const state: tether.InvocationState = inv.state;

const p = new tether.Prober({ selection: "all", onStateChange: (c) => console.log(c.to) });
p.addStream(1n, "d", 0);
for (const ping of p.poll(0).pings) console.log(ping.frame.length);

const d = new tether.Decoder({ allowContinued: true });
const frame = d.next();

const m = new tether.Middleware({ maxOutputSize: 1024 });
const input: Buffer | null | undefined = m.takeSdkInput();

try {
  s.feed(Buffer.alloc(1));
} catch (err) {
  if (err instanceof tether.TetherError) console.log(err.code, err.statusName, err.retryable, err.fatal);
  if (err instanceof tether.WouldBlock) console.log("later");
}
const negotiated: { accepted: number; header: string | null } = tether.negotiateExtensions("ping/1");

const sdkHandler = (_req: Http2ServerRequest, _res: Http2ServerResponse): void => {};
const guarded = protect(sdkHandler, { maxOutputSize: 1 << 20 });
console.log(taken, out, state, frame, input, negotiated, guarded);
