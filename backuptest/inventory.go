package backuptest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"sort"
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
	// "objectCount" for a bucket) that validators can compare.
	Attributes map[string]string `json:"attributes,omitempty"`
	// CreatedBy is the restore job id that created the resource, if any.
	CreatedBy string `json:"createdBy,omitempty"`
	// CreationTime is when the resource appeared in the inventory.
	CreationTime time.Time `json:"creationTime,omitzero"`
}

func (r Resource) clone() Resource {
	r.Tags = maps.Clone(r.Tags)
	r.Attributes = maps.Clone(r.Attributes)
	return r
}

// resourceTypeFromARN maps an ARN to its AWS Backup resource type, with
// the same mapping as backup.ResourceTypeFromARN.
func resourceTypeFromARN(a string) (string, error) {
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

// resourceName is the last identifier in an ARN's resource part.
func resourceName(a string) string {
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

func fingerprintOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}

// PutResource adds r to the inventory, or replaces the resource with the
// same ARN.
func (e *Emulator) PutResource(r Resource) error {
	if _, err := arn.Parse(r.ARN); err != nil {
		return fmt.Errorf("backuptest: resource ARN %q: %w", r.ARN, err)
	}
	if r.Type == "" {
		t, err := resourceTypeFromARN(r.ARN)
		if err != nil {
			return fmt.Errorf("backuptest: %w; set Resource.Type", err)
		}
		r.Type = t
	}
	if r.Name == "" {
		r.Name = resourceName(r.ARN)
	}
	if r.Fingerprint == "" {
		r.Fingerprint = fingerprintOf(r.ARN)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if r.CreationTime.IsZero() {
		r.CreationTime = e.Now()
	}
	r = r.clone()
	e.st.Resources[r.ARN] = &r
	return nil
}

// Resource returns the inventory entry for arn.
func (e *Emulator) Resource(arn string) (Resource, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.st.Resources[arn]
	if !ok {
		return Resource{}, false
	}
	return r.clone(), true
}

// Resources returns the whole inventory, ordered by ARN.
func (e *Emulator) Resources() []Resource {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Resource, 0, len(e.st.Resources))
	for _, r := range e.st.Resources {
		out = append(out, r.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// DeleteResource removes arn from the inventory and reports whether it was
// there. Recovery points of the resource stay, as in AWS.
func (e *Emulator) DeleteResource(arn string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.st.Resources[arn]; !ok {
		return false
	}
	delete(e.st.Resources, arn)
	return true
}

// TagResourceInInventory sets tags on an inventory resource (the resource's
// own tags, as its service's TagResource would), merging with existing ones.
func (e *Emulator) TagResourceInInventory(arn string, tags map[string]string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.st.Resources[arn]
	if !ok {
		return false
	}
	if r.Tags == nil {
		r.Tags = map[string]string{}
	}
	maps.Copy(r.Tags, tags)
	return true
}
