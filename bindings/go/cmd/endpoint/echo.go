package main

import (
	"fmt"
	"strconv"
	"time"
)

const (
	maxBig     = 1 << 30 // refuse rather than exhaust memory
	maxBlockMs = 60000
)

// handlers is the Echo service; each returns the reply its stream delivers.
var handlers = map[string]func([]byte) reply{
	"echo":  func(v []byte) reply { return value(v) },
	"big":   big,
	"block": block,
}

// decimal reads a handler's input; what it does not take is a terminal failure 400.
func decimal(v []byte, handler string, max uint64) (uint64, reply) {
	n, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil || n > max {
		return 0, terminal{400, fmt.Sprintf("%s takes a decimal from 0 to %d, got %.40q", handler, max, v)}
	}
	return n, nil
}

// big returns N bytes, streamed (see alphabet).
func big(v []byte) reply {
	n, bad := decimal(v, "big", maxBig)
	if bad != nil {
		return bad
	}
	return &alphabet{n: n}
}

// block sleeps on the stream's dispatch goroutine: that stream's Pongs wait.
func block(v []byte) reply {
	ms, bad := decimal(v, "block", maxBlockMs)
	if bad != nil {
		return bad
	}
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return value("ok")
}
