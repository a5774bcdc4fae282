/*
 * tether.h: the only public header of libtether.
 *
 * Rules that hold for every function below unless its comment says otherwise:
 * - Handles are opaque. tether_x_new() creates, tether_x_free() destroys and accepts NULL.
 * - Every fallible call returns tether_status (0 is TETHER_OK). Details of the last
 *   failure are kept on the handle (tether_x_last_error()), never in errno or
 *   thread-local state.
 * - Buffers cross as (pointer, length). Borrowed input is not kept after the call
 *   returns. Memory the library owns and hands out stays valid until the next call
 *   on the same handle.
 * - Options structs begin with struct_size; fill them with tether_x_options_init()
 *   (a macro passing sizeof, see the end of this file) so that a newer library
 *   fills and reads exactly the older caller's struct.
 * - A handle is used by one thread at a time. Distinct handles are independent.
 */
#ifndef TETHER_H
#define TETHER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TETHER_BUILDING) && defined(__GNUC__)
#define TETHER_API __attribute__((visibility("default")))
#else
#define TETHER_API
#endif

/* ---- Versions -------------------------------------------------------------- */

#define TETHER_VERSION_MAJOR 0
#define TETHER_VERSION_MINOR 1
#define TETHER_VERSION_PATCH 0
/* Encoded as major * 10000 + minor * 100 + patch. */
#define TETHER_VERSION 100
#define TETHER_VERSION_STRING "0.1.0"
/* Bumped on any incompatible change of the ABI; it is also the SONAME's number. */
#define TETHER_ABI_VERSION 0

/* The library's TETHER_VERSION, to compare with the header's at run time. */
TETHER_API unsigned tether_version(void);
TETHER_API const char *tether_version_string(void);
TETHER_API unsigned tether_abi_version(void);

/* ---- Status ---------------------------------------------------------------- */

/* Codes are only ever appended; a value never changes meaning. */
typedef enum tether_status {
  TETHER_OK = 0,
  TETHER_WOULD_BLOCK = 1,           /* a budget is full: retry after the queue drains */
  TETHER_EMPTY = 2,                 /* nothing to return yet: feed more input */
  TETHER_QUEUE_FULL = 3,            /* rejected by a reject overflow policy */
  TETHER_TIMEOUT = 4,               /* a deadline passed */
  TETHER_MESSAGE_TOO_LARGE = 5,     /* an outgoing message is over max_message_size */
  TETHER_INVALID_ARGUMENT = 6,      /* a NULL handle, a bad option, a value out of range */
  TETHER_INVALID_STATE = 7,         /* the call is not allowed in the handle's state */
  TETHER_NO_MEMORY = 8,             /* the allocator returned NULL */
  TETHER_TRUNCATED = 9,             /* the stream ended inside a frame */
  TETHER_FRAME_TOO_LARGE = 10,      /* a frame header announces more than max_frame_payload */
  TETHER_UNKNOWN_TYPE = 11,         /* an unknown control message type (< 0x0400) */
  TETHER_BAD_FLAGS = 12,            /* flags that the message type does not allow */
  TETHER_STREAM_FAILED = 13,        /* input after the stream already failed */
  TETHER_CHUNK_INTERLEAVED = 14,    /* a non-control frame between the chunks of a message */
  TETHER_CHUNK_TYPE_CHANGE = 15,    /* a chunk of another type than the message it continues */
  TETHER_REASSEMBLY_TOO_LARGE = 16, /* an incoming chunked message crossed max_message_size */
  TETHER_BAD_MESSAGE = 17,          /* a message body that is not valid protobuf for its type */
  TETHER_PROTOCOL_VIOLATION = 18,   /* a message not allowed here (e.g. a Ping not negotiated) */
  TETHER_UNSUPPORTED_VERSION = 19,  /* a protocol version outside the supported range */
  TETHER_CLOSED = 20,               /* the stream has ended; no more input or output */
  TETHER_IO = 21,                   /* a transport (socket, HTTP/2) error */
  TETHER_INTERNAL = 22,             /* a bug in tether: please report it */
  TETHER_RECORD_TOO_LARGE = 23,     /* a batcher record larger than one batch can hold */
  TETHER_SPILL_CORRUPT = 24,        /* a spill log record fails its checksum or framing */
  TETHER_SINK_REJECTED = 25,        /* the sink refused records for good (permanent failure) */
  TETHER_RETRIES_EXHAUSTED = 26     /* the sink failed every attempt (retryable failures) */
} tether_status;

/* Family of a status, used by bindings to build their exception hierarchy. */
typedef enum tether_status_family {
  TETHER_FAMILY_OK = 0,
  TETHER_FAMILY_BACKPRESSURE = 1, /* WOULD_BLOCK, EMPTY, QUEUE_FULL, TIMEOUT */
  TETHER_FAMILY_LIMIT = 2,        /* a size limit was hit */
  TETHER_FAMILY_PROTOCOL = 3,     /* the peer broke the protocol */
  TETHER_FAMILY_USAGE = 4,        /* the caller misused the API */
  TETHER_FAMILY_RESOURCE = 5      /* memory, I/O, internal */
} tether_status_family;

typedef struct tether_status_info {
  tether_status code;
  const char *name;    /* "TETHER_WOULD_BLOCK" */
  const char *message; /* one sentence */
  tether_status_family family;
  int retryable; /* 1: the same call may succeed later */
  int fatal;     /* 1: the handle that returned it accepts no more input */
} tether_status_info;

/* Message of a status; never NULL ("unknown status" for values not in the table). */
TETHER_API const char *tether_status_str(tether_status status);
/* Name of a status ("TETHER_OK"); never NULL. */
TETHER_API const char *tether_status_name(tether_status status);
TETHER_API int tether_status_is_retryable(tether_status status);
TETHER_API int tether_status_is_fatal(tether_status status);
/* The whole table, ordered by code; *count receives its length. Static storage. */
TETHER_API const tether_status_info *tether_status_table(size_t *count);

/* ---- Memory ---------------------------------------------------------------- */

/* Allocation hook. Either all three functions are set or none (NULL: libc).
 * Every allocation made for a handle created with it goes through it. The functions
 * are called on the thread that calls into the handle. A tether_endpoint is the one
 * exception: it calls its sessions' hook from its I/O thread and from every dispatch
 * thread, but never two calls at once (it serializes them), so the hook need not be
 * thread-safe; it must not assume one particular thread. */
typedef struct tether_allocator {
  void *(*malloc_fn)(size_t size, void *user_data);
  void *(*realloc_fn)(void *ptr, size_t size, void *user_data);
  void (*free_fn)(void *ptr, void *user_data);
  void *user_data;
} tether_allocator;

/* ---- Frames ---------------------------------------------------------------- */

#define TETHER_FRAME_HEADER_SIZE 8

/* Message types (u16). Types with (type & 0xFC00) != 0 are commands, notifications
 * or custom entries and pass through; so do, on protocol V8, upstream's ephemeral
 * commands (0x0200..0x02FF) and notifications (0x0300..0x03FF). Other types below
 * 0x0400 are judged by the stream's protocol version: unknown ones are an error. */
#define TETHER_MSG_START 0x0000
#define TETHER_MSG_SUSPENSION 0x0001
#define TETHER_MSG_ERROR 0x0002
#define TETHER_MSG_END 0x0003
#define TETHER_MSG_COMMAND_ACK 0x0004
#define TETHER_MSG_PROPOSE_RUN_COMPLETION 0x0005
#define TETHER_MSG_AWAITING_ON 0x0006
#define TETHER_MSG_PROPOSE_RUN_COMPLETION_ACK 0x0007
#define TETHER_MSG_PING 0x0008 /* tether extension ping/1 */
#define TETHER_MSG_PONG 0x0009 /* tether extension ping/1 */
#define TETHER_MSG_INPUT_COMMAND 0x0400
#define TETHER_MSG_OUTPUT_COMMAND 0x0401

/* Flags (u16, the header's bits 47..32). */
#define TETHER_FLAG_REQUESTED_ACK 0x8000 /* commands and custom entries only */
#define TETHER_FLAG_CONTINUED 0x4000     /* extension chunked/1: more chunks follow */

#define TETHER_DEFAULT_MAX_FRAME_PAYLOAD (1u << 20)
#define TETHER_DEFAULT_MAX_MESSAGE_SIZE (32u << 20)

/* A decoded frame. payload is owned by the handle that returned it and stays valid
 * until the next call on that handle. */
typedef struct tether_frame {
  uint16_t type;
  uint16_t flags;
  uint32_t length;
  const uint8_t *payload;
} tether_frame;

/* Writes the 8-byte big-endian header of a frame into out. */
TETHER_API void tether_frame_header_encode(uint16_t type, uint16_t flags, uint32_t length,
                                           uint8_t out[TETHER_FRAME_HEADER_SIZE]);

/* ---- Extensions: negotiated per stream ------------------------------------ */

/* The tether extension is never implied by a protocol version: on each invocation
 * stream the runtime offers features in the request header TETHER_EXTENSIONS_HEADER
 * ("ping/1, chunked/1") and the SDK names the ones it accepts in its 200 response
 * headers. A feature is active only when both sides named it. */
#define TETHER_EXTENSIONS_HEADER "tether-extensions"
#define TETHER_EXT_PING 0x1u    /* token "ping/1": Ping/Pong answered by the dispatch loop */
#define TETHER_EXT_CHUNKED 0x2u /* token "chunked/1": messages as CONTINUED frames */
#define TETHER_EXT_ALL 0x3u     /* every feature this library implements */
#define TETHER_EXTENSIONS_MAX_LENGTH 1024 /* longest header value accepted */

