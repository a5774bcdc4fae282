//! The same invocation byte stream (Start, Input, N notifications) through the
//! restate-sdk-shared-core VM alone, and through tether's middleware in front of it as
//! an adapter runs it: feed each read, take the plain frames, hand them to the VM.

mod stream;
mod tether;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use restate_sdk_shared_core::{CoreVM, VMOptions, Value, VM};

use crate::stream::{content_type, Stream};
use crate::tether::Middleware;

#[derive(Parser)]
#[command(about = "tether's middleware in front of the restate-sdk-shared-core VM vs the VM alone")]
struct Args {
    /// Notifications per stream.
    #[arg(long, default_value_t = 10_000)]
    messages: usize,
    /// Timed runs of each path per payload size (the median is reported).
    #[arg(long, default_value_t = 31)]
    runs: usize,
    /// Bytes per read, as an HTTP/2 body arrives.
    #[arg(long, default_value_t = 16 * 1024)]
    read_size: usize,
    /// Protocol version of the stream (5..8).
    #[arg(long, default_value_t = 6)]
    protocol: u32,
}

const TARGET_OVERHEAD: f64 = 0.10;

fn new_vm(protocol: u32) -> CoreVM {
    let headers = vec![("content-type".to_owned(), content_type(protocol))];
    CoreVM::new(headers, VMOptions::default()).expect("CoreVM::new")
}

/// The handler starts as soon as the VM says so, as an SDK's loop does.
fn start_when_ready(vm: &mut CoreVM, started: &mut bool) {
    if !*started && vm.is_ready_to_execute().expect("is_ready_to_execute") {
        black_box(vm.sys_input().expect("sys_input"));
        *started = true;
    }
}

/// Path A: each read goes to the VM as it arrived (a slice of the body, no copy).
fn vm_alone(stream: &Stream, protocol: u32) -> CoreVM {
    let mut vm = new_vm(protocol);
    let mut started = false;
    for read in stream.reads() {
        vm.notify_input(read);
        start_when_ready(&mut vm, &mut started);
    }
    vm.notify_input_closed();
    assert!(started, "the VM never became ready");
    vm
}

/// Path B: each read is fed to the middleware; the plain frames it hands out are
/// copied once into the Bytes the VM keeps (the span is only lent until the next call).
fn through_tether(stream: &Stream, protocol: u32, mut seen: Option<&mut Vec<u8>>) -> CoreVM {
    let mut middleware = Middleware::new(protocol, tether::EXT_PING).expect("middleware");
    let mut vm = new_vm(protocol);
    let mut started = false;
    for read in stream.reads() {
        middleware.feed(&read).expect("feed");
        let frames = middleware
            .take_sdk_input()
            .expect("take_sdk_input")
            .expect("open");
        if !frames.is_empty() {
            if let Some(seen) = seen.as_deref_mut() {
                seen.extend_from_slice(frames);
            }
            vm.notify_input(Bytes::copy_from_slice(frames));
        }
        middleware.drain_output().expect("output");
        start_when_ready(&mut vm, &mut started);
    }
    middleware.finish_input().expect("finish_input");
    assert!(
        middleware
            .take_sdk_input()
            .expect("take_sdk_input")
            .is_none(),
        "input left after finish"
    );
    vm.notify_input_closed();
    assert!(started, "the VM never became ready");
    vm
}

/// tether's share alone: the middleware over the same reads, frames taken and dropped.
fn tether_alone(stream: &Stream, protocol: u32) {
    let mut middleware = Middleware::new(protocol, tether::EXT_PING).expect("middleware");
    for read in stream.reads() {
        middleware.feed(&read).expect("feed");
        black_box(middleware.take_sdk_input().expect("take_sdk_input"));
        middleware.drain_output().expect("output");
    }
    middleware.finish_input().expect("finish_input");
}

