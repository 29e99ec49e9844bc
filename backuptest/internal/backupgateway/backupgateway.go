// Package backupgateway answers the AWS Backup gateway API (backup-gateway,
// awsJson 1.0, X-Amz-Target BackupOnPremises_v20210101.<Operation>) that
// backupkit's gateway package and a VMware drill need: CreateGateway,
// GetGateway, ListGateways, DeleteGateway, PutMaintenanceStartTime,
// AssociateGatewayToServer, GetHypervisor,
// ImportHypervisorConfiguration, ListHypervisors, DeleteHypervisor,
// ListVirtualMachines, GetVirtualMachine, TagResource, UntagResource and
// ListTagsForResource. Requests are checked with internal/bgw, the rules
// the gateway package applies too.
//
// Gateways and hypervisors live in this package's Store. Virtual machines
// are inventory resources of type VirtualMachine
// (arn:aws:backup-gateway:REGION:ACCOUNT:vm/ID); a VM belongs to the
// hypervisor of its account and Region whose Host equals its
// "hypervisorHost" attribute, as if the gateway had discovered it there.
//
// Known differences from AWS: an activation key is accepted without a
// gateway appliance behind it, and the gateway reports itself seen now;
// an imported hypervisor is ONLINE at once (no connection test), unless a
// test sets its state with Store.SetHypervisorState; passwords are kept
// but never returned.
package backupgateway

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/awsjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
	"github.com/backupkit/backupkit/internal/bgw"
)

// TargetPrefix is backup-gateway's X-Amz-Target prefix.
const TargetPrefix = "BackupOnPremises_v20210101."

// VMType is the inventory type of a virtual machine.
const VMType = "VirtualMachine"

// HostAttribute is the inventory attribute naming a VM's hypervisor host.
const HostAttribute = "hypervisorHost"

// Gateway is one backup gateway.
type Gateway struct {
	ARN, Account, Region string
	DisplayName          string
	Type                 string
	HypervisorARN        string
	Maintenance          *Maintenance
	Tags                 map[string]string
	Created              time.Time
}

// Maintenance is a gateway's maintenance start time; DayOfWeek and
// DayOfMonth are -1 when unset.
type Maintenance struct{ Hour, Minute, DayOfWeek, DayOfMonth int }

// Hypervisor is one imported hypervisor configuration.
type Hypervisor struct {
	ARN, Account, Region string
	Name, Host           string
	Username             string
	Password             string `json:"-"`
	KMSKeyARN            string
	State                string
	Tags                 map[string]string
	Created              time.Time
}

// Store holds the gateways and hypervisors. Handlers run under the
// emulator's lock; Store's own mutex guards calls from tests.
type Store struct {
	mu          sync.Mutex
	gateways    map[string]*Gateway
	hypervisors map[string]*Hypervisor
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{gateways: map[string]*Gateway{}, hypervisors: map[string]*Hypervisor{}}
}

// Snapshot is the store's saved form.
type Snapshot struct {
	Gateways    []*Gateway    `json:"gateways,omitempty"`
	Hypervisors []*Hypervisor `json:"hypervisors,omitempty"`
}

// Snapshot returns a copy of the store's contents for saving.
func (s *Store) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out Snapshot
	for _, a := range slices.Sorted(mapsKeys(s.gateways)) {
		g := *s.gateways[a]
		out.Gateways = append(out.Gateways, &g)
	}
	for _, a := range slices.Sorted(mapsKeys(s.hypervisors)) {
		h := *s.hypervisors[a]
		out.Hypervisors = append(out.Hypervisors, &h)
	}
	return out
}

// Restore replaces the store's contents with a snapshot.
func (s *Store) Restore(snap Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gateways, s.hypervisors = map[string]*Gateway{}, map[string]*Hypervisor{}
	for _, g := range snap.Gateways {
		if g != nil && g.ARN != "" {
			s.gateways[g.ARN] = g
		}
	}
	for _, h := range snap.Hypervisors {
		if h != nil && h.ARN != "" {
			s.hypervisors[h.ARN] = h
		}
	}
}

