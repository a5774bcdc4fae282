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

// badInput is a handler input it does not take: a terminal failure 400.
type badInput struct{ msg string }

func (e badInput) Error() string { return e.msg }

// handlers is the Echo service.
var handlers = map[string]func([]byte) ([]byte, error){
	"echo":  func(v []byte) ([]byte, error) { return v, nil },
	"big":   big,
	"block": block,
}

func decimal(v []byte, handler string, max uint64) (uint64, error) {
	n, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil || n > max {
		return 0, badInput{fmt.Sprintf("%s takes a decimal from 0 to %d, got %.40q", handler, max, v)}
	}
	return n, nil
}

// big returns N bytes.
func big(v []byte) ([]byte, error) {
	n, err := decimal(v, "big", maxBig)
	if err != nil {
		return nil, err
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = byte('a' + i%26)
	}
	return out, nil
}

// block sleeps on the stream's dispatch goroutine: that stream's Pongs wait.
func block(v []byte) ([]byte, error) {
	ms, err := decimal(v, "block", maxBlockMs)
	if err != nil {
		return nil, err
	}
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return []byte("ok"), nil
}
