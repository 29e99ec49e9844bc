package main

import (
	"net"
	"strings"
	"testing"
	"time"
)

func TestParseFlagDuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"0", 0}, {"90s", 90 * time.Second}, {"36h", 36 * time.Hour}, {"7d", 7 * 24 * time.Hour}, {"2w", 14 * 24 * time.Hour},
		{"1d12h", 36 * time.Hour}, {"1.5h", 90 * time.Minute}, {"300ms", 300 * time.Millisecond}, {"-1h", -time.Hour}, {"1w1d", 8 * 24 * time.Hour},
	} {
		got, err := parseFlagDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseFlagDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "d", "7", "soon", "7days", "1x", "--1h", "99999999999w"} {
		if _, err := parseFlagDuration(bad); err == nil {
			t.Errorf("parseFlagDuration(%q) = nil error; want one", bad)
		}
	}
	for d, want := range map[time.Duration]string{0: "0s", 7 * 24 * time.Hour: "1w", 48 * time.Hour: "2d", 36 * time.Hour: "36h", 90 * time.Minute: "1h30m", 300 * time.Millisecond: "300ms"} {
		if got := formatFlagDuration(d); got != want {
			t.Errorf("formatFlagDuration(%v) = %q; want %q", d, got, want)
		}
	}
}

func FuzzParseFlagDuration(f *testing.F) {
	for _, s := range []string{"7d", "1w2d3h", "1.5h", "-30m", "0", "", "99999999999w", "1e3s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseFlagDuration(s)
		if err != nil {
			if !strings.Contains(err.Error(), "duration") && !strings.Contains(err.Error(), "too long") {
				t.Fatalf("parseFlagDuration(%q) error %q does not say what is wanted", s, err)
			}
			return
		}
		if d2, err := parseFlagDuration(formatFlagDuration(d)); err != nil || d2 != d {
			t.Fatalf("round trip of %q: %v → %q → %v, %v", s, d, formatFlagDuration(d), d2, err)
		}
	})
}

// TestFlagsCheckedBeforeAnyCall runs commands with bad shared flags against
// a listener that would hang any call: each must fail at once, naming the
// flag.
func TestFlagsCheckedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	ln := blackHole(t)
	ep := "http://" + ln
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "--endpoint", ep, "--region", "mars"}, `--region: "mars" is not an AWS Region`},
		{[]string{"coverage", "--endpoint", ep, "--region", "us-east-1x"}, `--region: "us-east-1x" is not an AWS Region`},
		{[]string{"drill", "--aws", "--endpoint", ep, "--vault", "v"}, "--aws and --endpoint cannot be used together"},
		{[]string{"status", "--endpoint", "127.0.0.1:4566"}, `--endpoint "127.0.0.1:4566": want an http:// or https:// URL`},
		{[]string{"status", "--endpoint", ep, "--since", "7"}, `"7" is not a duration`},
		{[]string{"status", "--endpoint", ep, "--timeout", "-1s"}, "--timeout -1s: must not be negative"},
		{[]string{"advise", "--endpoint", ep, "--job-window", "0"}, "--job-window 0s: must be positive"},
	} {
		r := runBin(t, tc.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" || r.took > 10*time.Second {
			t.Errorf("backupkit %s: %s (took %v)\nwant exit 1 at once, stderr with %q, nothing on stdout", strings.Join(tc.args, " "), r, r.took, tc.want)
		}
	}
}

// TestDurationsTakeDays runs status --since 7d (and 2w) against an emulator.
func TestDurationsTakeDays(t *testing.T) {
	t.Parallel()
	srv := cliServer(t, 0)
	for _, since := range []string{"7d", "2w", "1d12h"} {
		if r := runBin(t, "status", "--endpoint", srv.URL, "--since", since); r.code != 0 {
			t.Errorf("status --since %s: %s", since, r)
		}
	}
}

// blackHole listens on a loopback port, accepts connections and never
// answers; it returns the address.
func blackHole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			select {
			case <-done:
				_ = c.Close()
				return
			default:
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { close(done); _ = ln.Close() })
	return ln.Addr().String()
}

func TestTimeoutAgainstSilentServer(t *testing.T) {
	t.Parallel()
	ep := "http://" + blackHole(t)
	// --timeout bounds the whole command.
	r := runBin(t, "status", "--endpoint", ep, "--timeout", "1s")
	if r.code != 1 || !strings.Contains(r.stderr, "timed out after 1s (--timeout)") || r.took > 15*time.Second {
		t.Errorf("status --timeout 1s against a silent server: %s (took %v)\nwant exit 1 within seconds, saying it timed out", r, r.took)
	}
}

func TestHTTPClientHasResponseLimits(t *testing.T) {
	t.Parallel()
	c := newHTTPClient()
	tr := c.GetTransport()
	if tr.ResponseHeaderTimeout != responseHeaderTimeout || tr.TLSHandshakeTimeout != tlsHandshakeTimeout || responseHeaderTimeout <= 0 {
		t.Errorf("transport ResponseHeaderTimeout %v, TLSHandshakeTimeout %v; want %v, %v", tr.ResponseHeaderTimeout, tr.TLSHandshakeTimeout, responseHeaderTimeout, tlsHandshakeTimeout)
	}
	if d := c.GetDialer(); d.Timeout != dialTimeout {
		t.Errorf("dialer Timeout %v; want %v", d.Timeout, dialTimeout)
	}
}

// TestResponseLimitWithoutTimeoutFlag: without --timeout, the HTTP client's
// response limit alone ends a command against a server that never answers.
// Not parallel: it shortens the package's limit for its run.
func TestResponseLimitWithoutTimeoutFlag(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	old := responseHeaderTimeout
	responseHeaderTimeout = 200 * time.Millisecond
	t.Cleanup(func() { responseHeaderTimeout = old })
	ep := "http://" + blackHole(t)
	start := time.Now()
	code, _, errOut := runCLI(t, "status", "--endpoint", ep)
	if took := time.Since(start); code != 1 || !strings.Contains(errOut, "timeout awaiting response headers") || took > 20*time.Second {
		t.Errorf("status against a silent server: exit %d after %v, stderr %q; want exit 1 within seconds naming the response timeout", code, took, errOut)
	}
}