/* Parses a header value (length bytes, no NUL needed; NULL and 0 for no header):
 * *accepted receives the features it names that are also in supported. Tokens are
 * case-insensitive; unknown tokens, spaces, tabs, empty elements and duplicates are
 * tolerated. TETHER_INVALID_ARGUMENT (*accepted 0) for a value over
 * TETHER_EXTENSIONS_MAX_LENGTH or with a character outside the HTTP token set, with
 * *problem (static storage; problem may be NULL) saying which. */
TETHER_API tether_status tether_extensions_parse(const char *value, size_t length,
                                                 uint32_t supported, uint32_t *accepted,
                                                 const char **problem);
/* The header value naming set ("ping/1, chunked/1"; "" for 0), static storage; NULL
 * if set holds bits that are not TETHER_EXT_* features. */
TETHER_API const char *tether_extensions_format(uint32_t set);

/* ---- Frame decoder --------------------------------------------------------- */

/* A streaming decoder: bytes may arrive split at any boundary. Each header is checked
 * against the limits before any of its payload is buffered. */
typedef struct tether_decoder tether_decoder;

typedef struct tether_decoder_options {
  size_t struct_size;
  uint32_t max_frame_payload; /* default TETHER_DEFAULT_MAX_FRAME_PAYLOAD */
  /* Bytes of decoded frames held until taken with tether_decoder_next; feed stops
   * and returns TETHER_WOULD_BLOCK when a frame would not fit. Must be at least
   * max_frame_payload + TETHER_FRAME_HEADER_SIZE. 0 (the default): 4 * max_frame_payload. */
  size_t max_buffered;
  int allow_continued; /* accept the CONTINUED flag (chunked/1 negotiated); default 0 */
  tether_allocator allocator;
} tether_decoder_options;

TETHER_API void tether_decoder_options_init(tether_decoder_options *options);
TETHER_API void tether_decoder_options_init_sized(tether_decoder_options *options,
                                                  size_t struct_size);
/* options may be NULL for the defaults. */
TETHER_API tether_status tether_decoder_new(const tether_decoder_options *options,
                                            tether_decoder **out);
TETHER_API void tether_decoder_free(tether_decoder *decoder);
/* Parses and buffers input. *consumed receives the bytes taken (all of them unless
 * the status is WOULD_BLOCK or an error). After an error every later feed returns
 * TETHER_STREAM_FAILED. */
TETHER_API tether_status tether_decoder_feed(tether_decoder *decoder, const uint8_t *data,
                                             size_t length, size_t *consumed);
/* Takes the next frame in arrival order: TETHER_OK with *frame filled, or TETHER_EMPTY. */
TETHER_API tether_status tether_decoder_next(tether_decoder *decoder, tether_frame *frame);
/* Declares the end of input: TETHER_TRUNCATED if it stopped inside a frame. */
TETHER_API tether_status tether_decoder_finish(tether_decoder *decoder);
/* Message of the last failure on this handle ("" if none); valid until the next call. */
TETHER_API const char *tether_decoder_last_error(const tether_decoder *decoder);

/* ---- Session: one invocation stream, SDK side ------------------------------- */

/* feed() only parses and queues. next_event() is the dispatch step: it hands out the
 * next message in arrival order and, when that message is a Ping, queues the Pong
 * right then, so a Pong proves the dispatch loop ran. send() frames (chunking above
 * max_frame_payload when chunked/1 is active) and queues output under the outbound
 * budget; the
 * transport takes output with pending_output()/consume_output(). */
typedef struct tether_session tether_session;

#define TETHER_PROTOCOL_MIN_VERSION 5
#define TETHER_PROTOCOL_MAX_VERSION 8 /* upstream V8 (ephemeral messages) */

typedef struct tether_session_options {
  size_t struct_size;
  /* negotiated upstream version, 5..8; default 8. It decides only which message
   * types are valid (V7 adds AwaitingOn and ProposeRunCompletionAck, V8 the
   * ephemeral ranges); the tether extension is set by extensions below. */
  uint32_t protocol_version;
  /* Chunk size bound when chunked/1 is active, >= 1; default 1 MiB. Without it there
   * is no chunking: one frame carries one message of up to max_message_size. */
  uint32_t max_frame_payload;
  uint64_t max_message_size; /* one (reassembled) message, 1..UINT32_MAX; default 32 MiB */
  /* Bytes fed but not yet dispatched, including a message being reassembled
   * (counted as payload bytes + 8 per complete message). When full, feed() takes
   * what fits and returns TETHER_WOULD_BLOCK; once everything queued is dispatched
   * the next frame always fits. 0 (default): max_message_size + 2 *
   * max_frame_payload, at least the minimum: smaller than max_message_size +
   * max_frame_payload + 8 is invalid (a largest message must fit). */
  uint64_t inbound_budget;
  /* send() returns TETHER_WOULD_BLOCK while queued output is at or above the high
   * mark (a message accepted below it is queued whole); a TETHER_EVENT_WRITABLE event
   * fires once output drains below the low mark, only after such a refusal. 0
   * (default): high 4 MiB; low 0: high / 4. low > high is invalid. */
  uint64_t outbound_high_watermark;
  uint64_t outbound_low_watermark;
  tether_allocator allocator;
  /* TETHER_EXT_* features active on this stream (both sides named them); default 0.
   * Without ping/1 a Ping or Pong, without chunked/1 a CONTINUED flag fails the
   * stream with PROTOCOL_VIOLATION / BAD_FLAGS and an ErrorMessage 571 naming the
   * feature that was not negotiated. */
  uint32_t extensions;
} tether_session_options;

typedef enum tether_event_kind {
  TETHER_EVENT_MESSAGE = 1, /* a message for the handler: type, flags, data/length = payload */
  TETHER_EVENT_PING =
      2, /* a Ping was dispatched; data/length = nonce; answered says if a Pong was queued */
  TETHER_EVENT_WRITABLE = 3 /* output drained below the low watermark: send() may go on */
} tether_event_kind;

/* data is owned by the session and valid until the next call on it (send() of the
 * same bytes, e.g. an echo, is fine). A chunked message arrives as one MESSAGE event
 * with the whole payload and the first chunk's flags without CONTINUED. */
typedef struct tether_event {
  tether_event_kind kind;
  uint16_t type;
  uint16_t flags;
  const uint8_t *data;
  size_t length;
  int answered; /* PING: 1 if its Pong was queued (0 if End or Error went first) */
} tether_event;

typedef struct tether_session_stats {
  size_t struct_size;
  uint64_t bytes_in, bytes_out; /* wire bytes fed / taken by the transport */
  uint64_t frames_in, frames_out;
  uint64_t chunks_in, chunks_out; /* frames that were part of a chunked message */
  uint64_t messages_in, messages_out;
  uint64_t pings_answered;
  uint64_t inbound_buffered, outbound_buffered;           /* now */
  uint64_t peak_inbound_buffered, peak_outbound_buffered; /* high-water marks */
} tether_session_stats;

TETHER_API void tether_session_options_init(tether_session_options *options);
TETHER_API void tether_session_options_init_sized(tether_session_options *options,
                                                  size_t struct_size);
TETHER_API tether_status tether_session_new(const tether_session_options *options,
                                            tether_session **out);
TETHER_API void tether_session_free(tether_session *session);
/* Parses input and queues complete messages. *consumed (may be NULL) receives the
 * bytes taken: all of them on TETHER_OK, what fitted on TETHER_WOULD_BLOCK (feed the
 * rest after dispatching). A malformed input fails the stream with its own status
 * the moment it is seen, before its payload is buffered where a header tells:
 * UNKNOWN_TYPE (by the protocol version's table), FRAME_TOO_LARGE, BAD_FLAGS (e.g.
 * CONTINUED without chunked/1 or on a control message), CHUNK_INTERLEAVED (a whole non-control
 * message between chunks; only Ping, Pong, Error and End may sit there), CHUNK_TYPE_CHANGE (a
 * CONTINUED frame of another type), REASSEMBLY_TOO_LARGE, PROTOCOL_VIOLATION (a Ping or Pong
 * without ping/1, a Pong sent to the SDK, a Ping nonce missing or over 64 bytes), BAD_MESSAGE (a
 * Ping body that is not protobuf), NO_MEMORY. The session then drops what it had queued, queues an
 * ErrorMessage (code 571) naming the problem unless End or Error was already queued,
 * and later feeds return TETHER_STREAM_FAILED (last_error keeps the cause). After
 * finish_input, TETHER_CLOSED. */
TETHER_API tether_status tether_session_feed(tether_session *session, const uint8_t *data,
                                             size_t length, size_t *consumed);
/* Declares the end of input; TETHER_TRUNCATED if it ended inside a frame or a chunked message. */
TETHER_API tether_status tether_session_finish_input(tether_session *session);
/* The dispatch step: TETHER_OK with *event filled, TETHER_EMPTY, or the stream's fatal
 * status. A due WRITABLE event comes before the next message. TETHER_WOULD_BLOCK: the
 * next message is a Ping whose Pong would take queued output more than 64 KiB past
 * max(high watermark, the level the last send() left), i.e. the transport has not
 * taken output for a long while; take output, then call again (the Ping stays first). */
TETHER_API tether_status tether_session_next_event(tether_session *session, tether_event *event);
/* Frames and queues one message, all of it or nothing. TETHER_MESSAGE_TOO_LARGE
 * (nothing queued, the session stays usable) if length > max_message_size, or for
 * Error and End over max_frame_payload with chunked/1 (control messages are not
 * chunked); TETHER_WOULD_BLOCK at or above the high watermark; TETHER_CLOSED after End
 * or Error was queued; TETHER_INVALID_ARGUMENT for a type the protocol version does
 * not know (ephemeral commands need V8), Ping or Pong (the
 * session answers Pings itself). End first answers every Ping still queued (read but
 * not yet dispatched): their Pongs go right before End and their events later report
 * answered = 1; a Ping read after End is not answered. */
