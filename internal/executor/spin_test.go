package executor

import (
	"context"
	"testing"
	"time"
)

// TestSpinUntil: spinning never returns before the instant, and gives up
// when the context ends (real clock: spinning cannot run in virtual time).
func TestSpinUntil(t *testing.T) {
	t.Parallel()
	when := time.Now().Add(3 * time.Millisecond)
	if !spinUntil(context.Background(), context.Background(), when) {
		t.Fatal("spinUntil gave up without a cancelled context")
	}
	if early := time.Until(when); early > 0 {
		t.Errorf("returned %v early", early)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if spinUntil(ctx, context.Background(), time.Now().Add(time.Hour)) {
		t.Error("spinUntil waited out a cancelled context")
	}
}
