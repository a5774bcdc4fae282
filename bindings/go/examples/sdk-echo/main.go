// Command sdk-echo is the Echo service written on the official Restate Go SDK
// (github.com/restatedev/sdk-go), served with tether in front of it: the one line
// that enables it is marked below. --tether=false serves the stock SDK, for
// comparison.
//
//	sdk-echo [--host 127.0.0.1] [--port 0] [--tether=true] [--max-message-size BYTES]
//
// It prints "listening on http://HOST:PORT", then serves the SDK's routes (GET
// /discover, POST /invoke/Echo/{echo,big,block}) over h2c.
package main

import (
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	restate "github.com/restatedev/sdk-go"
	"github.com/restatedev/sdk-go/encoding"
	"github.com/restatedev/sdk-go/server"

	"tether.dev/tether"
	"tether.dev/tether/tethersdk"
)

const (
	maxBig     = 1 << 30
	maxBlockMs = 60000
)

// anyBytes is the SDK's BinaryCodec taking a request of any content type (curl posts
// form-urlencoded; the other Echo endpoints take any), so the ingress accepts it. The
// SDK advertises a content type only for a codec implementing all of
// encoding.CodecMetadata (ContentType and JsonSchema): without JsonSchema the manifest
// says no content type and not required, which the ingress reads as "no input" and
// answers 400 "Expected body and content-type to be empty".
type anyBytes struct{ encoding.Codec }

func (anyBytes) ContentType() string { return "*/*" }
func (anyBytes) JsonSchema(any) any  { return nil }
func (anyBytes) InputRequired() bool { return false } // an empty body is a valid input

var _ encoding.CodecMetadata = anyBytes{}

var anyInput = restate.WithInputCodec(anyBytes{encoding.BinaryCodec}) // after WithBinary

func decimal(in []byte, handler string, max uint64) (uint64, error) {
	n, err := strconv.ParseUint(string(in), 10, 64)
	if err != nil || n > max {
		return 0, restate.ToTerminalError(fmt.Errorf("%s takes a decimal from 0 to %d, got %.40q", handler, max, in), restate.WithErrorCode(400))
	}
	return n, nil
}

// echoService is Echo: echo returns its input, big N returns N bytes, block T
// sleeps T ms on the handler's goroutine and returns "ok".
func echoService() restate.ServiceDefinition {
	return restate.NewService("Echo").
		Handler("echo", restate.NewServiceHandler(func(ctx restate.Context, in []byte) ([]byte, error) {
			return in, nil
		}, restate.WithBinary, anyInput)).
		Handler("big", restate.NewServiceHandler(func(ctx restate.Context, in []byte) ([]byte, error) {
			n, err := decimal(in, "big", maxBig)
			if err != nil {
				return nil, err
			}
			out := make([]byte, n)
			for i := range out {
				out[i] = byte('a' + i%26)
			}
			return out, nil
		}, restate.WithBinary, anyInput)).
		Handler("block", restate.NewServiceHandler(func(ctx restate.Context, in []byte) ([]byte, error) {
			ms, err := decimal(in, "block", maxBlockMs)
			if err != nil {
				return nil, err
			}
			time.Sleep(time.Duration(ms) * time.Millisecond)
			return []byte("ok"), nil
		}, restate.WithBinary, anyInput))
}

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 9080, "port (0: any free port)")
	withTether := flag.Bool("tether", true, "put tether in front of the SDK")
	maxMessage := flag.Uint64("max-message-size", tether.DefaultMaxMessageSize, "the runtime's message limit, bytes")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))

	handler, err := server.NewRestate().Bind(echoService()).Handler()
	if err != nil {
		log.Fatal(err)
	}
	var h http.Handler = handler
	if *withTether {
		h = tethersdk.Wrap(handler, tethersdk.MaxOutputSize(*maxMessage), tethersdk.MaxMessageSize(*maxMessage)) // <- the one line
	}

	listener, err := net.Listen("tcp", net.JoinHostPort(*host, strconv.Itoa(*port)))
	if err != nil {
		log.Fatal(err)
	}
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // h2c, as the SDK's own Start serves
	srv := &http.Server{Handler: h, Protocols: &protocols, HTTP2: &http.HTTP2Config{MaxConcurrentStreams: 2000}}
	fmt.Printf("listening on http://%s\n", listener.Addr())
	log.Fatal(srv.Serve(listener))
}