// Reset forgets everything.
func (s *Store) Reset() { s.Restore(Snapshot{}) }

// SetHypervisorState sets a hypervisor's state (PENDING, ONLINE, OFFLINE
// or ERROR) and reports whether the hypervisor exists.
func (s *Store) SetHypervisorState(hypervisorARN, state string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.hypervisors[hypervisorARN]
	if ok {
		h.State = state
	}
	return ok
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// New returns the backup-gateway service over store.
func New(store *Store) *serve.Service {
	svc := serve.NewService("backup-gateway", awsjson.New("1.0", TargetPrefix))
	svc.TargetPrefix = TargetPrefix
	h := &handlers{s: store}
	svc.Register("CreateGateway", serve.Handle(h.createGateway))
	svc.Register("GetGateway", serve.Handle(h.getGateway))
	svc.Register("ListGateways", serve.Handle(h.listGateways))
	svc.Register("DeleteGateway", serve.Handle(h.deleteGateway))
	svc.Register("PutMaintenanceStartTime", serve.Handle(h.putMaintenanceStartTime))
	svc.Register("AssociateGatewayToServer", serve.Handle(h.associate))
	svc.Register("ImportHypervisorConfiguration", serve.Handle(h.importHypervisor))
	svc.Register("GetHypervisor", serve.Handle(h.getHypervisor))
	svc.Register("ListHypervisors", serve.Handle(h.listHypervisors))
	svc.Register("DeleteHypervisor", serve.Handle(h.deleteHypervisor))
	svc.Register("ListVirtualMachines", serve.Handle(h.listVirtualMachines))
	svc.Register("GetVirtualMachine", serve.Handle(h.getVirtualMachine))
	svc.Register("TagResource", serve.Handle(h.tagResource))
	svc.Register("UntagResource", serve.Handle(h.untagResource))
	svc.Register("ListTagsForResource", serve.Handle(h.listTags))
	return svc
}

type handlers struct{ s *Store }

// Tag is a backup-gateway tag.
type Tag struct{ Key, Value *string }

func validation(field, reason string) error {
	return &serve.Error{Code: "ValidationException", Message: field + " " + reason, Status: http.StatusBadRequest,
		Fields: map[string]string{"ErrorCode": "ValidationException"}}
}

func notFound(format string, args ...any) error {
	return &serve.Error{Code: "ResourceNotFoundException", Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest,
		Fields: map[string]string{"ErrorCode": "ResourceNotFoundException"}}
}

func conflict(format string, args ...any) error {
	return &serve.Error{Code: "ConflictException", Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest,
		Fields: map[string]string{"ErrorCode": "ConflictException"}}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func newID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + strings.ToUpper(hex.EncodeToString(b[:]))
}

func checkTags(tags []Tag) (map[string]string, error) {
	if len(tags) > bgw.MaxTags {
		return nil, validation("Tags", fmt.Sprintf("has %d tags; want at most %d", len(tags), bgw.MaxTags))
	}
	m := map[string]string{}
	for i, t := range tags {
		k := str(t.Key)
		if k == "" || len(k) > 128 {
			return nil, validation(fmt.Sprintf("Tags[%d].Key", i), "must be 1-128 characters")
		}
		if len(str(t.Value)) > 256 {
			return nil, validation(fmt.Sprintf("Tags[%d].Value", i), "must be at most 256 characters")
		}
		m[k] = str(t.Value)
	}
	return m, nil
}

func inScope(r *serve.Request, a string) bool {
	p, err := arn.Parse(a)
	return err == nil && p.AccountID == r.Account && p.Region == r.Region
}

// CreateGatewayInput is CreateGateway's request.
type CreateGatewayInput struct {
	ActivationKey, GatewayDisplayName, GatewayType *string
	Tags                                           []Tag
}

// CreateGatewayOutput is CreateGateway's answer.
type CreateGatewayOutput struct{ GatewayArn *string }

func (h *handlers) createGateway(r *serve.Request, in *CreateGatewayInput) (*CreateGatewayOutput, error) {
	if why := bgw.ActivationKey(str(in.ActivationKey)); why != "" {
		return nil, validation("ActivationKey", why)
	}
	if why := bgw.Name(str(in.GatewayDisplayName)); why != "" {
		return nil, validation("GatewayDisplayName", why)
	}
	if why := bgw.GatewayType(str(in.GatewayType)); why != "" {
		return nil, validation("GatewayType", why)
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	g := &Gateway{ARN: r.ARN("backup-gateway", "gateway/"+newID("bgw-")), Account: r.Account, Region: r.Region,
		DisplayName: str(in.GatewayDisplayName), Type: bgw.GatewayTypeVM, Tags: tags, Created: r.Now}
	h.s.mu.Lock()
	h.s.gateways[g.ARN] = g
	h.s.mu.Unlock()
	return &CreateGatewayOutput{GatewayArn: &g.ARN}, nil
}

func (h *handlers) gateway(r *serve.Request, a *string) (*Gateway, error) {
	if why := bgw.ARN(str(a), "gateway"); why != "" {
		return nil, validation("GatewayArn", why)
	}
	g, ok := h.s.gateways[str(a)]
	if !ok || !inScope(r, g.ARN) {
		return nil, notFound("gateway %s does not exist", str(a))
	}
	return g, nil
}

// GatewayArnInput is the request of the operations that name a gateway.
type GatewayArnInput struct{ GatewayArn *string }

// GatewayArnOutput is the answer of the operations that name a gateway.
type GatewayArnOutput struct{ GatewayArn *string }

// MaintenanceStartTime is a gateway's maintenance start time.
type MaintenanceStartTime struct{ DayOfMonth, DayOfWeek, HourOfDay, MinuteOfHour *int32 }

// GatewayDetails is GetGateway's gateway.
type GatewayDetails struct {
	GatewayArn, GatewayDisplayName, GatewayType, HypervisorId *string
	LastSeenTime                                              *time.Time
	MaintenanceStartTime                                      *MaintenanceStartTime
}

// GetGatewayOutput is GetGateway's answer.
type GetGatewayOutput struct{ Gateway *GatewayDetails }

func (h *handlers) getGateway(r *serve.Request, in *GatewayArnInput) (*GetGatewayOutput, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	g, err := h.gateway(r, in.GatewayArn)
	if err != nil {
		return nil, err
	}
	d := &GatewayDetails{GatewayArn: ptr(g.ARN), GatewayDisplayName: ptr(g.DisplayName), GatewayType: ptr(g.Type), LastSeenTime: ptr(r.Now)}
	if g.HypervisorARN != "" {
		d.HypervisorId = ptr(idOf(g.HypervisorARN))
	}
	if m := g.Maintenance; m != nil {
		d.MaintenanceStartTime = &MaintenanceStartTime{HourOfDay: ptr(int32(m.Hour)), MinuteOfHour: ptr(int32(m.Minute))}
		if m.DayOfWeek >= 0 {
			d.MaintenanceStartTime.DayOfWeek = ptr(int32(m.DayOfWeek))
		}
		if m.DayOfMonth >= 0 {
			d.MaintenanceStartTime.DayOfMonth = ptr(int32(m.DayOfMonth))
		}
	}
	return &GetGatewayOutput{Gateway: d}, nil
}

func idOf(a string) string { return a[strings.LastIndexByte(a, '/')+1:] }

// ListInput is the request of the List operations.
type ListInput struct {
	MaxResults    *int32
	NextToken     *string
	HypervisorArn *string
}

// GatewaySummary is one ListGateways entry.
type GatewaySummary struct {
	GatewayArn, GatewayDisplayName, GatewayType, HypervisorId *string
	LastSeenTime                                              *time.Time
}

// ListGatewaysOutput is ListGateways' answer.
type ListGatewaysOutput struct {
	Gateways  []GatewaySummary
	NextToken *string
}

func pageSize(n *int32) (int, error) {
	if n == nil {
		return 100, nil
	}
	if *n < 1 {
		return 0, validation("MaxResults", fmt.Sprintf("is %d; want at least 1", *n))
	}
	return int(*n), nil
}

// page returns the page of items, in ARN order, that the token and limit
// (pageSize) ask for, and the next page's token (nil on the last page).
func page[T any](items []T, arnOf func(T) string, token *string, limit int) ([]T, *string, error) {
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(arnOf(a), arnOf(b)) })
	p, next, err := serve.Page(items, arnOf, str(token), limit, "ValidationException")
	if err != nil || next == "" {
		return p, nil, err
	}
	return p, &next, nil
}

