// Echo/echo on the Restate TypeScript SDK over h2c, bytes in, bytes out (binary serde,
// so neither side pays for JSON).  node echo_service.mjs PORT
import "./polyfill.mjs"; // first: the SDK needs it at load time on Node 20
import * as restate from "@restatedev/restate-sdk";

const port = Number(process.argv[2] ?? 9080);
const echo = restate.service({
  name: "Echo",
  handlers: {
    echo: restate.handlers.handler(
      { input: restate.serde.binary, output: restate.serde.binary },
      async (_ctx, input) => input,
    ),
  },
});
restate.endpoint().bind(echo).listen(port);
console.log(`listening on http://127.0.0.1:${port}`);
