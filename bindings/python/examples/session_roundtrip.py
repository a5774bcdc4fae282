"""One invocation stream end to end, no network: the bytes a runtime would send
(Start, a Ping, a chunked Input, another Ping) go into a Session; the dispatch loop
answers the Pings and echoes the input; the output is decoded and printed.

    python bindings/python/examples/session_roundtrip.py
"""
import tether
from tether import wire

runtime_bytes = (
    wire.start(known_entries=1)
    + wire.ping(b"nonce-1")
    # InputCommand { value = 14 { content = 1 } } as 1 KiB chunks (same shape as Output)
    + wire.chunked(tether.MSG_INPUT_COMMAND, wire.output_command_body(b"x" * 3000), 1024)
    + wire.ping(b"nonce-2")
)

with tether.Session(extensions=tether.EXT_ALL, protocol_version=8, max_frame_payload=1024) as session:
    taken = session.feed(runtime_bytes)
    print(f"fed {taken} of {len(runtime_bytes)} bytes")
    while (event := session.next_event()) is not None:
        if event.kind == tether.EventKind.PING:
            print(f"Ping {event.data!r} answered={event.answered}")
        elif event.type == tether.MSG_INPUT_COMMAND:
            content = wire.fields(wire.fields(event.data)[14][0])[1][0]
            print(f"InputCommand of {len(content)} bytes, reassembled from chunks")
            session.send(tether.MSG_OUTPUT_COMMAND, wire.output_command_body(content))
            session.send(tether.MSG_END, b"")
    output = session.take_output()

    try:
        session.send(tether.MSG_OUTPUT_COMMAND, b"too late")
    except tether.TetherError as e:  # the stream has ended
        print(f"send after End: {type(e).__name__}: {e}")

with tether.Decoder(allow_continued=True) as decoder:
    decoder.feed(output)
    while (frame := decoder.next()) is not None:
        type_, flags, payload = frame
        print(f"  out: type 0x{type_:04x} flags 0x{flags:04x} {len(payload)} bytes")
