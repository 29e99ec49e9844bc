package exenv

import (
	"errors"
	"flag"
	"net"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

func TestFlags(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	f := Register(fs)
	if err := fs.Parse([]string{"-aws", "-endpoint", "http://127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Open(t.Context()); !errors.Is(err, ErrBothTargets) {
		t.Errorf("-aws -endpoint: %v; want ErrBothTargets", err)
	}
	off := flag.NewFlagSet("offline", flag.ContinueOnError)
	RegisterOffline(off)
	if err := off.Parse([]string{"-aws", "-endpoint", "x"}); err != nil {
		t.Errorf("offline example refused the shared flags: %v", err)
	}
}

// A running emulator is reached over HTTP only: seeding goes through the
// control API, and a URL with no emulator behind it is a clear error.
func TestOpen(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	env, err := (&Flags{Endpoint: srv.URL}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !env.Emulated() || env.Server != nil || env.URL != srv.URL {
		t.Errorf("-endpoint env = %+v; want emulated, no embedded server", env)
	}
	const vol = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0seeded"
	if err := env.Seed(t.Context(), backuptest.Resource{ARN: vol}); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Resource(vol); !ok {
		t.Errorf("seeded resource not in the emulator's inventory")
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close() // nothing listens there now
	if _, err := (&Flags{Endpoint: url}).Open(t.Context()); err == nil || !strings.Contains(err.Error(), url) || !strings.Contains(err.Error(), "backupkit emulator") {
		t.Errorf("-endpoint with no emulator: %v; want an error naming the URL", err)
	}

	emb, err := (&Flags{}).Open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	if emb.Server == nil || !emb.Emulated() || emb.URL != emb.Server.URL {
		t.Errorf("embedded env = %+v", emb)
	}
	if err := emb.Seed(t.Context(), backuptest.Resource{ARN: vol}); err != nil {
		t.Fatal(err)
	}
	if _, ok := emb.Server.Resource(vol); !ok {
		t.Errorf("embedded emulator was not seeded")
	}
	if err := (&Env{}).Seed(t.Context(), backuptest.Resource{ARN: vol}); err != nil {
		t.Errorf("-aws Seed: %v; want a no-op", err)
	}
}
