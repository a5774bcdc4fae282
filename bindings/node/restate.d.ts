// Types of tether/restate: tether in front of the official Restate SDK.
/// <reference types="node" />
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { MiddlewareOptions } from "./index";

export type Http2Handler = (request: Http2ServerRequest, response: Http2ServerResponse) => void;

export interface ProtectOptions extends Omit<MiddlewareOptions, "protocolVersion" | "extensions"> {
  /** What to accept of the runtime's tether-extensions offer; default EXT_ALL. */
  extensions?: number;
  /** Where refusals are logged; default console.error. */
  log?: (line: string) => void;
}

/** Wraps restate.endpoint().http2Handler() so every invocation runs behind tether. */
export function protect(handler: Http2Handler, options?: ProtectOptions): Http2Handler;
