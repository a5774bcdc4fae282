// Types of tether for Node (checked with tsc --strict by the test suite).
/// <reference types="node" />

export type Bytes = Buffer | Uint8Array | DataView;
/** A non-negative integer: a number, or a bigint past 2^53. */
export type U64 = number | bigint;

export const version: string;

export const PROTOCOL_MIN_VERSION: number;
export const PROTOCOL_MAX_VERSION: number;
export const FRAME_HEADER_SIZE: number;
export const DEFAULT_MAX_FRAME_PAYLOAD: number;
export const DEFAULT_MAX_MESSAGE_SIZE: number;
export const MSG_START: number;
export const MSG_SUSPENSION: number;
export const MSG_ERROR: number;
export const MSG_END: number;
export const MSG_COMMAND_ACK: number;
export const MSG_PROPOSE_RUN_COMPLETION: number;
export const MSG_AWAITING_ON: number;
export const MSG_PROPOSE_RUN_COMPLETION_ACK: number;
export const MSG_PING: number;
export const MSG_PONG: number;
export const MSG_INPUT_COMMAND: number;
export const MSG_OUTPUT_COMMAND: number;
export const FLAG_REQUESTED_ACK: number;
export const FLAG_CONTINUED: number;
/** tether-extensions features (PROTOCOL.md section 2): ping/1, chunked/1, both. */
export const EXT_PING: number;
export const EXT_CHUNKED: number;
export const EXT_ALL: number;
export const EXTENSIONS_MAX_LENGTH: number;
/** "tether-extensions" */
export const EXTENSIONS_HEADER: string;
/** What a runtime-side client offers: "ping/1, chunked/1". */
export const EXTENSIONS_OFFER: string;

export interface SessionOptions {
  /** Negotiated upstream version, 5..8; default 8. */
  protocolVersion?: number;
  maxFramePayload?: number;
  maxMessageSize?: U64;
  inboundBudget?: U64;
  outboundHighWatermark?: U64;
  outboundLowWatermark?: U64;
  /** EXT_* bits active on this stream (both sides named them); default 0. */
  extensions?: number;
}

export interface SessionStats {
  bytesIn: U64; bytesOut: U64;
  framesIn: U64; framesOut: U64;
  chunksIn: U64; chunksOut: U64;
  messagesIn: U64; messagesOut: U64;
  pingsAnswered: U64;
  inboundBuffered: U64; outboundBuffered: U64;
  peakInboundBuffered: U64; peakOutboundBuffered: U64;
}

export type SessionEvent =
  | { kind: "message"; type: number; flags: number; data: Buffer }
  | { kind: "ping"; data: Buffer; answered: boolean }
  | { kind: "writable" };

/** One invocation stream, SDK side. */
export class Session {
  constructor(options?: SessionOptions);
  /** Bytes taken: fewer than given when the inbound budget is full (dispatch, then feed the rest). */
  feed(data: Bytes): number;
  finishInput(): void;
  /** The dispatch step (a Ping's Pong is queued right here); null: nothing until more input. */
  nextEvent(): SessionEvent | null;
  /** Throws MessageTooLarge (nothing queued), WouldBlock (wait for a "writable" event), Closed. */
  send(type: number, payload: Bytes): void;
  /** Up to limit bytes of output (copied), or null when none is pending. */
  takeOutput(limit?: U64): Buffer | null;
  stats(): SessionStats;
  close(): void;
  readonly lastError: string;
  readonly closed: boolean;
}

export interface InvocationOptions extends SessionOptions {
  /** The runtime's limit for one OutputCommand; default 32 MiB. */
  maxOutputSize?: U64;
}

export interface InvocationInput {
  id: Buffer;
  debugId: string;
  key: string;
  knownEntries: number;
  retryCountSinceLastStoredEntry: number;
  durationSinceLastStoredEntry: U64;
  randomSeed: bigint;
  value: Buffer;
  headers: [string, string][];
}

export type InvocationState = "waiting-start" | "waiting-input" | "running" | "ending" | "done";

