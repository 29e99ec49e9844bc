package gateway

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/internal/bgw"
)

// ErrNotFound is wrapped by errors for a gateway, hypervisor or virtual
// machine that does not exist (ResourceNotFoundException).
var ErrNotFound = errors.New("not found")

// Hypervisor states.
const (
	StatePending = bgw.StatePending
	StateOnline  = bgw.StateOnline
	StateOffline = bgw.StateOffline
	StateError   = bgw.StateError
)

// NewGateway is a gateway to create: the activation key its appliance (the
// OVF template deployed in vCenter) shows, and a display name.
type NewGateway struct {
	// ActivationKey is 1-50 letters, digits and hyphens; required.
	ActivationKey string
	// Name is the display name: 1-100 letters, digits and hyphens; required.
	Name string
	// Tags are at most 50 tags.
	Tags map[string]string
}

// Validate returns every problem with g (each a *backup.ValidationError).
func (g NewGateway) Validate() error {
	return check(
		field{"ActivationKey", bgw.ActivationKey(g.ActivationKey)},
		field{"Name", bgw.Name(g.Name)},
		field{"Tags", tagsProblem(g.Tags)},
	)
}

// HypervisorConfig is a VMware vCenter or ESXi host to import.
type HypervisorConfig struct {
	// Host is the IP address or FQDN, 3-128 characters; required.
	Host string
	// Name is 1-100 letters, digits and hyphens; required.
	Name string
	// Username and Password are optional credentials (1-100 printable
	// ASCII characters each).
	Username, Password string
	// KMSKeyARN optionally encrypts the credentials (a KMS key or alias ARN).
	KMSKeyARN string
	// Tags are at most 50 tags.
	Tags map[string]string
}

// Validate returns every problem with h.
func (h HypervisorConfig) Validate() error {
	return check(
		field{"Host", bgw.Host(h.Host)},
		field{"Name", bgw.Name(h.Name)},
		field{"Username", bgw.Credential(h.Username, true)},
		field{"Password", bgw.Credential(h.Password, false)},
		field{"KMSKeyARN", bgw.KMSKey(h.KMSKeyARN)},
		field{"Tags", tagsProblem(h.Tags)},
	)
}

// Maintenance is a gateway's maintenance start time, in the gateway's time
// zone: weekly on Weekday, or monthly on DayOfMonth, or daily when neither
// is set.
type Maintenance struct {
	// Hour (0-23) and Minute (0-59) of the start.
	Hour, Minute int
	// Weekday, when set, makes the window weekly.
	Weekday *time.Weekday
	// DayOfMonth (1-28), when not 0, makes the window monthly; AWS counts
	// 28 as the last day of every month.
	DayOfMonth int
}

// Validate returns every problem with m.
func (m Maintenance) Validate() error {
	dow, dom := -1, -1
	if m.Weekday != nil {
		dow = int(*m.Weekday)
	}
	if m.DayOfMonth != 0 {
		dom = m.DayOfMonth
	}
	f, why := bgw.Maintenance(m.Hour, m.Minute, dow, dom)
	fields := []field{{f, why}}
	if f == "" && dom > 28 {
		fields = append(fields, field{"DayOfMonth", fmt.Sprintf("is %d; want 1-28 (AWS counts 28 as the last day of every month)", dom)})
	}
	if dow >= 0 && dom >= 0 {
		fields = append(fields, field{"DayOfMonth", "set Weekday (weekly) or DayOfMonth (monthly), not both"})
	}
	return check(fields...)
}

// Gateway is a backup gateway as GetGateway describes it.
type Gateway struct {
	ARN, Name, Type string
	// HypervisorID is the id of the hypervisor the gateway is associated
	// with, if any.
	HypervisorID string
	LastSeen     time.Time
	Maintenance  *Maintenance
}

// Hypervisor is an imported hypervisor configuration.
type Hypervisor struct {
	ARN, Name, Host, KMSKeyARN string
	// State is PENDING, ONLINE, OFFLINE or ERROR.
	State string
}

// VirtualMachine is a VM the gateway found on a hypervisor.
type VirtualMachine struct {
	ARN, Name, HostName, Path string
	// HypervisorID is the id of the VM's hypervisor.
	HypervisorID string
	LastBackup   time.Time
}

type field struct{ name, reason string }

