package gateway_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/gateway"
)

func newClient(t *testing.T) (*backuptest.Server, *gateway.Client) {
	t.Helper()
	srv := backuptest.NewServer(t)
	return srv, gateway.NewFromConfig(srv.Config(), func(o *gateway.Options) { o.Backoff = func(int) time.Duration { return time.Millisecond } })
}

func putVMs(t *testing.T, srv *backuptest.Server, host string, names ...string) []string {
	t.Helper()
	var arns []string
	for _, n := range names {
		a := "arn:aws:backup-gateway:us-east-1:123456789012:vm/vm-" + strings.ToUpper(n) + "0123456789"
		if err := srv.PutResource(backuptest.Resource{ARN: a, Name: n, Attributes: map[string]string{backuptest.VMHostAttribute: host}}); err != nil {
			t.Fatal(err)
		}
		arns = append(arns, a)
	}
	return arns
}

func gatewayCalls(srv *backuptest.Server) []string {
	var out []string
	for _, c := range srv.Calls() {
		if c.Service == "backup-gateway" {
			out = append(out, c.Operation)
		}
	}
	return out
}

var setup = gateway.Setup{
	Gateway:     gateway.NewGateway{ActivationKey: "ABCDE-12345-FGHIJ-67890-KLMNO", Name: "vmware-gw-1"},
	Hypervisor:  gateway.HypervisorConfig{Host: "vcenter.example.com", Name: "vcenter-1", Username: "backup@vsphere.local", Password: "s3cret!"},
	Maintenance: &gateway.Maintenance{Hour: 3, Minute: 30, Weekday: ptr(time.Sunday)},
}

func ptr[T any](v T) *T { return &v }

// Roadmap task VI end to end on the emulator: the gateway, the hypervisor,
// the association and the window exist afterwards, the VMs on that host are
// listed, and a second Setup reuses everything (no duplicate gateway).
func TestSetupEndToEnd(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()
	vms := putVMs(t, srv, "vcenter.example.com", "web", "db")
	putVMs(t, srv, "other-host.example.com", "elsewhere")

	res, err := c.Setup(ctx, setup)
	if err != nil {
		t.Fatal(err)
	}
	if !res.CreatedGateway || !res.CreatedHypervisor {
		t.Errorf("first setup should create both: %+v", res)
	}
	if len(res.VirtualMachines) != 2 || res.VirtualMachines[0].ARN != vms[1] && res.VirtualMachines[0].ARN != vms[0] {
		t.Fatalf("VMs = %+v, want the two on vcenter.example.com", res.VirtualMachines)
	}
	g, err := c.GetGateway(ctx, res.GatewayARN)
	if err != nil {
		t.Fatal(err)
	}
	hv, err := c.GetHypervisor(ctx, res.HypervisorARN)
	if err != nil {
		t.Fatal(err)
	}
	if g.Name != "vmware-gw-1" || g.Type != "BACKUP_VM" || !strings.HasSuffix(res.HypervisorARN, "/"+g.HypervisorID) {
		t.Errorf("gateway = %+v", g)
	}
	if g.Maintenance == nil || g.Maintenance.Hour != 3 || g.Maintenance.Minute != 30 || g.Maintenance.Weekday == nil || *g.Maintenance.Weekday != time.Sunday {
		t.Errorf("maintenance = %+v", g.Maintenance)
	}
	if hv.State != gateway.StateOnline || hv.Host != "vcenter.example.com" {
		t.Errorf("hypervisor = %+v", hv)
	}
	vm, err := c.GetVirtualMachine(ctx, vms[0])
	if err != nil || vm.HypervisorID != g.HypervisorID {
		t.Errorf("GetVirtualMachine = %+v, %v", vm, err)
	}

	again, err := c.Setup(ctx, setup)
	if err != nil {
		t.Fatal(err)
	}
	if again.CreatedGateway || again.CreatedHypervisor || again.GatewayARN != res.GatewayARN || again.HypervisorARN != res.HypervisorARN {
		t.Errorf("second setup = %+v; want the same gateway and hypervisor reused", again)
	}
	if gws, _ := c.Gateways(ctx); len(gws) != 1 {
		t.Errorf("gateways after two setups: %d, want 1", len(gws))
	}
}