/// Not timed: the middleware hands the VM exactly the bytes it was fed (no extension
/// frame is in the stream), and the VM took every notification: the first one completes
/// a Sleep whose completion id it carries, with its payload.
fn verify(stream: &Stream, protocol: u32) {
    let mut seen = Vec::new();
    for mut vm in [
        vm_alone(stream, protocol),
        through_tether(stream, protocol, Some(&mut seen)),
    ] {
        let handle = vm
            .sys_sleep(String::new(), Duration::from_secs(1), None)
            .expect("sys_sleep");
        vm.do_await(handle.into()).expect("do_await");
        match vm.take_notification(handle).expect("take_notification") {
            Some(Value::Success(value)) => {
                assert_eq!(value, stream.first_value(), "first notification")
            }
            other => panic!("the first notification did not reach the VM: {other:?}"),
        }
    }
    assert!(seen == stream.bytes(), "the middleware changed the stream");
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

struct Row {
    payload: usize,
    vm: Duration,
    tether_vm: Duration,
    tether: Duration,
    spread: f64, // (max - min) / median of the B/A ratios of paired runs
}

fn measure(args: &Args, payload: usize) -> Row {
    let stream = Stream::new(payload, args.messages, args.read_size);
    verify(&stream, args.protocol);
    let (mut a, mut b, mut t, mut ratios) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Warm-up, then the paths interleaved so that a noisy moment hits both.
    drop(vm_alone(&stream, args.protocol));
    drop(through_tether(&stream, args.protocol, None));
    for _ in 0..args.runs {
        let da = timed(|| drop(vm_alone(&stream, args.protocol)));
        let db = timed(|| drop(through_tether(&stream, args.protocol, None)));
        t.push(timed(|| tether_alone(&stream, args.protocol)));
        ratios.push(db.as_secs_f64() / da.as_secs_f64());
        a.push(da);
        b.push(db);
    }
    ratios.sort_by(f64::total_cmp);
    let mid = ratios[ratios.len() / 2];
    Row {
        payload,
        vm: median(&mut a),
        tether_vm: median(&mut b),
        tether: median(&mut t),
        spread: (ratios[ratios.len() - 1] - ratios[0]) / mid,
    }
}

fn main() {
    let args = Args::parse();
    assert!((5..=8).contains(&args.protocol), "--protocol must be 5..8");
    assert!(
        args.messages > 0 && args.runs > 0 && args.read_size > 0,
        "counts must be positive"
    );
    tether::check_layouts();
    let rows: Vec<Row> = [64, 1024].iter().map(|&p| measure(&args, p)).collect();
    let per = |d: Duration| d.as_nanos() as f64 / (args.messages + 2) as f64;
    println!(
        "Start + Input + {} notifications, {}-byte reads, protocol V{}, median of {} runs",
        args.messages, args.read_size, args.protocol, args.runs
    );
    println!(
        "{:>8} | {:>15} | {:>16} | {:>19} | {:>8} | {:>12}",
        "payload",
        "VM alone ns/msg",
        "tether+VM ns/msg",
        "tether alone ns/msg",
        "B/A",
        "ratio spread"
    );
    for r in &rows {
        println!(
            "{:>7}B | {:>15.1} | {:>16.1} | {:>19.1} | {:>8.3} | {:>11.1}%",
            r.payload,
            per(r.vm),
            per(r.tether_vm),
            per(r.tether),
            r.tether_vm.as_secs_f64() / r.vm.as_secs_f64(),
            r.spread * 100.0
        );
    }
    for r in &rows {
        let overhead = r.tether_vm.as_secs_f64() / r.vm.as_secs_f64() - 1.0;
        let verdict = if overhead <= TARGET_OVERHEAD {
            "met"
        } else {
            "NOT met"
        };
        println!(
            "{} B: overhead {:.1}% (target <= {:.0}%: {verdict})",
            r.payload,
            overhead * 100.0,
            TARGET_OVERHEAD * 100.0
        );
        // The line bench/report.sh lifts into its tables.
        println!(
            "figure: tether+VM over the shared-core VM alone, {} B notifications | {:.1} ns/msg | VM alone {:.1} ns/msg | {:.3}x (spread {:.1}%) | <= {:.2}x: {verdict}",
            r.payload,
            per(r.tether_vm),
            per(r.vm),
            overhead + 1.0,
            r.spread * 100.0,
            1.0 + TARGET_OVERHEAD
        );
    }
}