TETHER_API tether_status tether_session_send(tether_session *session, uint16_t type,
                                             const uint8_t *payload, size_t length);
/* The next contiguous bytes to write; *length 0 when there is none. Valid until the
 * next call on the session. */
TETHER_API tether_status tether_session_pending_output(tether_session *session,
                                                       const uint8_t **data, size_t *length);
/* Marks n bytes of pending output as written; TETHER_INVALID_ARGUMENT if n is more
 * than is pending. */
TETHER_API tether_status tether_session_consume_output(tether_session *session, size_t n);
/* stats->struct_size must be set by the caller; fields past it are left alone. */
TETHER_API tether_status tether_session_stats_get(const tether_session *session,
                                                  tether_session_stats *stats);
TETHER_API const char *tether_session_last_error(const tether_session *session);

/* ---- Prober: runtime side of Ping/Pong (extension ping/1) -------------------- */

/* Sans-I/O and clock-injected: every call that depends on time takes now_ns, a
 * monotonic time in nanoseconds from any origin, which must never go backwards.
 * The caller declares the streams (stream id + deployment id), writes the Ping
 * frames that poll() returns, and hands back the Pongs it reads.
 *
 * Scheduling works in rounds per deployment: a round is due every interval_ns (or
 * suspect_interval_ns while the deployment is suspect) and sends one Ping to each
 * stream the selection picks, taken in rotation among the deployment's streams.
 * At most one Ping is outstanding per stream: a stream still waiting for its Pong
 * is skipped. A Pong that has not come pong_timeout_ns after its Ping is a timeout,
 * recorded as an RTT equal to the time waited (at least pong_timeout_ns); a Pong for
 * an unknown stream, unknown nonce, or a Ping already answered or timed out is
 * counted (pongs_unexpected) and ignored.
 *
 * Classification: each RTT or timeout sample of a deployment is an evaluation over
 * the samples of the last window_ns. The window's figure is its `quantile` RTT and
 * its timeout ratio. CONGESTED when the figure is >= congested_rtt_ns or the ratio
 * >= congested_timeout_ratio; DEGRADED likewise with the degraded thresholds; else
 * HEALTHY. Hysteresis: to leave a state, its thresholds are multiplied by
 * exit_fraction; a worse state is entered after escalate_after consecutive
 * evaluations call for it, a better one after recover_after. A deployment is
 * suspect (probed at suspect_interval_ns) while it is not HEALTHY or an evaluation
 * calls for a worse state; when it is HEALTHY again its interval doubles each round
 * back up to interval_ns. */
typedef struct tether_prober tether_prober;

typedef enum tether_deployment_state {
  TETHER_DEPLOYMENT_HEALTHY = 0,
  TETHER_DEPLOYMENT_DEGRADED = 1,
  TETHER_DEPLOYMENT_CONGESTED = 2
} tether_deployment_state;

/* Which streams of a deployment a round pings. */
typedef enum tether_probe_selection {
  TETHER_PROBE_ONE_PER_DEPLOYMENT = 0, /* one stream per round, in rotation */
  TETHER_PROBE_SAMPLE = 1,             /* sample_size streams per round, in rotation */
  TETHER_PROBE_ALL = 2                 /* every stream every round */
} tether_probe_selection;

/* Window figures at a state change. deployment is valid during the callback only. */
typedef struct tether_prober_state_change {
  const char *deployment;
  tether_deployment_state from;
  tether_deployment_state to;
  uint64_t at_ns;          /* now_ns of the call that caused it */
  uint64_t window_samples; /* RTTs and timeouts in the window */
  uint64_t window_timeouts;
  double timeout_ratio; /* window_timeouts / window_samples */
  uint64_t quantile_ns; /* the window's `quantile` RTT, compared with the thresholds */
  uint64_t p50_ns, p90_ns, p99_ns, max_ns;
} tether_prober_state_change;

/* Runs on the caller's thread, inside tether_prober_poll() or tether_prober_on_pong*()
 * (where the sample that causes the change lands). It may query the same prober
 * (state, summary, stats_get) but not change it: add/remove_stream, poll, on_pong*
 * and prometheus return TETHER_INVALID_STATE from inside the callback. */
typedef void (*tether_prober_state_fn)(const tether_prober_state_change *change, void *user_data);

typedef struct tether_prober_options {
  size_t struct_size;
  tether_probe_selection selection; /* default TETHER_PROBE_ONE_PER_DEPLOYMENT */
  uint32_t sample_size;             /* TETHER_PROBE_SAMPLE: streams per round; default 2 */
  uint64_t interval_ns;             /* rounds of a healthy deployment; default 1 s */
  uint64_t suspect_interval_ns;     /* rounds while suspect, <= interval_ns; default 200 ms */
  uint64_t pong_timeout_ns;         /* default 5 s */
  uint64_t window_ns;               /* classification window; default 30 s */
  uint32_t window_max_samples;      /* newest samples kept per window; default 1024 */
  uint32_t min_samples;             /* samples needed before leaving HEALTHY; default 1 */
  double quantile;                  /* in (0, 1]; default 0.9 */
  uint64_t degraded_rtt_ns;         /* default 100 ms */
  uint64_t congested_rtt_ns;        /* >= degraded_rtt_ns; default 1 s */
  double degraded_timeout_ratio;    /* in (0, 1]; default 0.01 (any timeout in < 100 samples) */
  double congested_timeout_ratio;   /* >= degraded_timeout_ratio; default 0.5 */
  double exit_fraction;             /* in (0, 1]; default 0.8 */
  uint32_t escalate_after;          /* >= 1; default 1 */
  uint32_t recover_after;           /* >= 1; default 3 */
  uint32_t max_streams;             /* add_stream beyond it: TETHER_QUEUE_FULL; default 65536 */
  uint32_t max_deployments;         /* likewise; default 1024 */
  tether_prober_state_fn on_state_change; /* may be NULL */
  void *user_data;
  tether_allocator allocator;
} tether_prober_options;

/* A Ping to write on a stream: a whole frame (8-byte header + PingMessage), owned
 * by the prober and valid until the next call on it. */
typedef struct tether_ping {
  uint64_t stream;
  const uint8_t *frame;
  size_t length;
} tether_ping;

/* RTTs of a deployment (or all of them) since the prober was created; timeouts are
 * included at the time waited. Quantiles have at most 1% relative error (1 us..60 s);
 * all figures are 0 when count is 0. */
typedef struct tether_rtt_summary {
  size_t struct_size;
  uint64_t count;
  uint64_t timeouts;
  uint64_t sum_ns;
  uint64_t min_ns, p50_ns, p90_ns, p99_ns, max_ns;
} tether_rtt_summary;

typedef struct tether_prober_stats {
  size_t struct_size;
  uint64_t pings_sent;
  uint64_t pongs_matched;
  uint64_t pongs_unexpected;
  uint64_t timeouts;
  uint64_t streams;     /* now */
  uint64_t deployments; /* ever seen (their figures are kept) */
  uint64_t outstanding; /* Pings waiting for their Pong now */
} tether_prober_stats;

/* "healthy", "degraded", "congested"; "unknown" for other values. */
TETHER_API const char *tether_deployment_state_name(tether_deployment_state state);

TETHER_API void tether_prober_options_init(tether_prober_options *options);
TETHER_API void tether_prober_options_init_sized(tether_prober_options *options,
                                                 size_t struct_size);
/* TETHER_OK, or TETHER_INVALID_ARGUMENT with *problem (static storage; may be NULL)
 * naming the field that is out of its range above. NULL options are the defaults. */
TETHER_API tether_status tether_prober_options_check(const tether_prober_options *options,
                                                     const char **problem);
/* options may be NULL for the defaults; TETHER_INVALID_ARGUMENT when
 * tether_prober_options_check() would refuse them. */
TETHER_API tether_status tether_prober_new(const tether_prober_options *options,
                                           tether_prober **out);
TETHER_API void tether_prober_free(tether_prober *prober);
/* Declares a stream of a deployment (a NUL-terminated id, 1..255 bytes). Its first
 * Ping goes out at the deployment's next round (at once for a new deployment). */
TETHER_API tether_status tether_prober_add_stream(tether_prober *prober, uint64_t stream,
                                                  const char *deployment, uint64_t now_ns);
/* Forgets a stream and its outstanding Ping (neither a timeout nor an RTT). */
TETHER_API tether_status tether_prober_remove_stream(tether_prober *prober, uint64_t stream);
/* Expires overdue Pings, then returns the Pings due at now_ns (*count may be 0) and
 * the time of the next due round or timeout in *next_deadline_ns (UINT64_MAX: none).
 * next_deadline_ns may be NULL. */
TETHER_API tether_status tether_prober_poll(tether_prober *prober, uint64_t now_ns,
                                            const tether_ping **pings, size_t *count,
                                            uint64_t *next_deadline_ns);
/* A Pong read on a stream, by its nonce. TETHER_OK whether it matched or was counted
 * as unexpected (see tether_prober_stats). */
TETHER_API tether_status tether_prober_on_pong(tether_prober *prober, uint64_t stream,
                                               const uint8_t *nonce, size_t length,
                                               uint64_t now_ns);
/* The same from a Pong frame's payload (a PongMessage); TETHER_BAD_MESSAGE if it is
 * not valid protobuf or has no nonce. */