// Every field is checked before any call (API_BGW_CreateGateway,
// API_BGW_ImportHypervisorConfiguration, API_BGW_PutMaintenanceStartTime).
func TestSetupValidatesFirst(t *testing.T) {
	srv, c := newClient(t)
	bad := gateway.Setup{
		Gateway:     gateway.NewGateway{ActivationKey: "bad key!", Name: "my gateway"},
		Hypervisor:  gateway.HypervisorConfig{Host: "h", Name: "", KMSKeyARN: "alias/short"},
		Maintenance: &gateway.Maintenance{Hour: 24, Minute: 0},
	}
	_, err := c.Setup(context.Background(), bad)
	fields := map[string]bool{}
	for _, ve := range backup.ValidationErrors(err) {
		fields[ve.Field] = true
	}
	for _, f := range []string{"Gateway.ActivationKey", "Gateway.Name", "Hypervisor.Host", "Hypervisor.Name", "Hypervisor.KMSKeyARN", "Maintenance.HourOfDay"} {
		if !fields[f] {
			t.Errorf("no problem reported for %s; got %v", f, err)
		}
	}
	if calls := gatewayCalls(srv); len(calls) != 0 {
		t.Errorf("calls made with bad input: %v", calls)
	}
	m := gateway.Maintenance{Hour: 1, Minute: 0, Weekday: ptr(time.Monday), DayOfMonth: 30}
	if err := m.Validate(); len(backup.ValidationErrors(err)) != 2 {
		t.Errorf("weekday and day 30: %v, want two problems (day > 28, both set)", err)
	}
}

// A failure after the gateway was created removes the gateway and the
// hypervisor this call created, and nothing else.
func TestSetupCleansUpOnFailure(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()
	// An existing hypervisor on another host must survive.
	keep, err := c.ImportHypervisor(ctx, gateway.HypervisorConfig{Host: "keep.example.com", Name: "keep"})
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(backuptest.Fault{Service: "backup-gateway", Operation: "PutMaintenanceStartTime", ErrorCode: "ConflictException", HTTPStatus: 400, Message: "gateway busy"})
	_, err = c.Setup(ctx, setup)
	if err == nil || !strings.Contains(err.Error(), "gateway busy") {
		t.Fatalf("Setup = %v, want the injected failure", err)
	}
	if gws, _ := c.Gateways(ctx); len(gws) != 0 {
		t.Errorf("gateways left: %+v", gws)
	}
	hvs, _ := c.Hypervisors(ctx)
	if len(hvs) != 1 || hvs[0].ARN != keep {
		t.Errorf("hypervisors after cleanup = %+v, want only %s", hvs, keep)
	}
}

func TestNotFoundAndRetries(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()
	_, err := c.GetGateway(ctx, "arn:aws:backup-gateway:us-east-1:123456789012:gateway/bgw-00000000000000000000")
	if !errors.Is(err, gateway.ErrNotFound) {
		t.Errorf("GetGateway of a missing gateway = %v, want ErrNotFound", err)
	}
	srv.InjectFault(backuptest.Fault{Service: "backup-gateway", Operation: "ListGateways", ErrorCode: "ThrottlingException", HTTPStatus: 400, Count: 2})
	if _, err := c.Gateways(ctx); err != nil {
		t.Errorf("two throttles then success: %v", err)
	}
	// A create is not retried after a server error: it may have happened.
	srv.InjectFault(backuptest.Fault{Service: "backup-gateway", Operation: "CreateGateway", ErrorCode: "InternalServerException", HTTPStatus: 500, Count: 1})
	if _, err := c.CreateGateway(ctx, setup.Gateway); err == nil {
		t.Error("CreateGateway after a 500 should fail, not retry")
	}
	n := 0
	for _, op := range gatewayCalls(srv) {
		if op == "CreateGateway" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("CreateGateway calls = %d, want 1", n)
	}
}

// The client signs with SigV4 for backup-gateway and sends awsJson 1.0, as
// AWS expects; without an endpoint it uses the Regional one.
func TestWireShape(t *testing.T) {
	var seen atomic.Value
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Clone())
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{"Gateways":[]}`))
	}))
	defer ts.Close()
	cfg := aws.Config{Region: "eu-west-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "SECRET"}, nil
	}), BaseEndpoint: aws.String(ts.URL)}
	if _, err := gateway.NewFromConfig(cfg).Gateways(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := seen.Load().(http.Header)
	if h.Get("X-Amz-Target") != "BackupOnPremises_v20210101.ListGateways" || h.Get("Content-Type") != "application/x-amz-json-1.0" {
		t.Errorf("headers = %v", h)
	}
	if auth := h.Get("Authorization"); !strings.Contains(auth, "/eu-west-1/backup-gateway/aws4_request") {
		t.Errorf("Authorization = %q, want a backup-gateway SigV4 scope", auth)
	}
}
