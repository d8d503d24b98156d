package output_test

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/llmbench/llmbench/internal/metrics"
	"github.com/llmbench/llmbench/internal/output"
)

func TestFlusher(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		f := output.NewFlusher(time.Second, func() { calls.Add(1) })
		time.Sleep(3*time.Second + time.Millisecond)
		synctest.Wait()
		if n := calls.Load(); n != 3 {
			t.Errorf("%d calls after 3 intervals", n)
		}
		f.Stop()
		f.Stop() // a second Stop does nothing
		if n := calls.Load(); n != 4 {
			t.Errorf("%d calls after Stop, want 4 (one final)", n)
		}
	})
}

func TestBatchBuffer(t *testing.T) {
	t.Parallel()
	var b output.BatchBuffer
	b.Add([]metrics.Batch{{Time: time.Unix(1, 0)}, {Time: time.Unix(2, 0)}})
	b.Add([]metrics.Batch{{Time: time.Unix(3, 0)}})
	got := b.Swap(nil)
	if len(got) != 3 || !got[2].Time.Equal(time.Unix(3, 0)) {
		t.Errorf("Swap = %v", got)
	}
	if again := b.Swap(got); len(again) != 0 {
		t.Errorf("second Swap = %v", again)
	}
}
