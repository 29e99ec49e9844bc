package fleet

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/backupkit/backupkit/internal/awsid"
)

// ErrOUAmbiguous is matched (errors.Is) when an OU name given in a Spec
// names more than one organizational unit: Organizations keeps OU names
// unique only among the children of one parent.
var ErrOUAmbiguous = errors.New("names more than one organizational unit")

// maxOUNameLength is AWS Organizations' limit on an OU's name
// (CreateOrganizationalUnit Name: 1–128 characters).
const maxOUNameLength = 128

// IsOUID reports whether ref is an OU id ("ou-…") or a root id ("r-…")
// rather than an OU name or path.
func IsOUID(ref string) bool { return awsid.OrganizationalUnitID(ref) || awsid.RootID(ref) }

// checkOURef returns why ref is neither an OU or root id nor a name or a
// path of names ("prod", "prod/eu"), or "".
func checkOURef(ref string) string {
	if IsOUID(ref) {
		return ""
	}
	if strings.TrimSpace(ref) == "" {
		return "an OU id (ou-xxxx-xxxxxxxx), root id (r-xxxx) or OU name is required"
	}
	for _, name := range strings.Split(ref, "/") {
		if name == "" || len(name) > maxOUNameLength {
			return fmt.Sprintf("%q is not an OU id (ou-xxxx-xxxxxxxx), root id (r-xxxx), OU name (1-%d characters) or path of names (prod/eu)", ref, maxOUNameLength)
		}
	}
	return ""
}

// OU is one organizational unit found by name: its id and its path of
// names from the root ("prod/eu").
type OU struct {
	ID   string
	Path string
}

// ouNode is one OU of the organization's tree, read once.
type ouNode struct {
	id, name, path string
}

// ResolveOUs turns OU references into ids. An id ("ou-…") or root id
// ("r-…") stays as it is, with no call. A name ("prod") matches every OU
// of that name anywhere under the root; a path of names from the root
// ("prod/eu") matches the OU at that path. Names are compared exactly, as
// Organizations stores them. The tree is read once (ListRoots, then
// ListOrganizationalUnitsForParent level by level) and only when some
// reference is a name. A name that matches no OU answers an error matching
// ErrOUNotFound; one that matches several answers ErrOUAmbiguous and lists
// their paths and ids.
func ResolveOUs(ctx context.Context, api OrganizationsAPI, refs []string) ([]string, error) {
	names := false
	for _, r := range refs {
		if !IsOUID(r) {
			names = true
		}
	}
	if !names {
		return refs, nil
	}
	tree, err := ouTree(ctx, api)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(refs))
	var errs []error
	for _, r := range refs {
		if IsOUID(r) {
			out = append(out, r)
			continue
		}
		var matches []OU
		for _, n := range tree {
			if n.path == r || (!strings.Contains(r, "/") && n.name == r) {
				matches = append(matches, OU{ID: n.id, Path: n.path})
			}
		}
		switch len(matches) {
		case 0:
			errs = append(errs, fmt.Errorf("organizational unit %q: no OU has this name or path: %w", r, ErrOUNotFound))
		case 1:
			out = append(out, matches[0].ID)
		default:
			var list []string
			for _, m := range matches {
				list = append(list, m.Path+" ("+m.ID+")")
			}
			errs = append(errs, fmt.Errorf("organizational unit %q %w: %s; give the id or the path", r, ErrOUAmbiguous, strings.Join(list, ", ")))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// ouTree reads every OU under the organization's roots, breadth first.
func ouTree(ctx context.Context, api OrganizationsAPI) ([]ouNode, error) {
	var parents []ouNode
	rp := organizations.NewListRootsPaginator(api, &organizations.ListRootsInput{})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list the organization's roots: %w", err)
		}
		for _, r := range page.Roots {
			parents = append(parents, ouNode{id: aws.ToString(r.Id)})
		}
	}
	var all []ouNode
	for len(parents) > 0 {
		var next []ouNode
		for _, p := range parents {
			op := organizations.NewListOrganizationalUnitsForParentPaginator(api, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(p.id)})
			for op.HasMorePages() {
				page, err := op.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("list organizational units under %s: %w", p.id, err)
				}
				for _, ou := range page.OrganizationalUnits {
					n := ouNode{id: aws.ToString(ou.Id), name: aws.ToString(ou.Name)}
					n.path = n.name
					if p.path != "" {
						n.path = p.path + "/" + n.name
					}
					next = append(next, n)
				}
			}
		}
		all = append(all, next...)
		parents = next
	}
	return all, nil
}