TETHER_API tether_status tether_prober_on_pong_message(tether_prober *prober, uint64_t stream,
                                                       const uint8_t *payload, size_t length,
                                                       uint64_t now_ns);
TETHER_API tether_status tether_prober_state(const tether_prober *prober, const char *deployment,
                                             tether_deployment_state *state);
/* deployment NULL: every deployment merged. summary->struct_size must be set. */
TETHER_API tether_status tether_prober_summary(const tether_prober *prober, const char *deployment,
                                               tether_rtt_summary *summary);
TETHER_API tether_status tether_prober_stats_get(const tether_prober *prober,
                                                 tether_prober_stats *stats);
/* Prometheus text exposition (format 0.0.4): tether_ping_rtt_seconds (histogram,
 * label deployment), tether_ping_timeouts_total (counter, label deployment),
 * tether_pong_unexpected_total (counter, no label), tether_deployment_state (gauge,
 * label deployment: 0 healthy, 1 degraded, 2 congested). *text is NUL-terminated,
 * owned by the prober and valid until the next call on it. */
TETHER_API tether_status tether_prober_prometheus(tether_prober *prober, const char **text,
                                                  size_t *length);
TETHER_API const char *tether_prober_last_error(const tether_prober *prober);

/* ---- Invocation: the smallest handler lifecycle, SDK side ------------------- */

/* One invocation stream over a session: Start + InputCommand in, then the handler's
 * result out as OutputCommand (value, or terminal Failure) + End, or as an
 * ErrorMessage (the runtime retries). Sans-I/O like the session: the transport feeds
 * request bytes and writes what pending_output() returns; the dispatch loop calls
 * poll(). Replayed journals (known_entries > 1) are not handled: they get an
 * ErrorMessage 570 saying so, never a wrong answer.
 *
 * Typical loop (one thread, or calls serialized):
 *   feed(request bytes) ... poll() until RUN; run the handler on input();
 *   while it runs keep feeding and polling (Pings are answered by poll);
 *   complete()/fail_*() (on WOULD_BLOCK: poll until WRITABLE, then again);
 *   poll and write pending_output() until DONE and no output is left; end the response. */
typedef struct tether_invocation tether_invocation;

typedef enum tether_invocation_state {
  TETHER_INVOCATION_WAITING_START = 0, /* no Start read yet */
  TETHER_INVOCATION_WAITING_INPUT = 1, /* Start read, InputCommand not yet */
  TETHER_INVOCATION_RUNNING = 2,       /* RUN reported: waiting for the handler's result */
  TETHER_INVOCATION_ENDING = 3,        /* result queued; End not yet (Pings read first) */
  TETHER_INVOCATION_DONE = 4           /* End or ErrorMessage queued: nothing more to say */
} tether_invocation_state;

typedef enum tether_invocation_event_kind {
  TETHER_INVOCATION_EVENT_RUN = 1,      /* input is ready: run the handler */
  TETHER_INVOCATION_EVENT_WRITABLE = 2, /* a result refused with WOULD_BLOCK may be retried */
  TETHER_INVOCATION_EVENT_DONE = 3      /* the last message is queued: flush, then end */
} tether_invocation_event_kind;

typedef struct tether_invocation_event {
  tether_invocation_event_kind kind;
  tether_invocation_state state; /* the state after this event */
} tether_invocation_event;

/* Strings are not NUL-terminated: use the lengths. Every string of the input (debug_id,
 * key, header keys and values) is valid UTF-8: a Start or InputCommand with another
 * string fails the invocation (TETHER_BAD_MESSAGE, ErrorMessage 571 naming the field)
 * before RUN. */
typedef struct tether_invocation_header {
  const char *key;
  size_t key_length;
  const char *value;
  size_t value_length;
} tether_invocation_header;

/* What the handler runs with, from Start and InputCommand. */
typedef struct tether_invocation_input {
  const uint8_t *id; /* StartMessage.id (raw bytes) */
  size_t id_length;
  const char *debug_id; /* "inv_..." */
  size_t debug_id_length;
  const char *key; /* virtual object / workflow key; empty for a service */
  size_t key_length;
  uint32_t known_entries;
  uint32_t retry_count_since_last_stored_entry;
  uint64_t duration_since_last_stored_entry; /* milliseconds */
  uint64_t random_seed;                      /* V6+; 0 when absent */
  const uint8_t *value;                      /* InputCommand.value.content: the request body */
  size_t value_length;
  const tether_invocation_header *headers;
  size_t header_count;
} tether_invocation_input;

typedef struct tether_invocation_options {
  size_t struct_size;
  /* The stream's session (protocol version, limits, budgets, allocator); NULL: the
   * session defaults. The session's allocator also serves the invocation. */
  const tether_session_options *session;
  /* The largest OutputCommand the runtime accepts (a real Restate server refuses
   * more than networking.message-size-limit, 32 MiB, and retries forever). Output
   * over min(max_output_size, session max_message_size) becomes a terminal Failure
   * 413 naming the size and the limit. Default TETHER_DEFAULT_MAX_MESSAGE_SIZE. */
  uint64_t max_output_size;
} tether_invocation_options;

TETHER_API void tether_invocation_options_init(tether_invocation_options *options);
TETHER_API void tether_invocation_options_init_sized(tether_invocation_options *options,
                                                     size_t struct_size);
TETHER_API tether_status tether_invocation_new(const tether_invocation_options *options,
                                               tether_invocation **out);
TETHER_API void tether_invocation_free(tether_invocation *invocation);

/* The protocol version of a content type "application/vnd.restate.invocation.vN"
 * (length bytes, no NUL needed). TETHER_UNSUPPORTED_VERSION if N is outside
 * TETHER_PROTOCOL_MIN_VERSION..max_version (answer HTTP 415), TETHER_INVALID_ARGUMENT
 * if it is not such a content type at all. */
TETHER_API tether_status tether_invocation_content_type_version(const char *content_type,
                                                                size_t length, uint32_t max_version,
                                                                uint32_t *version);

/* Transport side: the same contracts as tether_session_feed, _finish_input,
 * _pending_output and _consume_output, but for one: once the state is DONE, feed
 * takes every byte (TETHER_OK, *consumed = length) and drops it, as nothing reads it. */
TETHER_API tether_status tether_invocation_feed(tether_invocation *invocation, const uint8_t *data,
                                                size_t length, size_t *consumed);
TETHER_API tether_status tether_invocation_finish_input(tether_invocation *invocation);
TETHER_API tether_status tether_invocation_pending_output(tether_invocation *invocation,
                                                          const uint8_t **data, size_t *length);
TETHER_API tether_status tether_invocation_consume_output(tether_invocation *invocation, size_t n);

/* The dispatch step: TETHER_OK with *event filled, TETHER_EMPTY (nothing until more
 * input), TETHER_WOULD_BLOCK (a Pong waits: take output, then call again), TETHER_CLOSED
 * after DONE was reported, or the status of a malformed or
 * unexpected message (an ErrorMessage naming it is queued; the next poll reports DONE).
 * Input that ended (finish_input) before Start or its InputCommand is such a message:
 * TETHER_PROTOCOL_VIOLATION and an ErrorMessage 571 naming what was missing. */
TETHER_API tether_status tether_invocation_poll(tether_invocation *invocation,
                                                tether_invocation_event *event);
/* The handler's input, from RUN on. *input and the memory it points to are owned by
 * the invocation and stay valid and unchanged, across every other call, until a
 * result is accepted or the invocation is freed: a handler on another thread may
 * read them while the loop thread goes on feeding and polling. TETHER_INVALID_STATE
 * before RUN, and for an invocation that went DONE without RUN. */
TETHER_API tether_status tether_invocation_input_get(const tether_invocation *invocation,
                                                     tether_invocation_input *input);
/* The handler's result; value/message are copied. Each returns TETHER_INVALID_STATE
 * unless the state is RUNNING, and TETHER_WOULD_BLOCK (nothing queued) while the
 * outbound budget is full: call again after a WRITABLE event. The messages the
 * invocation writes itself (End, its ErrorMessages, the 413 Failure) never wait.
 * complete(): OutputCommand{value} + End. If that message would exceed the output
 * limit, a terminal Failure 413 naming the size and the limit is queued instead and
 * TETHER_MESSAGE_TOO_LARGE returned (the invocation completes; it is not retried).
 * That Failure is never held back by the budget, and its message is cut short to fit
 * the limit it names (a limit under 8 bytes holds no Failure at all). */
TETHER_API tether_status tether_invocation_complete(tether_invocation *invocation,
                                                    const uint8_t *value, size_t length);
/* OutputCommand{failure{code, message}} + End: the invocation completes, failed.
 * For both fail_* calls the message must be UTF-8 (else TETHER_INVALID_ARGUMENT) and
 * fit under the output limit (else TETHER_MESSAGE_TOO_LARGE); nothing is queued then.
 * For fail_retryable that limit is also one control frame (max_frame_payload on V8). */
TETHER_API tether_status tether_invocation_fail_terminal(tether_invocation *invocation,
                                                         uint32_t code, const char *message,
                                                         size_t length);
/* ErrorMessage{code, message}: the runtime retries the attempt later. */
TETHER_API tether_status tether_invocation_fail_retryable(tether_invocation *invocation,
                                                          uint32_t code, const char *message,
                                                          size_t length);
