// Package inventory is the emulator's shared state of protectable resources:
// the EBS volumes, EC2 instances, DB instances, tables, file systems and
// buckets that AWS Backup backs up and restores, and that each resource
// service's handlers (backuptest/internal/ec2, …/rds, …) describe, tag and
// delete. It is the one place those services meet: no service folder imports
// another, they all read and change this Store.
//
// A Store is not safe for concurrent use on its own: the emulator calls it
// under its single state lock (every handler runs with that lock held).
package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/backupkit/backupkit/internal/arntype"
)

// Resource is a protectable resource the emulator knows: something a backup
// job can back up and a restore job can create. Backing up an ARN that is
// not in the inventory fails with ResourceNotFoundException, as AWS does for
// a resource that does not exist.
type Resource struct {
	// ARN identifies the resource; its account and Region come from it.
	ARN string `json:"arn"`
	// Type is the AWS Backup resource type ("EBS", "RDS", …). Default:
	// detected from the ARN.
	Type string `json:"type,omitempty"`
	// Name is the resource's name or id (table name, volume id, bucket …).
	// Default: the last part of the ARN.
	Name string `json:"name,omitempty"`
	// Tags are the resource's tags.
	Tags map[string]string `json:"tags,omitempty"`
	// SizeBytes is the resource's size; backups report it.
	SizeBytes int64 `json:"sizeBytes,omitempty"`
	// Fingerprint stands for the resource's content. A restore creates a
	// resource with the same fingerprint as the backed-up source. Default: a
	// hash of the ARN.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Attributes are free-form facts (e.g. "itemCount" for a table,
	// "objectCount" for a bucket) that validators can compare. "state"
	// overrides the state the resource's service reports (available,
	// running, ACTIVE, AVAILABLE by default).
	Attributes map[string]string `json:"attributes,omitempty"`
	// CreatedBy is the restore job id that created the resource, if any.
	CreatedBy string `json:"createdBy,omitempty"`
	// CreationTime is when the resource appeared in the inventory.
	CreationTime time.Time `json:"creationTime,omitzero"`
}

// Clone returns a deep copy of r.
func (r Resource) Clone() Resource {
	r.Tags = maps.Clone(r.Tags)
	r.Attributes = maps.Clone(r.Attributes)
	return r
}

// Attr returns the attribute key, or def when it is unset or empty.
func (r *Resource) Attr(key, def string) string {
	if v, ok := r.Attributes[key]; ok && v != "" {
		return v
	}
	return def
}

// SetAttr sets an attribute.
func (r *Resource) SetAttr(key, value string) {
	if r.Attributes == nil {
		r.Attributes = map[string]string{}
	}
	r.Attributes[key] = value
}

// TypeFromARN maps an ARN to its AWS Backup resource type, with the same
// mapping as backup.ResourceTypeFromARN (internal/arntype).
func TypeFromARN(a string) (string, error) {
	p, err := arn.Parse(a)
	if err != nil {
		return "", fmt.Errorf("%q is not an ARN: %w", a, err)
	}
	t, ok := arntype.Of(p)
	if !ok {
		return "", fmt.Errorf("%q is not a resource type AWS Backup supports", a)
	}
	return t, nil
}

// NameFromARN is the last identifier in an ARN's resource part.
func NameFromARN(a string) string {
	p, err := arn.Parse(a)
	if err != nil {
		return a
	}
	res := p.Resource
	if i := strings.LastIndexAny(res, "/:"); i >= 0 {
		return res[i+1:]
	}
	return res
}