// inPlace returns the values of m in the caller's account and Region.
func inPlace[T any](r *serve.Request, m map[string]T, where func(T) (account, region string)) []T {
	var out []T
	for _, v := range m {
		if a, reg := where(v); a == r.Account && reg == r.Region {
			out = append(out, v)
		}
	}
	return out
}

func (h *handlers) listGateways(r *serve.Request, in *ListInput) (*ListGatewaysOutput, error) {
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	h.s.mu.Lock()
	all := inPlace(r, h.s.gateways, func(g *Gateway) (string, string) { return g.Account, g.Region })
	h.s.mu.Unlock()
	gateways, next, err := page(all, func(g *Gateway) string { return g.ARN }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	out := &ListGatewaysOutput{NextToken: next}
	for _, g := range gateways {
		s := GatewaySummary{GatewayArn: ptr(g.ARN), GatewayDisplayName: ptr(g.DisplayName), GatewayType: ptr(g.Type), LastSeenTime: ptr(r.Now)}
		if g.HypervisorARN != "" {
			s.HypervisorId = ptr(idOf(g.HypervisorARN))
		}
		out.Gateways = append(out.Gateways, s)
	}
	return out, nil
}

func (h *handlers) deleteGateway(r *serve.Request, in *GatewayArnInput) (*GatewayArnOutput, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	g, err := h.gateway(r, in.GatewayArn)
	if err != nil {
		return nil, err
	}
	delete(h.s.gateways, g.ARN)
	return &GatewayArnOutput{GatewayArn: ptr(g.ARN)}, nil
}

// PutMaintenanceStartTimeInput is PutMaintenanceStartTime's request.
type PutMaintenanceStartTimeInput struct {
	GatewayArn                                     *string
	DayOfMonth, DayOfWeek, HourOfDay, MinuteOfHour *int32
}

func (h *handlers) putMaintenanceStartTime(r *serve.Request, in *PutMaintenanceStartTimeInput) (*GatewayArnOutput, error) {
	if in.HourOfDay == nil {
		return nil, validation("HourOfDay", "is required")
	}
	if in.MinuteOfHour == nil {
		return nil, validation("MinuteOfHour", "is required")
	}
	m := &Maintenance{Hour: int(*in.HourOfDay), Minute: int(*in.MinuteOfHour), DayOfWeek: -1, DayOfMonth: -1}
	if in.DayOfWeek != nil {
		m.DayOfWeek = int(*in.DayOfWeek)
	}
	if in.DayOfMonth != nil {
		m.DayOfMonth = int(*in.DayOfMonth)
	}
	if field, why := bgw.Maintenance(m.Hour, m.Minute, m.DayOfWeek, m.DayOfMonth); field != "" {
		return nil, validation(field, why)
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	g, err := h.gateway(r, in.GatewayArn)
	if err != nil {
		return nil, err
	}
	g.Maintenance = m
	return &GatewayArnOutput{GatewayArn: ptr(g.ARN)}, nil
}

// AssociateGatewayToServerInput is AssociateGatewayToServer's request.
type AssociateGatewayToServerInput struct{ GatewayArn, ServerArn *string }

func (h *handlers) associate(r *serve.Request, in *AssociateGatewayToServerInput) (*GatewayArnOutput, error) {
	if why := bgw.ARN(str(in.ServerArn), "hypervisor"); why != "" {
		return nil, validation("ServerArn", why)
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	g, err := h.gateway(r, in.GatewayArn)
	if err != nil {
		return nil, err
	}
	hv, ok := h.s.hypervisors[str(in.ServerArn)]
	if !ok || !inScope(r, hv.ARN) {
		return nil, conflict("hypervisor %s does not exist", str(in.ServerArn))
	}
	if g.HypervisorARN != "" && g.HypervisorARN != hv.ARN {
		return nil, conflict("gateway %s is already associated with %s", g.ARN, g.HypervisorARN)
	}
	g.HypervisorARN = hv.ARN
	return &GatewayArnOutput{GatewayArn: ptr(g.ARN)}, nil
}

// ImportHypervisorConfigurationInput is ImportHypervisorConfiguration's request.
type ImportHypervisorConfigurationInput struct {
	Host, KmsKeyArn, Name, Password, Username *string
	Tags                                      []Tag
}

// HypervisorArnOutput is the answer of the operations that name a hypervisor.
type HypervisorArnOutput struct{ HypervisorArn *string }

func (h *handlers) importHypervisor(r *serve.Request, in *ImportHypervisorConfigurationInput) (*HypervisorArnOutput, error) {
	for _, c := range []struct{ field, why string }{
		{"Host", bgw.Host(str(in.Host))},
		{"Name", bgw.Name(str(in.Name))},
		{"Username", bgw.Credential(str(in.Username), true)},
		{"Password", bgw.Credential(str(in.Password), false)},
		{"KmsKeyArn", bgw.KMSKey(str(in.KmsKeyArn))},
	} {
		if c.why != "" {
			return nil, validation(c.field, c.why)
		}
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	for _, x := range h.s.hypervisors {
		if x.Account == r.Account && x.Region == r.Region && x.Host == str(in.Host) {
			return nil, conflict("a hypervisor for host %s is already imported: %s", x.Host, x.ARN)
		}
	}
	hv := &Hypervisor{ARN: r.ARN("backup-gateway", "hypervisor/"+newID("hype-")), Account: r.Account, Region: r.Region,
		Name: str(in.Name), Host: str(in.Host), Username: str(in.Username), Password: str(in.Password),
		KMSKeyARN: str(in.KmsKeyArn), State: bgw.StateOnline, Tags: tags, Created: r.Now}
	h.s.hypervisors[hv.ARN] = hv
	return &HypervisorArnOutput{HypervisorArn: ptr(hv.ARN)}, nil
}

// HypervisorArnInput is the request of the operations that name a hypervisor.
type HypervisorArnInput struct{ HypervisorArn *string }

func (h *handlers) hypervisor(r *serve.Request, a *string) (*Hypervisor, error) {
	if why := bgw.ARN(str(a), "hypervisor"); why != "" {
		return nil, validation("HypervisorArn", why)
	}
	hv, ok := h.s.hypervisors[str(a)]
	if !ok || !inScope(r, hv.ARN) {
		return nil, notFound("hypervisor %s does not exist", str(a))
	}
	return hv, nil
}

// HypervisorSummary is a hypervisor as ListHypervisors and GetHypervisor
// describe it.
type HypervisorSummary struct {
	Host, HypervisorArn, KmsKeyArn, Name, State *string
}

// GetHypervisorOutput is GetHypervisor's answer.
type GetHypervisorOutput struct{ Hypervisor *HypervisorSummary }

func summary(hv *Hypervisor) *HypervisorSummary {
	s := &HypervisorSummary{Host: ptr(hv.Host), HypervisorArn: ptr(hv.ARN), Name: ptr(hv.Name), State: ptr(hv.State)}
	if hv.KMSKeyARN != "" {
		s.KmsKeyArn = ptr(hv.KMSKeyARN)
	}
	return s
}

func (h *handlers) getHypervisor(r *serve.Request, in *HypervisorArnInput) (*GetHypervisorOutput, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	hv, err := h.hypervisor(r, in.HypervisorArn)
	if err != nil {
		return nil, err
	}
	return &GetHypervisorOutput{Hypervisor: summary(hv)}, nil
}

// ListHypervisorsOutput is ListHypervisors' answer.
type ListHypervisorsOutput struct {
	Hypervisors []HypervisorSummary
	NextToken   *string
}

func (h *handlers) listHypervisors(r *serve.Request, in *ListInput) (*ListHypervisorsOutput, error) {
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	h.s.mu.Lock()
	all := inPlace(r, h.s.hypervisors, func(hv *Hypervisor) (string, string) { return hv.Account, hv.Region })
	h.s.mu.Unlock()
	hypervisors, next, err := page(all, func(hv *Hypervisor) string { return hv.ARN }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	out := &ListHypervisorsOutput{NextToken: next}
	for _, hv := range hypervisors {
		out.Hypervisors = append(out.Hypervisors, *summary(hv))
	}
	return out, nil
}

func (h *handlers) deleteHypervisor(r *serve.Request, in *HypervisorArnInput) (*HypervisorArnOutput, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	hv, err := h.hypervisor(r, in.HypervisorArn)
	if err != nil {
		return nil, err
	}
	for _, g := range h.s.gateways {
		if g.HypervisorARN == hv.ARN {
			g.HypervisorARN = ""
		}
	}
	delete(h.s.hypervisors, hv.ARN)
	return &HypervisorArnOutput{HypervisorArn: ptr(hv.ARN)}, nil
}

// VirtualMachine is a VM as ListVirtualMachines and GetVirtualMachine
// describe it.
type VirtualMachine struct {
	HostName, HypervisorId, Name, Path, ResourceArn *string
	LastBackupDate                                  *time.Time
}

// hypervisorOf returns the hypervisor a VM was discovered on, or nil.
func (h *handlers) hypervisorOf(res *inventory.Resource) *Hypervisor {
	host := res.Attr(HostAttribute, "")
	if host == "" {
		return nil
	}
	for _, hv := range h.s.hypervisors {
		if hv.Host == host && inventory.InScope(res.ARN, hv.Account, hv.Region) {
			return hv
		}
	}
	return nil
}

func (h *handlers) vm(res *inventory.Resource) VirtualMachine {
	v := VirtualMachine{Name: ptr(res.Name), ResourceArn: ptr(res.ARN), HostName: ptr(res.Attr("hostName", res.Name)),
		Path: ptr(res.Attr("path", "/Datacenter/vm/"+res.Name))}
	if hv := h.hypervisorOf(res); hv != nil {
		v.HypervisorId = ptr(idOf(hv.ARN))
	}
	if t := res.Attr("lastBackupDate", ""); t != "" {
		if ts, err := time.Parse(time.RFC3339, t); err == nil {
			v.LastBackupDate = &ts
		}
	}
	return v
}

// ListVirtualMachinesOutput is ListVirtualMachines' answer.
type ListVirtualMachinesOutput struct {
	VirtualMachines []VirtualMachine
	NextToken       *string
}

func (h *handlers) listVirtualMachines(r *serve.Request, in *ListInput) (*ListVirtualMachinesOutput, error) {
	limit, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	var want *Hypervisor
	if in.HypervisorArn != nil {
		if want, err = h.hypervisor(r, in.HypervisorArn); err != nil {
			return nil, err
		}
	}
	var all []*inventory.Resource
	for _, res := range r.Inventory.List(r.Account, r.Region, VMType) {
		hv := h.hypervisorOf(res)
		if hv == nil || want != nil && hv != want {
			continue
		}
		all = append(all, res)
	}
	vms, next, err := page(all, func(res *inventory.Resource) string { return res.ARN }, in.NextToken, limit)
	if err != nil {
		return nil, err
	}
	out := &ListVirtualMachinesOutput{NextToken: next}
	for _, res := range vms {
		out.VirtualMachines = append(out.VirtualMachines, h.vm(res))
	}
	return out, nil
}

// GetVirtualMachineInput is GetVirtualMachine's request.
type GetVirtualMachineInput struct{ ResourceArn *string }

// GetVirtualMachineOutput is GetVirtualMachine's answer.
type GetVirtualMachineOutput struct{ VirtualMachine *VirtualMachine }

func (h *handlers) getVirtualMachine(r *serve.Request, in *GetVirtualMachineInput) (*GetVirtualMachineOutput, error) {
	if why := bgw.ARN(str(in.ResourceArn), "vm"); why != "" {
		return nil, validation("ResourceArn", why)
	}
	res, ok := r.Inventory.Get(str(in.ResourceArn))
	if !ok || res.Type != VMType || !inScope(r, res.ARN) {
		return nil, notFound("virtual machine %s does not exist", str(in.ResourceArn))
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	v := h.vm(res)
	return &GetVirtualMachineOutput{VirtualMachine: &v}, nil
}

// TagResourceInput is TagResource's request.
type TagResourceInput struct {
	ResourceARN *string
	Tags        []Tag
}

// UntagResourceInput is UntagResource's request.
type UntagResourceInput struct {
	ResourceARN *string
	TagKeys     []string
}

// ResourceARNOutput is TagResource's and UntagResource's answer.
type ResourceARNOutput struct{ ResourceARN *string }

// ListTagsForResourceInput is ListTagsForResource's request.
type ListTagsForResourceInput struct{ ResourceArn *string }

// ListTagsForResourceOutput is ListTagsForResource's answer.
type ListTagsForResourceOutput struct {
	ResourceArn *string
	Tags        []Tag
}

// tagsOf returns the tag map of a gateway, hypervisor or VM.
func (h *handlers) tagsOf(r *serve.Request, a string) (map[string]string, func(map[string]string), error) {
	if why := bgw.ARN(a, ""); why != "" {
		return nil, nil, validation("ResourceARN", why)
	}
	if g, ok := h.s.gateways[a]; ok && inScope(r, a) {
		return g.Tags, func(m map[string]string) { g.Tags = m }, nil
	}
	if hv, ok := h.s.hypervisors[a]; ok && inScope(r, a) {
		return hv.Tags, func(m map[string]string) { hv.Tags = m }, nil
	}
	if res, ok := r.Inventory.Get(a); ok && res.Type == VMType && inScope(r, a) {
		return res.Tags, func(m map[string]string) { res.Tags = m }, nil
	}
	return nil, nil, notFound("resource %s does not exist", a)
}

func (h *handlers) tagResource(r *serve.Request, in *TagResourceInput) (*ResourceARNOutput, error) {
	add, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	cur, set, err := h.tagsOf(r, str(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for k, v := range cur {
		m[k] = v
	}
	for k, v := range add {
		m[k] = v
	}
	set(m)
	return &ResourceARNOutput{ResourceARN: in.ResourceARN}, nil
}

func (h *handlers) untagResource(r *serve.Request, in *UntagResourceInput) (*ResourceARNOutput, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	cur, set, err := h.tagsOf(r, str(in.ResourceARN))
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for k, v := range cur {
		if !slices.Contains(in.TagKeys, k) {
			m[k] = v
		}
	}
	set(m)
	return &ResourceARNOutput{ResourceARN: in.ResourceARN}, nil
}

func (h *handlers) listTags(r *serve.Request, in *ListTagsForResourceInput) (*ListTagsForResourceOutput, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	cur, _, err := h.tagsOf(r, str(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	out := &ListTagsForResourceOutput{ResourceArn: in.ResourceArn, Tags: []Tag{}}
	for _, k := range slices.Sorted(mapsKeys(cur)) {
		out.Tags = append(out.Tags, Tag{Key: ptr(k), Value: ptr(cur[k])})
	}
	return out, nil
}