/* Streamed output: OutputCommand{value} of length value bytes, produced piecewise, so
 * the output queued stays bounded by the session's high watermark alone (not the
 * watermark plus one whole message). begin() checks the length against the output
 * limit before anything is queued: over it, the 413 Failure is queued instead and
 * TETHER_MESSAGE_TOO_LARGE returned, as tether_invocation_complete does. Otherwise it
 * returns TETHER_INVALID_STATE unless the state is RUNNING with no output open (two
 * outputs at once, or after complete/fail_*), and TETHER_WOULD_BLOCK (nothing queued)
 * at the high watermark: call again after a WRITABLE event.
 * write(): queues the next value bytes, as many as fit under the high watermark
 * (*written; a short write is no error); TETHER_WOULD_BLOCK (*written = 0) when none
 * fit: write the rest after the next WRITABLE event. More bytes than the length left is
 * TETHER_INVALID_ARGUMENT (nothing queued); written may be NULL. Once the stream has
 * ended under an open output (it failed: see below), write and finish return
 * TETHER_CLOSED. finish(): once all length bytes were
 * written (else TETHER_INVALID_STATE, and the output stays open); End follows as after
 * complete(). While an output is open, complete and fail_* are TETHER_INVALID_STATE.
 * On the wire: with chunked/1 the message leaves as CONTINUED chunks of at most
 * max_frame_payload, each header written with its first byte, and Pongs go between
 * chunks. Without chunked/1 it is one frame whose header announces the whole length:
 * memory is still bounded by the watermark (bytes leave as they are written), but a
 * Ping read meanwhile is answered only after the frame's last byte (poll returns
 * TETHER_WOULD_BLOCK until then). A stream that fails while a frame is open cannot put
 * its ErrorMessage inside it: it ends there; end the response (or reset it). */
TETHER_API tether_status tether_invocation_output_begin(tether_invocation *invocation,
                                                        uint64_t length);
TETHER_API tether_status tether_invocation_output_write(tether_invocation *invocation,
                                                        const uint8_t *data, size_t length,
                                                        size_t *written);
TETHER_API tether_status tether_invocation_output_finish(tether_invocation *invocation);
/* TETHER_INVOCATION_DONE for NULL. */
TETHER_API tether_invocation_state tether_invocation_state_get(const tether_invocation *invocation);
/* The underlying session's counters (pings_answered, bytes, peaks); struct_size set by
 * the caller; as tether_session_stats_get, a larger (newer) struct gets the known fields. */
TETHER_API tether_status tether_invocation_session_stats(const tether_invocation *invocation,
                                                         tether_session_stats *stats);
TETHER_API const char *tether_invocation_last_error(const tether_invocation *invocation);

/* ---- Middleware: tether in front of an upstream SDK ------------------------ */

/* An official SDK runs upstream's state machine, which takes and gives raw frame
 * bytes. The middleware sits between the HTTP/2 stream and that state machine, on the
 * SDK's own dispatch loop (the JS event loop, asyncio, the goroutine or executor that
 * feeds it):
 * - runtime -> SDK: request bytes are fed; take_sdk_input() answers the Pings read so
 *   far (their Pongs are queued right there, so they prove the SDK's loop ran) and
 *   returns plain upstream frames: whole messages, chunks reassembled, every other
 *   byte unchanged, V8 ephemeral messages included;
 * - SDK -> runtime: the SDK's output bytes are read frame by frame, each message is
 *   checked against the runtime's limit from its header before any byte of it is
 *   queued, and chunked when chunked/1 is active. The first message over the limit
 *   is replaced by OutputCommand{failure{413, a message naming the size and the
 *   limit}} + End and the rest of the SDK's output is dropped: the invocation
 *   completes, failed and clearly, instead of being retried forever.
 * Without an active extension the middleware is byte-transparent apart from that
 * limit rule. One handle per request; calls serialized (the SDK's loop). */
typedef struct tether_middleware tether_middleware;

typedef struct tether_middleware_options {
  size_t struct_size;
  /* The stream's session: protocol_version, extensions (from the negotiation),
   * limits, budgets, allocator; NULL: the session defaults. */
  const tether_session_options *session;
  /* The largest message the runtime accepts; the limit is min(max_output_size,
   * session max_message_size). Default TETHER_DEFAULT_MAX_MESSAGE_SIZE. */
  uint64_t max_output_size;
} tether_middleware_options;

TETHER_API void tether_middleware_options_init(tether_middleware_options *options);
TETHER_API void tether_middleware_options_init_sized(tether_middleware_options *options,
                                                     size_t struct_size);
/* options may be NULL for the defaults. */
TETHER_API tether_status tether_middleware_new(const tether_middleware_options *options,
                                               tether_middleware **out);
TETHER_API void tether_middleware_free(tether_middleware *middleware);

/* Request bytes, as tether_session_feed (TETHER_WOULD_BLOCK: take SDK input, then feed
 * the rest) and tether_session_finish_input. */
TETHER_API tether_status tether_middleware_feed(tether_middleware *middleware, const uint8_t *data,
                                                size_t length, size_t *consumed);
TETHER_API tether_status tether_middleware_finish_input(tether_middleware *middleware);
/* The dispatch step: the plain frames dispatched by this call as one span, owned by
 * the middleware and valid until the next call on it; TETHER_OK with *length 0 when
 * there is nothing yet (or a Pong waits for output to be taken: write output, then
 * call again). TETHER_CLOSED once input finished and everything was taken. After
 * malformed input, that input's fatal status (see tether_session_feed): an
 * ErrorMessage 571 naming the problem is queued as output; give the SDK nothing
 * more, write the output and end the response. */
TETHER_API tether_status tether_middleware_take_sdk_input(tether_middleware *middleware,
                                                          const uint8_t **data, size_t *length);
/* The SDK's output bytes, split anywhere; *consumed (may be NULL) receives what was
 * taken. TETHER_MESSAGE_TOO_LARGE once, when a message over the limit was replaced
 * (see above; everything is taken, later output is taken and dropped with TETHER_OK).
 * TETHER_WOULD_BLOCK: output is at the session's high watermark; write output, then
 * call again with the rest (or with NULL, 0 to retry a frame already taken whole).
 * Output after the stream ended (End or an ErrorMessage queued) is taken and dropped.
 * TETHER_INVALID_ARGUMENT: the SDK sent a type the protocol version does not know, a
 * Ping or a Pong; the stream's output stops there. */
TETHER_API tether_status tether_middleware_sdk_output(tether_middleware *middleware,
                                                      const uint8_t *data, size_t length,
                                                      size_t *consumed);
/* The SDK ended its output: TETHER_TRUNCATED if it stopped inside a frame,
 * TETHER_WOULD_BLOCK if a frame still waits for room (retry sdk_output(NULL, 0)). */
TETHER_API tether_status tether_middleware_sdk_output_end(tether_middleware *middleware);
/* The response body's bytes, as tether_session_pending_output / _consume_output. */
TETHER_API tether_status tether_middleware_pending_output(tether_middleware *middleware,
                                                          const uint8_t **data, size_t *length);
TETHER_API tether_status tether_middleware_consume_output(tether_middleware *middleware, size_t n);
/* The session's counters (pings_answered, bytes, peaks); stats->struct_size set by the
 * caller. */
TETHER_API tether_status tether_middleware_session_stats(const tether_middleware *middleware,
                                                         tether_session_stats *stats);
/* 1 once an oversize message was replaced by the 413 Failure; 0 otherwise and for NULL. */
TETHER_API int tether_middleware_replaced(const tether_middleware *middleware);
TETHER_API const char *tether_middleware_last_error(const tether_middleware *middleware);

/* ---- HTTP/2 endpoint: an h2c server for invocations ------------------------ */

/* Serves GET /discover (the endpoint manifest: BIDI_STREAM, protocol versions 5..
 * max_protocol_version, every registered service) and POST /invoke/{service}/{handler}
 * (content-type application/vnd.restate.invocation.vN), each invocation on its own
 * tether_invocation. One I/O thread runs the sockets and HTTP/2 and answers HTTP/2
 * PINGs; dispatch_threads separate threads answer Pings and run the handlers. So a
 * handler that blocks its dispatch thread delays that thread's Pongs while HTTP/2
 * PINGs still return at once. HTTP/2 flow control follows each session's inbound
 * budget. Bad requests get 404 (unknown service or handler), 405 (wrong method), 406
 * (no supported manifest version accepted) or 415 (wrong content type, or a version
 * outside 5..max_protocol_version; the body names the range) or 400 (a malformed
 * tether-extensions header; the body names the problem); a malformed body fails that
 * stream with an ErrorMessage naming the problem. The server keeps serving. Each
 * stream runs the extension features its request offered and extensions allows; the
 * 200 names them in its tether-extensions header (none: no header). */
typedef struct tether_endpoint tether_endpoint;
/* A handler's result slot; valid only during the handler call. */
typedef struct tether_reply tether_reply;

/* Runs on a dispatch thread and may block it. input and the memory it points to are
 * valid until the handler returns. Set the result with one tether_reply_* call (the
 * last accepted one wins); a handler that sets none gets a retryable ErrorMessage 500.
 * The stream always ends: if the result cannot be sent after all (no memory), the
 * endpoint ends it with an ErrorMessage 500 saying so, cut to fit the limits.
 * Cancellation: a stream reset by the peer (RST_STREAM, or its connection closed)
 * before its handler starts never starts it; a running handler can see the reset with
 * tether_reply_cancelled() and stop early; its result is dropped. */
typedef void (*tether_handler_fn)(const tether_invocation_input *input, tether_reply *reply,
                                  void *user_data);

/* OutputCommand{value} + End (value copied). Output over the endpoint's
 * max_output_size becomes a terminal Failure 413 naming the size and the limit. */
TETHER_API tether_status tether_reply_value(tether_reply *reply, const uint8_t *value,
                                            size_t length);