/** The smallest handler lifecycle: Start + Input in, Output + End (or a failure) out. */
export class Invocation {
  constructor(options?: InvocationOptions);
  feed(data: Bytes): number;
  finishInput(): void;
  /** "blocked": a Pong waits for output to be taken; null: nothing until more input (or after "done"). */
  poll(): "run" | "writable" | "done" | "blocked" | null;
  input(): InvocationInput;
  complete(value: Bytes): void;
  failTerminal(code: number, message: string): void;
  failRetryable(code: number, message: string): void;
  takeOutput(limit?: U64): Buffer | null;
  stats(): SessionStats;
  close(): void;
  readonly state: InvocationState;
  readonly lastError: string;
  readonly closed: boolean;
}

export interface DecoderOptions {
  maxFramePayload?: number;
  maxBuffered?: number;
  allowContinued?: boolean;
}

export interface Frame {
  type: number;
  flags: number;
  payload: Buffer;
}

/** The streaming frame decoder. */
export class Decoder {
  constructor(options?: DecoderOptions);
  feed(data: Bytes): number;
  next(): Frame | null;
  finish(): void;
  close(): void;
  readonly lastError: string;
  readonly closed: boolean;
}

export type DeploymentState = "healthy" | "degraded" | "congested";

export interface StateChange {
  deployment: string;
  from: DeploymentState;
  to: DeploymentState;
  atNs: U64;
  windowSamples: U64;
  windowTimeouts: U64;
  timeoutRatio: number;
  quantileNs: U64;
  p50Ns: U64; p90Ns: U64; p99Ns: U64; maxNs: U64;
}

export interface ProberOptions {
  selection?: "one-per-deployment" | "sample" | "all";
  sampleSize?: number;
  intervalNs?: U64;
  suspectIntervalNs?: U64;
  pongTimeoutNs?: U64;
  windowNs?: U64;
  windowMaxSamples?: number;
  minSamples?: number;
  quantile?: number;
  degradedRttNs?: U64;
  congestedRttNs?: U64;
  degradedTimeoutRatio?: number;
  congestedTimeoutRatio?: number;
  exitFraction?: number;
  escalateAfter?: number;
  recoverAfter?: number;
  maxStreams?: number;
  maxDeployments?: number;
  /** Called after the call that caused the change returned; may use the prober. */
  onStateChange?: (change: StateChange) => void;
}

export interface Ping {
  stream: U64;
  frame: Buffer;
}

export interface RttSummary {
  count: U64; timeouts: U64; sumNs: U64;
  minNs: U64; p50Ns: U64; p90Ns: U64; p99Ns: U64; maxNs: U64;
}

export interface ProberStats {
  pingsSent: U64; pongsMatched: U64; pongsUnexpected: U64; timeouts: U64;
  streams: U64; deployments: U64; outstanding: U64;
}

/** The runtime side of Ping/Pong; every time is a monotonic nanosecond count. */
export class Prober {
  constructor(options?: ProberOptions);
  addStream(stream: U64, deployment: string, nowNs: U64): void;
  removeStream(stream: U64): void;
  poll(nowNs: U64): { pings: Ping[]; nextDeadlineNs: U64 | null };
  onPong(stream: U64, nonce: Bytes, nowNs: U64): void;
  onPongMessage(stream: U64, payload: Bytes, nowNs: U64): void;
  state(deployment: string): DeploymentState;
  summary(deployment?: string | null): RttSummary;
  stats(): ProberStats;
  prometheus(): string;
  close(): void;
  readonly lastError: string;
  readonly closed: boolean;
}

export interface MiddlewareOptions extends SessionOptions {
  /** The runtime's limit for one message; default 32 MiB. */
  maxOutputSize?: U64;
}

/** tether between an HTTP/2 stream and an upstream SDK's state machine. */
export class Middleware {
  constructor(options?: MiddlewareOptions);
  /** Request bytes taken: fewer at the inbound budget (take SDK input, feed the rest). */
  feed(data: Bytes): number;
  finishInput(): void;
  /** Plain upstream frames for the SDK; null: nothing yet (or a Pong waits: write output, call again); undefined: input ended and all was taken. Pings read so far are answered here. */
  takeSdkInput(): Buffer | null | undefined;
  /** SDK output bytes; blocked: at the high watermark, write output and call again with the rest (no argument: retry a frame taken whole). Throws MessageTooLarge once, when a message was replaced by the 413 Failure + End. */
  sdkOutput(data?: Bytes): { taken: number; blocked: boolean };
  /** false while a frame still waits for room (write output, sdkOutput(), again). */
  sdkOutputEnd(): boolean;
  takeOutput(limit?: U64): Buffer | null;
  stats(): SessionStats;
  close(): void;
  /** A message over the limit was replaced by the 413 Failure + End. */
  readonly replaced: boolean;
  readonly lastError: string;
  readonly closed: boolean;
}