func check(fs ...field) error {
	var errs []error
	for _, f := range fs {
		if f.reason != "" {
			errs = append(errs, &backup.ValidationError{Field: f.name, Reason: f.reason})
		}
	}
	return errors.Join(errs...)
}

func tagsProblem(tags map[string]string) string {
	if len(tags) > bgw.MaxTags {
		return fmt.Sprintf("has %d tags; want at most %d", len(tags), bgw.MaxTags)
	}
	for k, v := range tags {
		switch {
		case k == "" || len(k) > 128:
			return fmt.Sprintf("key %q must be 1-128 characters", k)
		case len(v) > 256:
			return fmt.Sprintf("value of %q must be at most 256 characters", k)
		}
	}
	return ""
}

type wireTag struct{ Key, Value string }

func wireTags(m map[string]string) []wireTag {
	var out []wireTag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, wireTag{k, m[k]})
	}
	return out
}

func notFound(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFoundException" {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func checkARN(name, arn, kind string) error {
	return check(field{name, bgw.ARN(arn, kind)})
}

// CheckARN checks the shape of a gateway ("gateway"), hypervisor
// ("hypervisor") or virtual machine ("vm") ARN; kind "" accepts any of
// them. A problem is a *backup.ValidationError for field.
func CheckARN(field, arn, kind string) error { return checkARN(field, arn, kind) }

// CreateGateway creates a BACKUP_VM gateway and returns its ARN. The API
// takes no idempotency token: a call that may have reached AWS is not
// retried (only throttled calls are), and Setup reuses a gateway of the
// same name instead of creating a second one.
func (c *Client) CreateGateway(ctx context.Context, g NewGateway) (string, error) {
	if err := g.Validate(); err != nil {
		return "", err
	}
	var out struct{ GatewayArn string }
	in := struct {
		ActivationKey, GatewayDisplayName, GatewayType string
		Tags                                           []wireTag `json:",omitempty"`
	}{g.ActivationKey, g.Name, bgw.GatewayTypeVM, wireTags(g.Tags)}
	if err := c.call(ctx, "CreateGateway", in, &out, true); err != nil {
		return "", err
	}
	return out.GatewayArn, nil
}

// ImportHypervisor connects AWS Backup to a hypervisor by importing its
// configuration (ImportHypervisorConfiguration) and returns its ARN.
func (c *Client) ImportHypervisor(ctx context.Context, h HypervisorConfig) (string, error) {
	if err := h.Validate(); err != nil {
		return "", err
	}
	in := struct {
		Host, Name                    string
		Username, Password, KmsKeyArn string    `json:",omitempty"`
		Tags                          []wireTag `json:",omitempty"`
	}{Host: h.Host, Name: h.Name, Username: h.Username, Password: h.Password, KmsKeyArn: h.KMSKeyARN, Tags: wireTags(h.Tags)}
	var out struct{ HypervisorArn string }
	if err := c.call(ctx, "ImportHypervisorConfiguration", in, &out, true); err != nil {
		return "", err
	}
	return out.HypervisorArn, nil
}

// AssociateHypervisor associates a gateway with a hypervisor
// (AssociateGatewayToServer).
func (c *Client) AssociateHypervisor(ctx context.Context, gatewayARN, hypervisorARN string) error {
	if err := errors.Join(checkARN("GatewayARN", gatewayARN, "gateway"), checkARN("HypervisorARN", hypervisorARN, "hypervisor")); err != nil {
		return err
	}
	in := struct{ GatewayArn, ServerArn string }{gatewayARN, hypervisorARN}
	return notFound(c.call(ctx, "AssociateGatewayToServer", in, nil, false))
}

// PutMaintenanceStartTime sets a gateway's maintenance start time.
func (c *Client) PutMaintenanceStartTime(ctx context.Context, gatewayARN string, m Maintenance) error {
	if err := errors.Join(checkARN("GatewayARN", gatewayARN, "gateway"), m.Validate()); err != nil {
		return err
	}
	in := struct {
		GatewayArn              string
		HourOfDay, MinuteOfHour int
		DayOfWeek, DayOfMonth   *int `json:",omitempty"`
	}{GatewayArn: gatewayARN, HourOfDay: m.Hour, MinuteOfHour: m.Minute}
	if m.Weekday != nil {
		d := int(*m.Weekday)
		in.DayOfWeek = &d
	}
	if m.DayOfMonth != 0 {
		in.DayOfMonth = &m.DayOfMonth
	}
	return notFound(c.call(ctx, "PutMaintenanceStartTime", in, nil, false))
}

