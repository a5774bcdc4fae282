//! The few libtether C functions the harness calls, declared by hand from
//! capi/include/tether.h (x86_64/aarch64 LP64 layouts). `check_layouts` compares the
//! struct sizes with ABI 0's, which the library's plain *_options_init write.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;

pub type Status = i32;
pub const OK: Status = 0;
pub const CLOSED: Status = 20;
pub const EXT_PING: u32 = 0x1;

#[repr(C)]
pub struct Allocator {
    pub malloc_fn: Option<unsafe extern "C" fn(usize, *mut c_void) -> *mut c_void>,
    pub realloc_fn: Option<unsafe extern "C" fn(*mut c_void, usize, *mut c_void) -> *mut c_void>,
    pub free_fn: Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>,
    pub user_data: *mut c_void,
}

#[repr(C)]
pub struct SessionOptions {
    pub struct_size: usize,
    pub protocol_version: u32,
    pub max_frame_payload: u32,
    pub max_message_size: u64,
    pub inbound_budget: u64,
    pub outbound_high_watermark: u64,
    pub outbound_low_watermark: u64,
    pub allocator: Allocator,
    pub extensions: u32,
}

#[repr(C)]
pub struct MiddlewareOptions {
    pub struct_size: usize,
    pub session: *const SessionOptions,
    pub max_output_size: u64,
}

#[repr(C)]
pub struct RawMiddleware {
    _opaque: [u8; 0],
}

extern "C" {
    // The plain functions fill ABI 0's structs; _init_sized fills exactly ours (as
    // the header's macros do for C callers).
    fn tether_session_options_init(options: *mut SessionOptions);
    fn tether_session_options_init_sized(options: *mut SessionOptions, struct_size: usize);
    fn tether_middleware_options_init(options: *mut MiddlewareOptions);
    fn tether_middleware_options_init_sized(options: *mut MiddlewareOptions, struct_size: usize);
    fn tether_middleware_new(
        options: *const MiddlewareOptions,
        out: *mut *mut RawMiddleware,
    ) -> Status;
    fn tether_middleware_free(middleware: *mut RawMiddleware);
    fn tether_middleware_feed(
        middleware: *mut RawMiddleware,
        data: *const u8,
        length: usize,
        consumed: *mut usize,
    ) -> Status;
    fn tether_middleware_finish_input(middleware: *mut RawMiddleware) -> Status;
    fn tether_middleware_take_sdk_input(
        middleware: *mut RawMiddleware,
        data: *mut *const u8,
        length: *mut usize,
    ) -> Status;
    fn tether_middleware_pending_output(
        middleware: *mut RawMiddleware,
        data: *mut *const u8,
        length: *mut usize,
    ) -> Status;
    fn tether_middleware_consume_output(middleware: *mut RawMiddleware, n: usize) -> Status;
    fn tether_middleware_last_error(middleware: *const RawMiddleware) -> *const c_char;
    fn tether_status_name(status: Status) -> *const c_char;
    fn tether_frame_header_encode(kind: u16, flags: u16, length: u32, out: *mut u8);
}

fn options_struct<T>(init: unsafe extern "C" fn(*mut T, usize)) -> T {
    // SAFETY: every field is an integer, a nullable pointer or an Option of a fn
    // pointer, for which all-zero is valid; init then writes the defaults.
    unsafe {
        let mut options: T = std::mem::zeroed();
        init(&mut options, std::mem::size_of::<T>());
        options
    }
}

fn abi0_size<T>(init: unsafe extern "C" fn(*mut T)) -> usize {
    // SAFETY: as options_struct; struct_size is the first field of every options struct.
    unsafe {
        let mut options: T = std::mem::zeroed();
        init(&mut options);
        *(&options as *const T as *const usize)
    }
}

/// Panics if the structs above are not the size ABI 0 gives them (a field missed).
pub fn check_layouts() {
    let session = abi0_size(tether_session_options_init);
    assert_eq!(
        session,
        std::mem::size_of::<SessionOptions>(),
        "tether_session_options"
    );
    let middleware = abi0_size(tether_middleware_options_init);
    assert_eq!(
        middleware,
        std::mem::size_of::<MiddlewareOptions>(),
        "tether_middleware_options"
    );
}

