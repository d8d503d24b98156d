package metrics

import (
	"slices"
	"sync"
	"testing"
)

// TestBufferShards: VUs emitting through their shards concurrently with a
// consumer lose nothing, each VU's batches keep their order, and after
// Close every shard drops what it is given.
func TestBufferShards(t *testing.T) {
	const vus, per = 16, 2000
	b := &Buffer{}
	m := &Metric{Name: "m"}
	var wg sync.WaitGroup
	for id := range uint64(vus) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := b.For(id)
			for i := range per {
				out.Emit(Batch{Samples: []Sample{{Metric: m, Value: float64(id*per + uint64(i))}}})
			}
		}()
	}
	b.Emit(Batch{Samples: []Sample{{Metric: m, Value: -1}}})
	last := make(map[uint64]float64)
	got := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var spare []Batch
	consume := func() {
		spare = b.Swap(spare)
		for _, bt := range spare {
			v := bt.Samples[0].Value
			got++
			if v < 0 {
				continue
			}
			id := uint64(v) / per
			if prev, ok := last[id]; ok && v <= prev {
				t.Fatalf("VU %d: batch %v after %v", id, v, prev)
			}
			last[id] = v
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		consume()
	}
	consume()
	if want := vus*per + 1; got != want {
		t.Fatalf("consumed %d batches, want %d", got, want)
	}
	b.Close()
	for id := range uint64(vus) {
		b.For(id).Emit(Batch{})
	}
	b.Emit(Batch{})
	if n := len(b.Swap(nil)); n != 0 {
		t.Errorf("%d batches kept after Close", n)
	}
}

// TestBufferOnFull: the hook runs on the Emit that leaves a shard holding
// n batches (and every later one until a Swap), with that count, and not
// for batches dropped after Close.
func TestBufferOnFull(t *testing.T) {
	b := &Buffer{}
	m := &Metric{Name: "m"}
	var held []int
	b.OnFull(3, func(n int) { held = append(held, n) })
	emit := func(e Emitter) { e.Emit(Batch{Samples: []Sample{{Metric: m, Value: 1}}}) }
	emit(b)
	emit(b)
	if len(held) != 0 {
		t.Fatalf("hook ran below n: %v", held)
	}
	emit(b)
	emit(b)
	if want := []int{3, 4}; !slices.Equal(held, want) {
		t.Fatalf("hook got %v, want %v", held, want)
	}
	if got := len(b.Swap(nil)); got != 4 {
		t.Fatalf("swapped %d batches, want 4", got)
	}
	other := b.For(1) // another shard counts its own batches
	emit(other)
	emit(other)
	emit(b)
	if want := []int{3, 4}; !slices.Equal(held, want) {
		t.Fatalf("hook ran after a Swap emptied the shards: %v", held)
	}
	emit(other)
	if want := []int{3, 4, 3}; !slices.Equal(held, want) {
		t.Fatalf("hook got %v, want %v", held, want)
	}
	b.Close()
	for range 5 {
		emit(b)
	}
	if len(held) != 3 {
		t.Fatalf("hook ran for dropped batches: %v", held)
	}
}
