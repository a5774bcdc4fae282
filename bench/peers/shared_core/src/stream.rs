//! The invocation byte stream, encoded once: Start, InputCommand, then N
//! CallCompletionNotifications whose protobuf payload is exactly the asked size.

use bytes::Bytes;
use prost::Message;

use crate::tether::append_frame;

const START: u16 = 0x0000;
const INPUT_COMMAND: u16 = 0x0400;
const CALL_COMPLETION_NOTIFICATION: u16 = 0x800D;

// The fields of upstream's protocol messages that this stream sets (same tags).
#[derive(Clone, PartialEq, Message)]
struct StartMessage {
    #[prost(bytes = "vec", tag = "1")]
    id: Vec<u8>,
    #[prost(string, tag = "2")]
    debug_id: String,
    #[prost(uint32, tag = "3")]
    known_entries: u32,
    #[prost(uint64, tag = "9")]
    random_seed: u64,
}

#[derive(Clone, PartialEq, Message)]
struct ValueMessage {
    #[prost(bytes = "vec", tag = "1")]
    content: Vec<u8>,
}

#[derive(Clone, PartialEq, Message)]
struct InputCommandMessage {
    #[prost(message, optional, tag = "14")]
    value: Option<ValueMessage>,
}

#[derive(Clone, PartialEq, Message)]
struct NotificationMessage {
    #[prost(uint32, tag = "1")]
    completion_id: u32,
    #[prost(message, optional, tag = "5")]
    value: Option<ValueMessage>,
}

pub fn content_type(protocol: u32) -> String {
    format!("application/vnd.restate.invocation.v{protocol}")
}

/// A notification whose encoded payload is `size` bytes (or the smallest possible).
fn notification(completion_id: u32, size: usize) -> NotificationMessage {
    let mut content = size;
    loop {
        let message = NotificationMessage {
            completion_id,
            value: Some(ValueMessage {
                content: vec![0x5a; content],
            }),
        };
        if message.encoded_len() <= size || content == 0 {
            return message;
        }
        content -= 1;
    }
}

pub struct Stream {
    bytes: Bytes,
    read_size: usize,
    first_value: Bytes,
}

impl Stream {
    /// The messages used here are the same on protocol V5..V8.
    pub fn new(payload: usize, messages: usize, read_size: usize) -> Self {
        let mut out = Vec::new();
        let start = StartMessage {
            id: b"inv_1benchmark".to_vec(),
            debug_id: "inv_1benchmark".to_owned(),
            known_entries: 1,
            random_seed: 7,
        };
        append_frame(&mut out, START, &start.encode_to_vec());
        let input = InputCommandMessage {
            value: Some(ValueMessage {
                content: b"{}".to_vec(),
            }),
        };
        append_frame(&mut out, INPUT_COMMAND, &input.encode_to_vec());
        let mut first_value = Bytes::new();
        for i in 0..messages {
            let message = notification(i as u32 + 1, payload);
            assert_eq!(
                message.encoded_len(),
                payload,
                "a {payload}-byte notification"
            );
            if i == 0 {
                first_value = Bytes::from(message.value.clone().unwrap().content);
            }
            append_frame(
                &mut out,
                CALL_COMPLETION_NOTIFICATION,
                &message.encode_to_vec(),
            );
        }
        Stream {
            bytes: Bytes::from(out),
            read_size,
            first_value,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn first_value(&self) -> Bytes {
        self.first_value.clone()
    }

    /// The body as the reads of an HTTP/2 stream: zero-copy slices of one buffer.
    pub fn reads(&self) -> impl Iterator<Item = Bytes> + '_ {
        (0..self.bytes.len()).step_by(self.read_size).map(|at| {
            self.bytes
                .slice(at..(at + self.read_size).min(self.bytes.len()))
        })
    }
}