fn status_name(status: Status) -> String {
    // SAFETY: static storage, never NULL.
    unsafe { CStr::from_ptr(tether_status_name(status)) }
        .to_string_lossy()
        .into_owned()
}

/// Appends one frame (tether's 8-byte header, then the payload) to out.
pub fn append_frame(out: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    let mut header = [0u8; 8];
    let length = u32::try_from(payload.len()).expect("payload under 4 GiB");
    // SAFETY: header has the 8 bytes the function writes.
    unsafe { tether_frame_header_encode(kind, 0, length, header.as_mut_ptr()) };
    out.extend_from_slice(&header);
    out.extend_from_slice(payload);
}

/// One stream's tether_middleware: runtime bytes in, plain frames for the SDK out.
pub struct Middleware(*mut RawMiddleware);

impl Middleware {
    pub fn new(protocol_version: u32, extensions: u32) -> Result<Self, String> {
        let mut session = options_struct(tether_session_options_init_sized);
        session.protocol_version = protocol_version;
        session.extensions = extensions;
        let mut options = options_struct(tether_middleware_options_init_sized);
        options.session = &session;
        let mut out = ptr::null_mut();
        // SAFETY: options and session outlive the call, which copies them.
        let status = unsafe { tether_middleware_new(&options, &mut out) };
        if status != OK {
            return Err(format!("tether_middleware_new: {}", status_name(status)));
        }
        Ok(Middleware(out))
    }

    fn error(&self, call: &str, status: Status) -> String {
        // SAFETY: the handle is live; the message is valid until the next call.
        let text = unsafe { CStr::from_ptr(tether_middleware_last_error(self.0)) };
        format!(
            "{call}: {}: {}",
            status_name(status),
            text.to_string_lossy()
        )
    }

    /// Feeds one read whole (the default inbound budget holds any stream used here).
    pub fn feed(&mut self, data: &[u8]) -> Result<(), String> {
        let mut consumed = 0;
        // SAFETY: data is borrowed for the call only.
        let status =
            unsafe { tether_middleware_feed(self.0, data.as_ptr(), data.len(), &mut consumed) };
        if status != OK || consumed != data.len() {
            return Err(self.error("tether_middleware_feed", status));
        }
        Ok(())
    }

    pub fn finish_input(&mut self) -> Result<(), String> {
        // SAFETY: live handle.
        let status = unsafe { tether_middleware_finish_input(self.0) };
        if status != OK {
            return Err(self.error("tether_middleware_finish_input", status));
        }
        Ok(())
    }

    /// The plain frames dispatched by this call (valid until the next call), or None
    /// once input finished and everything was taken.
    pub fn take_sdk_input(&mut self) -> Result<Option<&[u8]>, String> {
        let mut data = ptr::null();
        let mut length = 0;
        // SAFETY: live handle; the span is owned by it until the next call, which the
        // borrow of self enforces.
        let status = unsafe { tether_middleware_take_sdk_input(self.0, &mut data, &mut length) };
        match status {
            OK if length == 0 => Ok(Some(&[])),
            OK => Ok(Some(unsafe { std::slice::from_raw_parts(data, length) })),
            CLOSED => Ok(None),
            _ => Err(self.error("tether_middleware_take_sdk_input", status)),
        }
    }

    /// Takes whatever output (Pongs) is pending, as a transport would; returns its size.
    pub fn drain_output(&mut self) -> Result<usize, String> {
        let mut data = ptr::null();
        let mut length = 0;
        // SAFETY: live handle.
        let status = unsafe { tether_middleware_pending_output(self.0, &mut data, &mut length) };
        if status != OK {
            return Err(self.error("tether_middleware_pending_output", status));
        }
        if length != 0 {
            let status = unsafe { tether_middleware_consume_output(self.0, length) };
            if status != OK {
                return Err(self.error("tether_middleware_consume_output", status));
            }
        }
        Ok(length)
    }
}

impl Drop for Middleware {
    fn drop(&mut self) {
        // SAFETY: created by tether_middleware_new, freed once.
        unsafe { tether_middleware_free(self.0) }
    }
}
