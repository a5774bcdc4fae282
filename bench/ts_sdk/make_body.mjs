// Writes the h2load request body: node make_body.mjs FILE [CONTENT]
import { writeFileSync } from "node:fs";
import { requestBody } from "./frames.mjs";

writeFileSync(process.argv[2], requestBody(process.argv[3] ?? "hello"));