// Fingerprint is a short stable hash of s, standing for content.
func Fingerprint(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// Normalize fills r's defaults (Type, Name, Fingerprint, CreationTime) and
// checks its ARN.
func Normalize(r *Resource, now time.Time) error {
	if _, err := arn.Parse(r.ARN); err != nil {
		return fmt.Errorf("resource ARN %q: %w", r.ARN, err)
	}
	if r.Type == "" {
		t, err := TypeFromARN(r.ARN)
		if err != nil {
			return fmt.Errorf("%w; set Resource.Type", err)
		}
		r.Type = t
	}
	if r.Name == "" {
		r.Name = NameFromARN(r.ARN)
	}
	if r.Fingerprint == "" {
		r.Fingerprint = Fingerprint(r.ARN)
	}
	if r.CreationTime.IsZero() {
		r.CreationTime = now
	}
	return nil
}

// Deletion is a resource on its way out. It stays in the inventory,
// reporting State (deleting, shutting-down, DELETING, …), until At. Then it
// leaves the inventory; with a Final state it stays describable in that
// state (EC2's terminated instances) until At+Retain.
type Deletion struct {
	State  string        `json:"state"`
	At     time.Time     `json:"at"`
	Final  string        `json:"final,omitempty"`
	Retain time.Duration `json:"retain,omitempty"`
}

// Gone is a deleted resource its service still describes, in State, until
// Until.
type Gone struct {
	Resource Resource  `json:"resource"`
	State    string    `json:"state"`
	Until    time.Time `json:"until"`
}

// Store is the inventory: every protectable resource by ARN, plus the
// deletions in progress and the deleted resources still describable.
//
// Listing a location (List, Scan) costs the size of that location's
// resources of the asked types, not of the inventory: the store keeps an
// index by account, Region and type, in ARN order.
type Store struct {
	// Resources is the inventory of protectable resources, by ARN. Read
	// it freely; add, replace and remove resources only through the
	// Store's methods (Put, Remove, Delete and Advance), which keep the
	// index. (A resource added to the map directly is noticed by its
	// count and the index rebuilt, but that costs a full pass.)
	Resources map[string]*Resource
	// Deleting are deletions in progress, by ARN.
	Deleting map[string]*Deletion `json:",omitempty"`
	// Gone are deleted resources still describable, by ARN.
	Gone map[string]*Gone `json:",omitempty"`

	idx *index
}

// NewStore returns an empty store.
func NewStore() Store {
	return Store{Resources: map[string]*Resource{}}
}

// Init makes the store's maps non-nil (also after loading saved state) and
// drops nil entries.
func (s *Store) Init() {
	if s.Resources == nil {
		s.Resources = map[string]*Resource{}
	}
	if s.Deleting == nil {
		s.Deleting = map[string]*Deletion{}
	}
	if s.Gone == nil {
		s.Gone = map[string]*Gone{}
	}
	maps.DeleteFunc(s.Resources, func(_ string, r *Resource) bool { return r == nil })
	maps.DeleteFunc(s.Deleting, func(_ string, d *Deletion) bool { return d == nil })
	maps.DeleteFunc(s.Gone, func(_ string, g *Gone) bool { return g == nil })
	s.idx = nil
}

// index returns the store's index, built on first use and rebuilt when
// the map was changed behind the Store's back.
func (s *Store) index() *index {
	if s.idx == nil || len(s.idx.at) != len(s.Resources) {
		s.idx = newIndex()
		for _, r := range s.Resources {
			s.idx.add(r)
		}
	}
	return s.idx
}

// Get returns the live resource arn (also while it is being deleted).
func (s *Store) Get(arn string) (*Resource, bool) {
	r, ok := s.Resources[arn]
	return r, ok
}

// Put adds r (normalised) or replaces the resource with its ARN.
func (s *Store) Put(r Resource, now time.Time) error {
	if err := Normalize(&r, now); err != nil {
		return err
	}
	r = r.Clone()
	if s.Resources == nil {
		s.Resources = map[string]*Resource{}
	}
	x := s.index()
	s.Resources[r.ARN] = &r
	x.add(&r)
	if s.Deleting != nil {
		delete(s.Deleting, r.ARN)
	}
	if s.Gone != nil {
		delete(s.Gone, r.ARN)
	}
	return nil
}

// Remove takes arn out of the inventory at once and reports whether it was
// there.
func (s *Store) Remove(arn string) bool {
	if _, ok := s.Resources[arn]; !ok {
		return false
	}
	s.index().remove(arn)
	delete(s.Resources, arn)
	delete(s.Deleting, arn)
	return true
}

// Delete starts deleting arn: it reports d.State until d.At (see Deletion).
// Deleting a resource already being deleted keeps the first deletion.
func (s *Store) Delete(arn string, d Deletion) bool {
	if _, ok := s.Resources[arn]; !ok {
		return false
	}
	if s.Deleting == nil {
		s.Deleting = map[string]*Deletion{}
	}
	if _, ok := s.Deleting[arn]; !ok {
		s.Deleting[arn] = &d
	}
	return true
}

// Deleting returns the deletion in progress of arn, if any.
func (s *Store) DeletionOf(arn string) (*Deletion, bool) {
	d, ok := s.Deleting[arn]
	return d, ok
}

// State is the state a service reports for r: its deletion state while it
// is being deleted, else Attributes["state"], else def.
func (s *Store) State(r *Resource, def string) string {
	if d, ok := s.Deleting[r.ARN]; ok {
		return d.State
	}
	return r.Attr("state", def)
}

// GoneOf returns a deleted resource that is still describable.
func (s *Store) GoneOf(arn string) (*Gone, bool) {
	g, ok := s.Gone[arn]
	return g, ok
}

// Advance finishes the deletions due by now and forgets deleted resources
// whose time to stay describable has passed.
func (s *Store) Advance(now time.Time) {
	for a, d := range s.Deleting {
		if now.Before(d.At) {
			continue
		}
		delete(s.Deleting, a)
		r, ok := s.Resources[a]
		if !ok {
			continue
		}
		s.index().remove(a)
		delete(s.Resources, a)
		if d.Final != "" && d.Retain > 0 {
			if s.Gone == nil {
				s.Gone = map[string]*Gone{}
			}
			s.Gone[a] = &Gone{Resource: r.Clone(), State: d.Final, Until: d.At.Add(d.Retain)}
		}
	}
	for a, g := range s.Gone {
		if !now.Before(g.Until) {
			delete(s.Gone, a)
		}
	}
}

// Tag merges tags onto arn's tags and reports whether arn exists.
func (s *Store) Tag(arn string, tags map[string]string) bool {
	r, ok := s.Resources[arn]
	if !ok {
		return false
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	maps.Copy(r.Tags, tags)
	return true
}

// Untag removes tag keys from arn and reports whether arn exists.
func (s *Store) Untag(arn string, keys []string) bool {
	r, ok := s.Resources[arn]
	if !ok {
		return false
	}
	for _, k := range keys {
		delete(r.Tags, k)
	}
	return true
}

// List returns the live resources of the given types in account and
// Region, ordered by ARN. Resources whose ARN has no account or Region (S3
// buckets) match any.
func (s *Store) List(account, region string, types ...string) []*Resource {
	return slices.Collect(s.Scan(account, region, "", types...))
}

// Scan yields the live resources of the given types (every type when none)
// in account and Region in ARN order, starting after the ARN after ("" for
// the start), as List orders them. A page of n costs a binary search and
// the n resources, so a paged list need not build the whole list on every
// call. The store must not change while the sequence is being read.
func (s *Store) Scan(account, region, after string, types ...string) iter.Seq[*Resource] {
	lists := s.index().lists(account, region, after, types)
	return func(yield func(*Resource) bool) {
		for a := range merge(lists) {
			r := s.Resources[a]
			if r == nil {
				continue // removed from the map directly; see Resources
			}
			if !yield(r) {
				return
			}
		}
	}
}

// ListGone returns the describable deleted resources of the given types in
// account and Region, ordered by ARN.
func (s *Store) ListGone(account, region string, types ...string) []*Gone {
	var out []*Gone
	for _, g := range s.Gone {
		if len(types) > 0 && !slices.Contains(types, g.Resource.Type) {
			continue
		}
		if !InScope(g.Resource.ARN, account, region) {
			continue
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *Gone) int { return strings.Compare(a.Resource.ARN, b.Resource.ARN) })
	return out
}

// InScope reports whether an ARN belongs to account and Region; an ARN
// without an account or Region (S3) belongs to every one.
func InScope(a, account, region string) bool {
	p, err := arn.Parse(a)
	if err != nil {
		return false
	}
	return (p.AccountID == "" || p.AccountID == account) && (p.Region == "" || p.Region == region)
}

// SortedKeys returns m's keys in order.
func SortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