/* OutputCommand{failure{code, message}} + End: the invocation completes, failed.
 * Both text replies are checked here, as tether_invocation_fail_* would: a message
 * that is not UTF-8 is TETHER_INVALID_ARGUMENT, one over the output limit (for
 * tether_reply_error also one control frame) TETHER_MESSAGE_TOO_LARGE; the reply is
 * then left as it was and tether_reply_last_error() says why. */
TETHER_API tether_status tether_reply_failure(tether_reply *reply, uint32_t code,
                                              const char *message, size_t length);
/* ErrorMessage{code, message}: the runtime retries the attempt. */
TETHER_API tether_status tether_reply_error(tether_reply *reply, uint32_t code, const char *message,
                                            size_t length);
/* A streamed value: OutputCommand{value} of length bytes that produce writes piecewise,
 * so the endpoint never holds the whole value (its queued output stays under the
 * session's high watermark; see tether_invocation_output_begin for the wire). The
 * handler returns at once; after it, on a dispatch thread, whenever the stream has
 * room, produce(state, buf, capacity) writes the next bytes into buf and returns how
 * many (1..capacity; capacity never exceeds the bytes left). It runs with the
 * stream's lock held: it must not block for long nor call into the endpoint.
 * Returning 0 (or more than capacity) ends the stream with a retryable ErrorMessage
 * 500, or with a reset when a frame was already begun. release (may be NULL) is
 * called once, on any of the endpoint's threads, when the producer is done with: the
 * value complete, replaced by a later tether_reply_* call, or the stream gone. A length over the
 * endpoint's max_output_size becomes the 413 Failure before produce is ever called.
 * TETHER_INVALID_ARGUMENT for a NULL reply or produce, TETHER_NO_MEMORY (the reply is
 * left as it was); release is not called then. */
typedef size_t (*tether_reply_produce_fn)(void *state, uint8_t *buf, size_t capacity);
typedef void (*tether_reply_release_fn)(void *state);
TETHER_API tether_status tether_reply_stream(tether_reply *reply, uint64_t length,
                                             tether_reply_produce_fn produce,
                                             tether_reply_release_fn release, void *state);
/* 1 once the stream was reset (its result will be dropped), else 0 (also for NULL).
 * Safe to call from the handler at any time while it runs. */
TETHER_API int tether_reply_cancelled(const tether_reply *reply);
/* Why the last refused tether_reply_* call was refused ("" if none). */
TETHER_API const char *tether_reply_last_error(const tether_reply *reply);

typedef struct tether_endpoint_options {
  size_t struct_size;
  const char *host;              /* address to listen on; copied; default "127.0.0.1" */
  uint16_t port;                 /* 0 (default): ephemeral, see tether_endpoint_port */
  uint32_t dispatch_threads;     /* 1..256; default 1 */
  uint32_t max_protocol_version; /* advertised, 5..8; default TETHER_PROTOCOL_MAX_VERSION */
  /* Each invocation's session (its protocol_version is taken from the request);
   * copied; NULL: the session defaults. Its allocator serves the sessions. */
  const tether_session_options *session;
  uint64_t max_output_size; /* default TETHER_DEFAULT_MAX_MESSAGE_SIZE */
  /* TETHER_EXT_* features the endpoint accepts of an offer; default TETHER_EXT_ALL.
   * (session->extensions is ignored: each stream's come from its request.) */
  uint32_t extensions;
  /* Limits against hostile or broken clients (docs/reliability.md); each refusal is
   * counted in tether_endpoint_stats and logged once per cause. */
  uint32_t preface_timeout_ms; /* to send the preface and SETTINGS, else closed; default 10000 */
  uint32_t idle_timeout_ms;    /* a connection with no open stream is closed; default 60000,
                                * 0: never */
  uint32_t max_header_block;   /* bytes of one request's header fields, each counted as
                                * name + value + 32; over it the stream is reset; default 65536 */
  uint32_t max_connections;    /* open at once; more are refused with GOAWAY; default 1024 */
  uint32_t max_streams_per_connection; /* concurrent (HTTP/2 SETTINGS); default 1024 */
  /* Request bytes held per connection for sessions that have not accepted them yet:
   * the HTTP/2 connection window, released only as sessions accept; at least 65535;
   * default 64 MiB. */
  uint64_t max_held_per_connection;
} tether_endpoint_options;

typedef struct tether_endpoint_stats {
  size_t struct_size;
  uint64_t connections;      /* accepted, ever */
  uint64_t streams;          /* requests, ever */
  uint64_t invocations;      /* requests routed onto an invocation, ever */
  uint64_t refused;          /* requests answered 4xx/5xx from their headers */
  uint64_t open_invocations; /* now */
  /* High-water marks: queued output of one session; request bytes held back from
   * one session (not accepted yet, so not released to the peer's window); bytes of
   * one connection waiting for its socket. */
  uint64_t peak_session_outbound;
  uint64_t peak_held_inbound;
  uint64_t peak_connection_unsent;
  /* accept() failures for want of descriptors or memory; after one the listener
   * pauses until a connection closes or a second passes (no busy loop). */
  uint64_t accept_failures;
  uint64_t open_connections;    /* now */
  uint64_t preface_timeouts;    /* closed: no preface and SETTINGS within preface_timeout_ms */
  uint64_t idle_timeouts;       /* closed: no open stream for idle_timeout_ms */
  uint64_t refused_connections; /* refused: max_connections were open */
  uint64_t refused_headers;     /* streams reset: header block over max_header_block */
  uint64_t shutdown_ended;      /* invocations ended with a retryable ErrorMessage by the
                                 * deadline of tether_endpoint_shutdown */
  /* Streams refused past max_streams_per_connection: REFUSED_STREAM while the client
   * had not acknowledged the limit yet (the connection serves on); past a limit it
   * acknowledged, nghttp2 closes the connection (PROTOCOL_ERROR). */
  uint64_t refused_streams;
} tether_endpoint_stats;

TETHER_API void tether_endpoint_options_init(tether_endpoint_options *options);
TETHER_API void tether_endpoint_options_init_sized(tether_endpoint_options *options,
                                                   size_t struct_size);
/* Validates options (NULL: defaults); nothing listens until tether_endpoint_start. */
TETHER_API tether_status tether_endpoint_new(const tether_endpoint_options *options,
                                             tether_endpoint **out);
/* Stops the endpoint if it runs (waiting for running handlers), then frees it. */
TETHER_API void tether_endpoint_free(tether_endpoint *endpoint);
/* Registers a handler (names: 1..255 of [A-Za-z0-9_.-]) before start;
 * TETHER_INVALID_STATE after. TETHER_INVALID_ARGUMENT for a bad name, a NULL fn or a
 * handler registered twice. */
TETHER_API tether_status tether_endpoint_add_handler(tether_endpoint *endpoint, const char *service,
                                                     const char *handler, tether_handler_fn fn,
                                                     void *user_data);
/* Listens and starts the threads; TETHER_IO (see last_error) if it cannot listen,
 * TETHER_INVALID_STATE if already started. */
TETHER_API tether_status tether_endpoint_start(tether_endpoint *endpoint);
/* The port it listens on (the real one when port 0 was asked for); after start. */
TETHER_API tether_status tether_endpoint_port(const tether_endpoint *endpoint, uint16_t *port);
/* Stops accepting, waits for running handlers, closes every connection. Idempotent.
 * Not from a handler. */
TETHER_API tether_status tether_endpoint_stop(tether_endpoint *endpoint);
/* Graceful stop: stops accepting, sends GOAWAY on every connection, lets running
 * invocations finish for up to deadline_ms, then ends the rest with a retryable
 * ErrorMessage 503 (the runtime retries them elsewhere), writes what is left, and
 * stops as tether_endpoint_stop does (waiting for running handlers). Not from a
 * handler; TETHER_INVALID_STATE before start. */
TETHER_API tether_status tether_endpoint_shutdown(tether_endpoint *endpoint, uint32_t deadline_ms);
/* Safe from any thread while the endpoint runs; stats->struct_size set by caller (an
 * older, shorter struct gets its fields; a newer, larger one the known fields). */
TETHER_API tether_status tether_endpoint_stats_get(const tether_endpoint *endpoint,
                                                   tether_endpoint_stats *stats);
TETHER_API const char *tether_endpoint_last_error(const tether_endpoint *endpoint);

/* ---- Batcher: bounded batching in front of a slow sink ---------------------- */