export function contentTypeVersion(contentType: string, maxVersion?: number): number;
/** The accepted EXT_* bits of a tether-extensions value (undefined/null: no header). */
export function parseExtensions(value: string | null | undefined, supported?: number): number;
/** The header value for a set of EXT_* bits ("" for 0). */
export function formatExtensions(set: number): string;
/** SDK side of the negotiation: accepted bits and the response header value (null: none). */
export function negotiateExtensions(
  offer: string | string[] | undefined,
  supported?: number,
): { accepted: number; header: string | null };
export function encodeFrameHeader(type: number, flags: number, length: number): Buffer;

export interface StatusInfo {
  code: number;
  name: string;
  message: string;
  family: number;
  retryable: boolean;
  fatal: boolean;
}
export function statusTable(): StatusInfo[];
/** The TetherError subclass of a status code. */
export function errorClass(code: number): (new (message: string) => TetherError) | undefined;

export class TetherError extends Error {
  readonly code: number;
  readonly statusName: string;
  readonly retryable: boolean;
  readonly fatal: boolean;
}
export class BackpressureError extends TetherError {}
export class LimitError extends TetherError {}
export class ProtocolError extends TetherError {}
export class UsageError extends TetherError {}
export class ResourceError extends TetherError {}
export class WouldBlock extends BackpressureError {}
export class Empty extends BackpressureError {}
export class QueueFull extends BackpressureError {}
export class Timeout extends BackpressureError {}
export class MessageTooLarge extends LimitError {}
export class InvalidArgument extends UsageError {}
export class InvalidState extends UsageError {}
export class NoMemory extends ResourceError {}
export class Truncated extends ProtocolError {}
export class FrameTooLarge extends LimitError {}
export class UnknownType extends ProtocolError {}
export class BadFlags extends ProtocolError {}
export class StreamFailed extends ProtocolError {}
export class ChunkInterleaved extends ProtocolError {}
export class ChunkTypeChange extends ProtocolError {}
export class ReassemblyTooLarge extends LimitError {}
export class BadMessage extends ProtocolError {}
export class ProtocolViolation extends ProtocolError {}
export class UnsupportedVersion extends ProtocolError {}
export class Closed extends UsageError {}
export class Io extends ResourceError {}
export class Internal extends ResourceError {}
export class RecordTooLarge extends LimitError {}
export class SpillCorrupt extends ResourceError {}
export class SinkRejected extends ResourceError {}
export class RetriesExhausted extends ResourceError {}

export interface WireFrame {
  type: number;
  flags: number;
  payload: Buffer;
}
/** Frames and a few protobuf bodies, for code that plays the runtime (tests, clients). */
export namespace wire {
  const MSG: { START: number; ERROR: number; END: number; PING: number; PONG: number; INPUT: number; OUTPUT: number };
  const FLAG_CONTINUED: number;
  function frame(type: number, payload: Uint8Array, flags?: number): Buffer;
  function start(options?: { id?: string | Uint8Array; debugId?: string; knownEntries?: number }): Buffer;
  function input(content: string | Uint8Array): Buffer;
  function ping(nonce: string | Uint8Array): Buffer;
  function requestBody(content: string | Uint8Array): Buffer;
  function decodeFrames(bytes: Buffer): WireFrame[];
  function output(payload: Buffer): { value: Buffer } | { failure: { code: number; message: string } } | null;
  function outputContent(payload: Buffer): Buffer | null;
  function errorMessage(payload: Buffer): { code: number; message: string };
  function nonce(payload: Buffer): Buffer;
  function fields(body: Buffer): Record<number, (number | Buffer)[]>;
  function fieldBytes(number: number, data: string | Uint8Array): Buffer;
  function fieldVarint(number: number, value: number | bigint): Buffer;
  function varint(value: number | bigint): Buffer;
}
