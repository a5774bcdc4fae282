// Command endpoint is tether's Go reference endpoint: the Echo service over h2c
// (unencrypted HTTP/2 with prior knowledge) on net/http.
//
//	endpoint [--host 127.0.0.1] [--port 0] [--max-message-size BYTES]
//
// It prints "listening on http://HOST:PORT" (the real port for --port 0), then serves
//
//	GET  /discover         the endpoint manifest
//	GET  /stats            counters as JSON (peak_session_outbound, ...)
//	POST /invoke/Echo/echo  returns its input
//	POST /invoke/Echo/big   input: decimal N; output: N bytes, streamed in pieces
//	POST /invoke/Echo/block input: decimal ms; blocks the stream's dispatch goroutine
//
// Every stream gets its own goroutine as dispatch loop; net/http's connection
// goroutines do the HTTP/2 I/O and answer HTTP/2 PINGs apart from it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"tether.dev/tether"
)

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 9080, "port (0: any free port)")
	maxMessage := flag.Uint64("max-message-size", tether.DefaultMaxMessageSize,
		"largest message, in and out, bytes")
	maxStreams := flag.Uint("max-streams", 2000, "concurrent HTTP/2 streams per connection")
	flag.Parse()
	if *port < 0 || *port > 65535 {
		fmt.Fprintln(os.Stderr, "endpoint: --port takes 0..65535")
		os.Exit(2)
	}
	if *maxMessage == 0 || *maxMessage > 1<<32-1 {
		fmt.Fprintln(os.Stderr, "endpoint: --max-message-size takes 1..2^32-1")
		os.Exit(2)
	}
	log.SetPrefix("endpoint: ")
	listener, err := net.Listen("tcp", net.JoinHostPort(*host, fmt.Sprint(*port)))
	if err != nil {
		log.Fatal(err)
	}
	server := newServer(*maxMessage, uint32(*maxStreams))
	fmt.Printf("listening on http://%s\n", listener.Addr())
	log.Fatal(server.Serve(listener))
}

// newServer is an h2c server (HTTP/1.1 too, for curl and health checks) for the Echo service.
func newServer(maxMessage uint64, maxStreams uint32) *http.Server {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	return &http.Server{
		Handler:   &endpoint{maxMessage: maxMessage},
		Protocols: &protocols,
		HTTP2:     &http.HTTP2Config{MaxConcurrentStreams: int(maxStreams)},
		ErrorLog:  log.Default(),
	}
}
