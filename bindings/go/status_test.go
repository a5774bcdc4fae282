package tether_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"tether.dev/tether"
)

// The generated constants and sentinels must equal the library's table: run
// `go generate` when this fails.
func TestStatusTableMatchesLibrary(t *testing.T) {
	gen, lib := tether.StatusTable(), tether.LibraryStatusTable()
	if !reflect.DeepEqual(gen, lib) {
		t.Fatalf("status_gen.go drifted from tether_status_table() (run go generate):\ngenerated %v\nlibrary   %v", gen, lib)
	}
	if tether.StatusMessageTooLarge.Name() != "TETHER_MESSAGE_TOO_LARGE" || !tether.StatusWouldBlock.Retryable() ||
		!tether.StatusStreamFailed.Fatal() || tether.StatusMessageTooLarge.Family() != tether.FamilyLimit {
		t.Fatal("status methods disagree with the table")
	}
}

func TestErrorsIsMatchesSentinelsByStatus(t *testing.T) {
	s, err := tether.NewSession(&tether.SessionOptions{MaxMessageSize: 16})
	must(t, err)
	defer s.Close()
	err = s.Send(tether.MsgOutputCommand, make([]byte, 17))
	wantErr(t, err, tether.ErrMessageTooLarge)
	if errors.Is(err, tether.ErrWouldBlock) {
		t.Fatal("a MessageTooLarge error matched ErrWouldBlock")
	}
	var te *tether.Error
	if !errors.As(fmt.Errorf("wrapped: %w", err), &te) || te.Status != tether.StatusMessageTooLarge || te.Retryable() {
		t.Fatalf("errors.As: %#v", te)
	}
	if !strings.HasPrefix(err.Error(), "TETHER_MESSAGE_TOO_LARGE: ") || !strings.Contains(err.Error(), "17") {
		t.Fatalf("message does not name the status and the size: %q", err)
	}
	if !strings.Contains(tether.ErrWouldBlock.Error(), tether.StatusWouldBlock.String()) {
		t.Fatalf("sentinel message %q", tether.ErrWouldBlock.Error())
	}
}