/* Producers submit records (an id + bytes); the batcher coalesces them into batches
 * capped in bytes (max_batch_bytes), in records (max_batch_records) and in time
 * (linger_ns: a batch goes out at most that long after its oldest record arrived),
 * and hands each batch to the sink callback as one bulk write. Records reach the sink
 * in submit order. Memory is bounded: records held (queued, or in a batch the sink has
 * not finished) count length + TETHER_BATCHER_RECORD_OVERHEAD bytes against
 * max_queued_bytes. When a record does not fit, the policy decides:
 * - REJECT: submit returns TETHER_QUEUE_FULL at once (nothing kept).
 * - BLOCK: submit waits for room up to block_timeout_ns, then TETHER_TIMEOUT.
 * - SPILL: the spill log in spill_dir (see below) is the queue: every accepted record
 *   is appended to it before submit returns, and memory keeps the ones that fit so
 *   the sink is fed without reading them back; once a record did not fit, later
 *   records are read back from the log, in order, until the log has caught up. A
 *   record that would take the log past spill_max_bytes gets TETHER_QUEUE_FULL. A
 *   record accepted under SPILL survives a crash of the process (SIGKILL included);
 *   power loss is covered as spill_fsync states. Under REJECT and BLOCK the records
 *   still in memory when the process dies are lost.
 * - KAFKA (built with -DTETHER_KAFKA=ON; options.kafka): a record that does not fit in
 *   memory is produced to a Kafka topic (key: the id, 8 bytes big-endian; value: the
 *   bytes) by an idempotent producer with acks=all, for a consumer such as
 *   tether-drain to write into the store. kafka->max_in_flight_bytes, a second budget,
 *   bounds librdkafka's data: a quarter (at most 5 MB) is for its produce requests
 *   being sent (batch.size is set to a fifth of it, 5 in flight), the rest for the
 *   records produced and not yet acknowledged, each counted at length +
 *   TETHER_KAFKA_RECORD_OVERHEAD (librdkafka's message header, key and allocation);
 *   librdkafka's queue limits are set from it. The delivery report decides: acknowledged (stats kafka_delivered),
 *   or failed after kafka->delivery_timeout_ns of retries (reported to on_failed with
 *   TETHER_IO). The fallback when Kafka cannot take more (unreachable, or slower than
 *   the producer: the in-flight budget is full) is BLOCK: submit waits up to
 *   block_timeout_ns for room in memory or in flight, then TETHER_TIMEOUT, with
 *   last_error naming the topic, the brokers and librdkafka's reason, and stats
 *   kafka_unreachable set while no broker answers. Records in flight are retried by
 *   librdkafka, in order and without duplicates, until the broker is back.
 *
 * The sink returns OK, RETRYABLE (the same batch is tried again after a capped
 * exponential backoff with jitter, up to max_attempts calls; then the records are
 * reported to on_failed with TETHER_RETRIES_EXHAUSTED), or PERMANENT (a batch of
 * several records is tried again one record per call, so only the records the sink
 * refuses alone are reported, with TETHER_SINK_REJECTED; the records behind them go on).
 * Records carry ids so that the sink can write idempotently (e.g. INSERT OR IGNORE
 * on the id): after a crash under SPILL the log is replayed from its oldest
 * unreleased segment, and records the sink already wrote may come again.
 *
 * Threads: tether_batcher_new starts one sink thread; the sink and on_failed
 * callbacks run on it, one call at a time, never on a caller's thread. Unlike other
 * handles, a batcher may be used from several threads at once: submit, stats_get,
 * prometheus and last_error are safe from any thread. close and free must not race
 * with other calls on the same handle (call them after the producers stopped). From
 * inside a callback, submit and close return TETHER_INVALID_STATE (the sink thread
 * would wait for itself); stats_get, prometheus and last_error work.
 *
 * Spill log format (version 1): spill_dir holds segment files named by a 20-digit
 * sequence number, "00000000000000000001.spill", written in order. A segment begins
 * with the 8 bytes "TSPL" + u32 version (little-endian, 1); then records, each a
 * 16-byte header (u32 length, u32 CRC32C, u64 id; little-endian) and length bytes.
 * The CRC32C covers the length, the id and the bytes. A segment is deleted once the
 * sink finished every record in it. */
typedef struct tether_batcher tether_batcher;

/* Bytes counted per record on top of its length (bookkeeping, header). */
#define TETHER_BATCHER_RECORD_OVERHEAD 16
/* KAFKA: bytes counted per record in flight on top of its length (librdkafka's copy). */
#define TETHER_KAFKA_RECORD_OVERHEAD 256
#define TETHER_SPILL_RECORD_HEADER_SIZE 16
#define TETHER_SPILL_SEGMENT_HEADER_SIZE 8

/* A record as the sink sees it; data is valid during the callback only. */
typedef struct tether_record {
  uint64_t id;
  const uint8_t *data;
  size_t length;
} tether_record;

typedef enum tether_sink_result {
  TETHER_SINK_OK = 0,        /* every record of the batch is stored */
  TETHER_SINK_RETRYABLE = 1, /* nothing (or not all) stored; the same call may succeed later */
  TETHER_SINK_PERMANENT = 2  /* the batch can never be stored as it is */
} tether_sink_result;

/* Stores records[0..count) as one write, in order; returns how it went. Runs on the
 * batcher's sink thread; may block (close waits for it). count >= 1. A value outside
 * the enum counts as PERMANENT. */
typedef tether_sink_result (*tether_sink_fn)(const tether_record *records, size_t count,
                                             void *user_data);

/* Records that will not be written: reason is TETHER_SINK_REJECTED,
 * TETHER_RETRIES_EXHAUSTED, or TETHER_TIMEOUT (close's deadline passed while they were
 * still in memory; never under SPILL, where they stay in the log). message says why
 * (NUL-terminated). Runs on the sink thread; records and message are valid during the
 * call only. */
typedef void (*tether_batcher_failed_fn)(const tether_record *records, size_t count,
                                         tether_status reason, const char *message,
                                         void *user_data);

typedef enum tether_overflow_policy {
  TETHER_OVERFLOW_REJECT = 0,
  TETHER_OVERFLOW_BLOCK = 1,
  TETHER_OVERFLOW_SPILL = 2,
  TETHER_OVERFLOW_KAFKA = 3
} tether_overflow_policy;

/* KAFKA: where overflow goes (tether_kafka_overflow_options_init sets the defaults). */
typedef struct tether_kafka_overflow_options {
  size_t struct_size;
  const char *bootstrap_servers; /* required: "host:port[,host:port...]"; copied */
  const char *topic;             /* required; the topic must exist; copied */
  uint64_t max_in_flight_bytes;  /* librdkafka's data (see KAFKA above); default 16 MiB */
  /* How long librdkafka retries a record (message.timeout.ms) before its delivery
   * report fails it; 1 ms .. 2^31 ms; default 300 s. */
  uint64_t delivery_timeout_ns;
  /* NULL, or librdkafka configuration as key, value pairs ended by one NULL (at most
   * 256 pairs; e.g. "linger.ms", "5"); copied. bootstrap.servers, enable.idempotence,
   * acks, message.timeout.ms, batch.size, max.in.flight.requests.per.connection and the
   * queue limits are tether's and set after them. */
  const char *const *config;
} tether_kafka_overflow_options;

/* When the spill log is flushed to stable storage (fdatasync). A record whose write()
 * completed survives a process crash in every mode; these cover power loss. */
typedef enum tether_spill_fsync {
  TETHER_SPILL_FSYNC_INTERVAL = 0, /* at most spill_fsync_interval_ns after an append
                                      (by the next append or by the sink thread) */
  TETHER_SPILL_FSYNC_ALWAYS = 1,   /* before submit returns */
  TETHER_SPILL_FSYNC_NEVER = 2     /* left to the operating system */
} tether_spill_fsync;

typedef struct tether_batcher_options {
  size_t struct_size;
  tether_sink_fn sink; /* required */
  void *sink_user_data;
  tether_batcher_failed_fn on_failed; /* may be NULL: failures are only counted */
  void *failed_user_data;
  uint64_t max_queued_bytes;        /* >= max_batch_bytes; default 64 MiB */
  uint64_t max_batch_bytes;         /* >= 1 + TETHER_BATCHER_RECORD_OVERHEAD; default 1 MiB */
  uint32_t max_batch_records;       /* >= 1; default 1000 */
  uint64_t linger_ns;               /* default 10 ms */
  tether_overflow_policy policy;    /* default TETHER_OVERFLOW_REJECT */
  uint64_t block_timeout_ns;        /* BLOCK: the longest a submit waits; default 1 s */
  const char *spill_dir;            /* SPILL: required; created if missing; copied */
  uint64_t spill_max_bytes;         /* SPILL: >= 2 * max_batch_bytes; default 1 GiB */
  tether_spill_fsync spill_fsync;   /* default TETHER_SPILL_FSYNC_INTERVAL */
  uint64_t spill_fsync_interval_ns; /* default 100 ms */
  /* A damaged spill log found at open (see tether_spill_log_verify): 0 (default)
   * refuses to open with its status; 1 keeps the good prefix of the damaged segment,
   * moves the rest to "<segment>.damaged-at-<offset>" and goes on (reported in
   * last_error and stats). */
  int spill_repair;
  uint32_t max_attempts; /* sink calls per batch before TETHER_RETRIES_EXHAUSTED; >= 1; default 8 */
  uint64_t backoff_initial_ns; /* first retry delay (before jitter); default 10 ms */
  uint64_t backoff_max_ns;     /* cap, >= backoff_initial_ns; default 1 s */
  uint64_t random_seed;        /* jitter; 0 (default): seeded from the clock */
  tether_allocator allocator;  /* record memory */
  /* KAFKA: required (read by tether_batcher_new, not kept); ignored otherwise. */
  const tether_kafka_overflow_options *kafka;
} tether_batcher_options;

typedef struct tether_batcher_stats {
  size_t struct_size;
  uint64_t accepted;            /* submit returned TETHER_OK */
  uint64_t rejected;            /* TETHER_QUEUE_FULL: dropped by policy (REJECT, full spill log) */
  uint64_t timed_out;           /* TETHER_TIMEOUT under BLOCK and KAFKA */
  uint64_t too_large;           /* TETHER_RECORD_TOO_LARGE */
  uint64_t written;             /* records the sink returned OK for */
  uint64_t failed;              /* records reported to on_failed */
  uint64_t batches;             /* sink calls that returned OK */
  uint64_t retries;             /* sink calls that returned RETRYABLE */
  uint64_t spilled;             /* records kept only in the spill log (memory was full) */
  uint64_t spill_read;          /* records read back from the spill log */
  uint64_t replayed;            /* records found in the spill log at open */
  uint64_t spill_damaged_bytes; /* bytes moved aside by spill_repair at open */
  uint64_t queued_records;      /* now: in memory, not yet finished */
  uint64_t queued_bytes;        /* now, as counted against max_queued_bytes */
  uint64_t peak_queued_bytes;
  uint64_t spill_records; /* now: in the log, not yet finished */
  uint64_t spill_bytes;   /* now: size of the log's segments */
  uint64_t peak_spill_bytes;
  uint64_t kafka_produced;        /* KAFKA: records handed to the producer */
  uint64_t kafka_delivered;       /* KAFKA: acknowledged by the broker (acks=all) */
  uint64_t kafka_failed;          /* KAFKA: delivery failed (also counted in failed) */
  uint64_t kafka_in_flight_bytes; /* KAFKA now: produced, not yet acknowledged */
  uint64_t peak_kafka_in_flight_bytes;
  uint64_t kafka_unreachable; /* KAFKA now: 1 while no broker answers (librdkafka's error) */
  uint64_t kafka_waits;       /* KAFKA: submits that waited because Kafka could take no more */
} tether_batcher_stats;

