package backuptest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
)

// Server is an Emulator served over HTTP on a loopback address.
type Server struct {
	*Emulator
	// URL is the base URL of the server, e.g. "http://127.0.0.1:39051".
	URL string

	close func() error
}

// NewServer starts an emulator on 127.0.0.1 for a test and stops it when
// the test ends. Each call has its own state, so parallel tests never share
// anything.
func NewServer(tb testing.TB, optFns ...func(*Options)) *Server {
	tb.Helper()
	e := New(optFns...)
	ts := httptest.NewServer(e)
	s := &Server{Emulator: e, URL: ts.URL, close: func() error { ts.Close(); return nil }}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// Start serves a new emulator on addr (e.g. "127.0.0.1:4566", or
// "127.0.0.1:0" for any free port) until Close. Use it outside tests.
func Start(addr string, optFns ...func(*Options)) (*Server, error) {
	return Serve(addr, New(optFns...))
}

// Serve serves an existing emulator on addr until Close.
func Serve(addr string, e *Emulator) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("backuptest: listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	// Connections that have not sent a request yet (a client's spare
	// dial) would hold Shutdown for 5 s (net/http treats them as busy
	// until then); Close closes them at once, as nothing is lost.
	var (
		mu    sync.Mutex
		fresh = map[net.Conn]struct{}{}
	)
	hs.ConnState = func(c net.Conn, st http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		if st == http.StateNew {
			fresh[c] = struct{}{}
		} else {
			delete(fresh, c)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.opts.Logger.Error("backuptest: serve", "error", err)
		}
	}()
	s := &Server{Emulator: e, URL: "http://" + ln.Addr().String()}
	s.close = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.SetKeepAlivesEnabled(false)
		mu.Lock()
		for c := range fresh {
			_ = c.Close()
		}
		mu.Unlock()
		err := hs.Shutdown(ctx)
		<-done
		return err
	}
	return s, nil
}

// Close stops the server. It is safe to call more than once.
func (s *Server) Close() error {
	if s.close == nil {
		return nil
	}
	c := s.close
	s.close = nil
	return c()
}

// Config returns an aws.Config for the emulator's default account and
// Region: static credentials, the server as BaseEndpoint, and the SDK's
// standard retryer. optFns adjust the copy returned.
func (s *Server) Config(optFns ...func(*aws.Config)) aws.Config {
	return s.ConfigFor(s.opts.AccountID, s.opts.Region, optFns...)
}

// ConfigFor returns an aws.Config for another account and Region. The
// account travels in the access key id, which the emulator reads back;
// the Region travels in the SigV4 credential scope, as with AWS.
func (s *Server) ConfigFor(accountID, region string, optFns ...func(*aws.Config)) aws.Config {
	cfg := aws.Config{
		Region:       region,
		Credentials:  staticCredentials(accountID),
		BaseEndpoint: aws.String(s.URL),
	}
	for _, fn := range optFns {
		fn(&cfg)
	}
	return cfg
}

// Client returns an AWS Backup client for the default account and Region.
func (s *Server) Client(optFns ...func(*awsbackup.Options)) *awsbackup.Client {
	return awsbackup.NewFromConfig(s.Config(), optFns...)
}

// ClientFor returns an AWS Backup client for another account and Region.
func (s *Server) ClientFor(accountID, region string, optFns ...func(*awsbackup.Options)) *awsbackup.Client {
	return awsbackup.NewFromConfig(s.ConfigFor(accountID, region), optFns...)
}

// staticCredentials are test credentials whose access key id carries the
// account, which the emulator reads back.
func staticCredentials(accountID string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider("AKIDBACKUPKIT"+accountID, "backupkit-emulator-secret", "")
}
