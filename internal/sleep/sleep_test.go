package sleep

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFor(t *testing.T) {
	t.Parallel()
	if err := For(t.Context(), 0); err != nil {
		t.Errorf("For(0) = %v; want nil", err)
	}
	if err := For(t.Context(), time.Nanosecond); err != nil {
		t.Errorf("For(1ns) = %v; want nil", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := For(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("For(cancelled, 1h) = %v; want context.Canceled", err)
	}
	if err := For(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("For(cancelled, 0) = %v; want context.Canceled", err)
	}
}