type wireMaintenance struct{ DayOfMonth, DayOfWeek, HourOfDay, MinuteOfHour *int }

type wireGateway struct {
	GatewayArn, GatewayDisplayName, GatewayType, HypervisorId string
	LastSeenTime                                              *float64
	MaintenanceStartTime                                      *wireMaintenance
}

func epoch(f *float64) time.Time {
	if f == nil {
		return time.Time{}
	}
	return time.UnixMilli(int64(*f * 1000)).UTC()
}

func (w wireGateway) gateway() Gateway {
	g := Gateway{ARN: w.GatewayArn, Name: w.GatewayDisplayName, Type: w.GatewayType, HypervisorID: w.HypervisorId, LastSeen: epoch(w.LastSeenTime)}
	if m := w.MaintenanceStartTime; m != nil && m.HourOfDay != nil && m.MinuteOfHour != nil {
		g.Maintenance = &Maintenance{Hour: *m.HourOfDay, Minute: *m.MinuteOfHour}
		if m.DayOfWeek != nil {
			d := time.Weekday(*m.DayOfWeek)
			g.Maintenance.Weekday = &d
		}
		if m.DayOfMonth != nil {
			g.Maintenance.DayOfMonth = *m.DayOfMonth
		}
	}
	return g
}

// GetGateway describes a gateway; an error wraps ErrNotFound when it does
// not exist.
func (c *Client) GetGateway(ctx context.Context, gatewayARN string) (*Gateway, error) {
	if err := checkARN("GatewayARN", gatewayARN, "gateway"); err != nil {
		return nil, err
	}
	var out struct{ Gateway wireGateway }
	if err := c.call(ctx, "GetGateway", struct{ GatewayArn string }{gatewayARN}, &out, false); err != nil {
		return nil, notFound(err)
	}
	g := out.Gateway.gateway()
	return &g, nil
}

// Gateways lists the gateways of the Region.
func (c *Client) Gateways(ctx context.Context) ([]Gateway, error) {
	var all []Gateway
	err := c.pages(ctx, "ListGateways", nil, func(data []byte) error {
		var out struct{ Gateways []wireGateway }
		if err := unmarshal(data, &out); err != nil {
			return err
		}
		for _, g := range out.Gateways {
			all = append(all, g.gateway())
		}
		return nil
	})
	return all, err
}

// DeleteGateway deletes a gateway.
func (c *Client) DeleteGateway(ctx context.Context, gatewayARN string) error {
	if err := checkARN("GatewayARN", gatewayARN, "gateway"); err != nil {
		return err
	}
	return notFound(c.call(ctx, "DeleteGateway", struct{ GatewayArn string }{gatewayARN}, nil, false))
}

type wireHypervisor struct{ Host, HypervisorArn, KmsKeyArn, Name, State string }

func (w wireHypervisor) hypervisor() Hypervisor {
	return Hypervisor{ARN: w.HypervisorArn, Name: w.Name, Host: w.Host, KMSKeyARN: w.KmsKeyArn, State: w.State}
}

// GetHypervisor describes a hypervisor; an error wraps ErrNotFound when it
// does not exist.
func (c *Client) GetHypervisor(ctx context.Context, hypervisorARN string) (*Hypervisor, error) {
	if err := checkARN("HypervisorARN", hypervisorARN, "hypervisor"); err != nil {
		return nil, err
	}
	var out struct{ Hypervisor wireHypervisor }
	if err := c.call(ctx, "GetHypervisor", struct{ HypervisorArn string }{hypervisorARN}, &out, false); err != nil {
		return nil, notFound(err)
	}
	h := out.Hypervisor.hypervisor()
	return &h, nil
}

// Hypervisors lists the hypervisors of the Region.
func (c *Client) Hypervisors(ctx context.Context) ([]Hypervisor, error) {
	var all []Hypervisor
	err := c.pages(ctx, "ListHypervisors", nil, func(data []byte) error {
		var out struct{ Hypervisors []wireHypervisor }
		if err := unmarshal(data, &out); err != nil {
			return err
		}
		for _, h := range out.Hypervisors {
			all = append(all, h.hypervisor())
		}
		return nil
	})
	return all, err
}

