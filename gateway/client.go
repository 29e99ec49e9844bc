package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
)

// targetPrefix is backup-gateway's X-Amz-Target prefix (awsJson 1.0).
const targetPrefix = "BackupOnPremises_v20210101."

// signingName is backup-gateway's SigV4 signing name and endpoint prefix.
const signingName = "backup-gateway"

// Options configure a Client.
type Options struct {
	// Region is the AWS Region the gateway lives in. Default: the
	// aws.Config's Region.
	Region string
	// BaseEndpoint overrides the endpoint (an emulator, a VPC endpoint).
	// Default: the aws.Config's BaseEndpoint, else
	// https://backup-gateway.REGION.amazonaws.com (.amazonaws.com.cn in
	// China).
	BaseEndpoint string
	// Credentials sign the requests. Default: the aws.Config's.
	Credentials aws.CredentialsProvider
	// HTTPClient sends the requests. Default: the aws.Config's, else
	// http.DefaultClient.
	HTTPClient aws.HTTPClient
	// MaxAttempts is how often a throttled or failed (5xx) call is tried.
	// Calls that create something are retried only when throttled, since
	// backup-gateway takes no idempotency token. Default 3.
	MaxAttempts int
	// Backoff is the wait before retry n (1-based). Default: 200ms·2ⁿ⁻¹.
	Backoff func(attempt int) time.Duration
	// Now is the clock for request signing. Default time.Now.
	Now func() time.Time
}

// Client calls the AWS Backup gateway API (backup-gateway). The service has
// no module in aws-sdk-go-v2 that this project can depend on, so Client
// speaks its wire protocol (awsJson 1.0 over SigV4) with the SDK's own
// signer and credentials; it works against AWS with the default credential
// chain and against backuptest.
type Client struct {
	opts   Options
	signer *v4.Signer
}

// NewFromConfig returns a Client using cfg's Region, credentials, HTTP
// client and base endpoint.
func NewFromConfig(cfg aws.Config, optFns ...func(*Options)) *Client {
	o := Options{Region: cfg.Region, Credentials: cfg.Credentials, HTTPClient: cfg.HTTPClient, MaxAttempts: cfg.RetryMaxAttempts}
	if cfg.BaseEndpoint != nil {
		o.BaseEndpoint = *cfg.BaseEndpoint
	}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.Backoff == nil {
		o.Backoff = func(n int) time.Duration { return 200 * time.Millisecond << (n - 1) }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Client{opts: o, signer: v4.NewSigner()}
}

func (c *Client) endpoint() string {
	if c.opts.BaseEndpoint != "" {
		return strings.TrimSuffix(c.opts.BaseEndpoint, "/") + "/"
	}
	domain := "amazonaws.com"
	if strings.HasPrefix(c.opts.Region, "cn-") {
		domain = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://%s.%s.%s/", signingName, c.opts.Region, domain)
}

// call sends one operation and decodes its answer into out (may be nil).
// creates says the call creates something (retried only when throttled).
func (c *Client) call(ctx context.Context, op string, in, out any, creates bool) error {
	if c.opts.Region == "" {
		return &backup.ValidationError{Field: "Region", Reason: "is required (set it in the AWS config or Options.Region)"}
	}
	if c.opts.Credentials == nil {
		return fmt.Errorf("backup-gateway %s: no credentials in the AWS config", op)
	}
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("backup-gateway %s: encode request: %w", op, err)
	}
	for attempt := 1; ; attempt++ {
		err := c.send(ctx, op, body, out)
		if err == nil {
			return nil
		}
		var ae smithy.APIError
		retry := false
		if errors.As(err, &ae) {
			code := ae.ErrorCode()
			retry = code == "ThrottlingException" || !creates && (code == "InternalServerException" || ae.ErrorFault() == smithy.FaultServer)
		}
		if !retry || attempt >= c.opts.MaxAttempts {
			return fmt.Errorf("backup-gateway %s: %w", op, err)
		}
		t := time.NewTimer(c.opts.Backoff(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("backup-gateway %s: %w", op, errors.Join(ctx.Err(), err))
		case <-t.C:
		}
	}
}

func (c *Client) send(ctx context.Context, op string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	creds, err := c.opts.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("retrieve credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), signingName, c.opts.Region, c.opts.Now()); err != nil {
		return fmt.Errorf("sign request: %w", err)
	}
	resp, err := c.opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 10<<20))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return decodeError(resp, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// decodeError reads an awsJson error: {"__type": "...#Code", "message"}.
func decodeError(resp *http.Response, data []byte) error {
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
		Msg     string `json:"Message"`
	}
	_ = json.Unmarshal(data, &e)
	code := e.Type
	if code == "" {
		code = resp.Header.Get("X-Amzn-ErrorType")
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if code == "" {
		code = http.StatusText(resp.StatusCode)
	}
	msg := e.Message
	if msg == "" {
		msg = e.Msg
	}
	fault := smithy.FaultClient
	if resp.StatusCode >= 500 {
		fault = smithy.FaultServer
	}
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: fault}
}

// rawJSON keeps a response body as is.
type rawJSON []byte

func (r *rawJSON) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

func unmarshal(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	return json.Unmarshal(data, v)
}
