package backuptest

import (
	"fmt"
	"sort"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
)

// Resource is a protectable resource the emulator knows: something a backup
// job can back up and a restore job can create, and that the EC2, RDS,
// DynamoDB, EFS, FSx and S3 APIs of the emulator describe, tag and delete.
// Backing up an ARN that is not in the inventory fails with
// ResourceNotFoundException, as AWS does for a resource that does not exist.
//
// Fields: ARN (its account and Region come from it); Type, the AWS Backup
// resource type ("EBS", "RDS", …; default from the ARN); Name (default the
// last part of the ARN); Tags; SizeBytes (backups report it); Fingerprint,
// standing for the content, which a restore copies (default a hash of the
// ARN); Attributes, free-form facts such as "itemCount", "objectCount" and
// "state"; CreatedBy, the restore job that created it; CreationTime.
type Resource = inventory.Resource

// resourceTypeFromARN maps an ARN to its AWS Backup resource type, with
// the same mapping as backup.ResourceTypeFromARN.
func resourceTypeFromARN(a string) (string, error) { return inventory.TypeFromARN(a) }

// resourceName is the last identifier in an ARN's resource part.
func resourceName(a string) string { return inventory.NameFromARN(a) }

func fingerprintOf(s string) string { return inventory.Fingerprint(s) }

// PutResource adds r to the inventory, or replaces the resource with the
// same ARN.
func (e *Emulator) PutResource(r Resource) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.st.Put(r, e.Now()); err != nil {
		return fmt.Errorf("backuptest: %w", err)
	}
	return nil
}

// Resource returns the inventory entry for arn.
func (e *Emulator) Resource(arn string) (Resource, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.Advance(e.Now())
	r, ok := e.st.Resources[arn]
	if !ok {
		return Resource{}, false
	}
	return r.Clone(), true
}

// Resources returns the whole inventory, ordered by ARN. A resource whose
// deletion has started stays in it until its service reports it gone.
func (e *Emulator) Resources() []Resource {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.Advance(e.Now())
	out := make([]Resource, 0, len(e.st.Resources))
	for _, r := range e.st.Resources {
		out = append(out, r.Clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// DeleteResource removes arn from the inventory at once and reports whether
// it was there. Recovery points of the resource stay, as in AWS.
func (e *Emulator) DeleteResource(arn string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.Remove(arn)
}

// TagResourceInInventory sets tags on an inventory resource (the resource's
// own tags, as its service's TagResource would), merging with existing ones.
func (e *Emulator) TagResourceInInventory(arn string, tags map[string]string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.Tag(arn, tags)
}