// DeleteHypervisor deletes a hypervisor configuration.
func (c *Client) DeleteHypervisor(ctx context.Context, hypervisorARN string) error {
	if err := checkARN("HypervisorARN", hypervisorARN, "hypervisor"); err != nil {
		return err
	}
	return notFound(c.call(ctx, "DeleteHypervisor", struct{ HypervisorArn string }{hypervisorARN}, nil, false))
}

type wireVM struct {
	HostName, HypervisorId, Name, Path, ResourceArn string
	LastBackupDate                                  *float64
}

func (w wireVM) vm() VirtualMachine {
	return VirtualMachine{ARN: w.ResourceArn, Name: w.Name, HostName: w.HostName, Path: w.Path, HypervisorID: w.HypervisorId, LastBackup: epoch(w.LastBackupDate)}
}

// VirtualMachines lists the VMs on a hypervisor ("" lists every VM of the
// Region).
func (c *Client) VirtualMachines(ctx context.Context, hypervisorARN string) ([]VirtualMachine, error) {
	var extra map[string]any
	if hypervisorARN != "" {
		if err := checkARN("HypervisorARN", hypervisorARN, "hypervisor"); err != nil {
			return nil, err
		}
		extra = map[string]any{"HypervisorArn": hypervisorARN}
	}
	var all []VirtualMachine
	err := c.pages(ctx, "ListVirtualMachines", extra, func(data []byte) error {
		var out struct{ VirtualMachines []wireVM }
		if err := unmarshal(data, &out); err != nil {
			return err
		}
		for _, v := range out.VirtualMachines {
			all = append(all, v.vm())
		}
		return nil
	})
	return all, notFound(err)
}

// GetVirtualMachine describes a VM; an error wraps ErrNotFound when it does
// not exist.
func (c *Client) GetVirtualMachine(ctx context.Context, vmARN string) (*VirtualMachine, error) {
	if err := checkARN("VirtualMachineARN", vmARN, "vm"); err != nil {
		return nil, err
	}
	var out struct{ VirtualMachine wireVM }
	if err := c.call(ctx, "GetVirtualMachine", struct{ ResourceArn string }{vmARN}, &out, false); err != nil {
		return nil, notFound(err)
	}
	v := out.VirtualMachine.vm()
	return &v, nil
}

// Tags returns the tags of a gateway, hypervisor or VM.
func (c *Client) Tags(ctx context.Context, resourceARN string) (map[string]string, error) {
	if err := checkARN("ResourceARN", resourceARN, ""); err != nil {
		return nil, err
	}
	var out struct{ Tags []wireTag }
	if err := c.call(ctx, "ListTagsForResource", struct{ ResourceArn string }{resourceARN}, &out, false); err != nil {
		return nil, notFound(err)
	}
	m := make(map[string]string, len(out.Tags))
	for _, t := range out.Tags {
		m[t.Key] = t.Value
	}
	return m, nil
}

// Tag adds tags to a gateway, hypervisor or VM.
func (c *Client) Tag(ctx context.Context, resourceARN string, tags map[string]string) error {
	if err := errors.Join(checkARN("ResourceARN", resourceARN, ""), check(field{"Tags", tagsProblem(tags)})); err != nil {
		return err
	}
	in := struct {
		ResourceARN string
		Tags        []wireTag
	}{resourceARN, wireTags(tags)}
	return notFound(c.call(ctx, "TagResource", in, nil, false))
}

// pages calls a List operation until its NextToken runs out.
func (c *Client) pages(ctx context.Context, op string, extra map[string]any, each func([]byte) error) error {
	token := ""
	for range 10000 {
		in := map[string]any{"MaxResults": 100}
		maps.Copy(in, extra)
		if token != "" {
			in["NextToken"] = token
		}
		var raw rawJSON
		if err := c.call(ctx, op, in, &raw, false); err != nil {
			return err
		}
		if err := each(raw); err != nil {
			return fmt.Errorf("backup-gateway %s: %w", op, err)
		}
		var next struct{ NextToken string }
		_ = unmarshal(raw, &next)
		if next.NextToken == "" || next.NextToken == token {
			return nil
		}
		token = next.NextToken
	}
	return fmt.Errorf("backup-gateway %s: more than 10000 pages", op)
}