TETHER_API void tether_batcher_options_init(tether_batcher_options *options);
TETHER_API void tether_batcher_options_init_sized(tether_batcher_options *options,
                                                  size_t struct_size);
/* Only as _init_sized (the struct is newer than ABI 0); the macro below passes sizeof. */
TETHER_API void tether_kafka_overflow_options_init_sized(tether_kafka_overflow_options *options,
                                                         size_t struct_size);
/* TETHER_OK, or TETHER_INVALID_ARGUMENT with *problem (static storage; may be NULL)
 * naming the field that is out of its range. */
TETHER_API tether_status tether_batcher_options_check(const tether_batcher_options *options,
                                                      const char **problem);
/* Validates options, opens the spill log under SPILL (records found in it are written
 * first: they are older than any new one), starts the sink thread. On failure *out is
 * NULL and error (may be NULL; error_size bytes, NUL-terminated) says what was wrong:
 * TETHER_INVALID_ARGUMENT, TETHER_IO (the spill directory), TETHER_SPILL_CORRUPT or
 * TETHER_TRUNCATED (a damaged log and spill_repair 0; the message names the segment,
 * the offset and the good prefix). */
TETHER_API tether_status tether_batcher_new(const tether_batcher_options *options,
                                            tether_batcher **out, char *error, size_t error_size);
/* Copies data (length >= 0). TETHER_OK: accepted, the batcher owns it now.
 * TETHER_RECORD_TOO_LARGE: length + TETHER_BATCHER_RECORD_OVERHEAD > max_batch_bytes;
 * TETHER_QUEUE_FULL, TETHER_TIMEOUT: by policy, see above; TETHER_IO: the spill log
 * could not be written (last_error says why); TETHER_CLOSED after close. Nothing is
 * kept unless TETHER_OK. Any thread; under BLOCK it may wait. */
TETHER_API tether_status tether_batcher_submit(tether_batcher *batcher, uint64_t id,
                                               const uint8_t *data, size_t length);
/* Stops accepting, then lets the sink thread write what is held for up to timeout_ns
 * (a sink call in progress is waited for; a backoff wait is cut short). Records still
 * held then are reported to on_failed with TETHER_TIMEOUT, except under SPILL, where
 * they stay in the log for the next batcher on spill_dir. *unwritten (may be NULL)
 * receives their count. TETHER_OK when everything was written (or reported earlier),
 * TETHER_TIMEOUT otherwise, TETHER_CLOSED if already closed. Caller's thread; it
 * returns after the sink thread ended. */
TETHER_API tether_status tether_batcher_close(tether_batcher *batcher, uint64_t timeout_ns,
                                              uint64_t *unwritten);
/* close(batcher, 0, NULL) if not closed yet, then frees. Accepts NULL. */
TETHER_API void tether_batcher_free(tether_batcher *batcher);
/* stats->struct_size set by the caller. Any thread. */
TETHER_API tether_status tether_batcher_stats_get(const tether_batcher *batcher,
                                                  tether_batcher_stats *stats);
/* Prometheus text (format 0.0.4): tether_batcher_records_total{outcome=...},
 * tether_batcher_batches_total, tether_batcher_retries_total, and the gauges
 * tether_batcher_queued_bytes, tether_batcher_queued_records,
 * tether_batcher_spill_bytes, tether_batcher_spill_records. Written NUL-terminated into
 * buffer; *length receives the text's length. TETHER_INVALID_ARGUMENT (with *length
 * set to the size needed, less the NUL) when capacity is too small. Any thread. */
TETHER_API tether_status tether_batcher_prometheus(const tether_batcher *batcher, char *buffer,
                                                   size_t capacity, size_t *length);
/* Copies the message of the latest failure ("" if none) into buffer (NUL-terminated,
 * cut to capacity); returns its full length. Any thread. */
TETHER_API size_t tether_batcher_last_error(const tether_batcher *batcher, char *buffer,
                                            size_t capacity);

/* What tether_spill_log_verify found. */
typedef struct tether_spill_report {
  size_t struct_size;
  uint64_t segments;   /* segment files read */
  uint64_t records;    /* good records, in order, before any damage */
  uint64_t good_bytes; /* bytes of those records (headers included) */
  uint64_t bad_offset; /* TETHER_SPILL_CORRUPT/TRUNCATED: offset of the damage in its segment */
  char message[512];   /* "" when sound; else names the segment file and the offset */
} tether_spill_report;

/* Reads every segment of a spill directory and checks its framing and checksums,
 * without changing anything. TETHER_OK (a missing or empty directory is sound),
 * TETHER_SPILL_CORRUPT (a bad segment header, a checksum mismatch, an impossible
 * length), TETHER_TRUNCATED (a segment ends inside a record), TETHER_IO. Caller's thread. */
TETHER_API tether_status tether_spill_log_verify(const char *spill_dir,
                                                 tether_spill_report *report);

/* ---- SQLite sink: the embedded default (built with -DTETHER_SQLITE=ON) ------- */

/* Writes batches into a SQLite table (id INTEGER PRIMARY KEY, body BLOB): one
 * transaction per batch, INSERT OR IGNORE on the id, so a record written twice (a
 * replay after a crash) is stored once. synchronous=FULL and journal_mode=WAL: a
 * batch is on stable storage when the sink returns OK. SQLITE_BUSY, _LOCKED, _IOERR,
 * _FULL, _PROTOCOL and _CANTOPEN are RETRYABLE; other errors PERMANENT. The ids, as
 * SQLite integers, are the uint64 bits read as int64. */
typedef struct tether_sqlite_sink tether_sqlite_sink;

typedef struct tether_sqlite_sink_options {
  size_t struct_size;
  const char *path;  /* database file, created if missing; required; copied */
  const char *table; /* 1..64 of [A-Za-z0-9_], not starting with a digit; default "records" */
  uint32_t busy_timeout_ms; /* wait for a lock held by another connection; default 5000 */
} tether_sqlite_sink_options;

TETHER_API void tether_sqlite_sink_options_init(tether_sqlite_sink_options *options);
TETHER_API void tether_sqlite_sink_options_init_sized(tether_sqlite_sink_options *options,
                                                      size_t struct_size);
/* Opens (creating the table if missing). On failure *out is NULL and error (may be
 * NULL) says why: TETHER_INVALID_ARGUMENT or TETHER_IO. */
TETHER_API tether_status tether_sqlite_sink_open(const tether_sqlite_sink_options *options,
                                                 tether_sqlite_sink **out, char *error,
                                                 size_t error_size);
TETHER_API void tether_sqlite_sink_free(tether_sqlite_sink *sink);
/* A tether_sink_fn: pass it as options.sink with options.sink_user_data = the sink.
 * One thread at a time (the batcher's sink thread). */
TETHER_API tether_sink_result tether_sqlite_sink_write(const tether_record *records, size_t count,
                                                       void *sink);
/* Rows in the table now. */
TETHER_API tether_status tether_sqlite_sink_count(tether_sqlite_sink *sink, uint64_t *rows);
/* Message of the last failed write ("" if none); valid until the next call on the sink. */
TETHER_API const char *tether_sqlite_sink_last_error(const tether_sqlite_sink *sink);

/* ---- Options across versions -----------------------------------------------
 * tether_X_options_init(options) below is tether_X_options_init_sized(options,
 * sizeof *options): the library fills exactly the struct the caller was compiled
 * with, so a program built against this header keeps working with a later libtether
 * whose structs grew at their end. The functions of the same names fill the structs
 * as ABI 0 had them, for programs built before. Bindings that cannot expand a macro
 * (cgo) call _init_sized with their sizeof; TETHER_NO_INIT_MACROS hides the macros. */
#if !defined(TETHER_NO_INIT_MACROS) && !defined(SWIG)
#define tether_decoder_options_init(options) \
  tether_decoder_options_init_sized((options), sizeof *(options))
#define tether_session_options_init(options) \
  tether_session_options_init_sized((options), sizeof *(options))
#define tether_prober_options_init(options) \
  tether_prober_options_init_sized((options), sizeof *(options))
#define tether_invocation_options_init(options) \
  tether_invocation_options_init_sized((options), sizeof *(options))
#define tether_middleware_options_init(options) \
  tether_middleware_options_init_sized((options), sizeof *(options))
#define tether_endpoint_options_init(options) \
  tether_endpoint_options_init_sized((options), sizeof *(options))
#define tether_batcher_options_init(options) \
  tether_batcher_options_init_sized((options), sizeof *(options))
#define tether_sqlite_sink_options_init(options) \
  tether_sqlite_sink_options_init_sized((options), sizeof *(options))
#define tether_kafka_overflow_options_init(options) \
  tether_kafka_overflow_options_init_sized((options), sizeof *(options))
#endif

#ifdef __cplusplus
}
#endif

#endif /* TETHER_H */
