package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// API is the part of the AWS Backup client this package uses.
type API interface {
	CreateBackupPlan(context.Context, *awsbackup.CreateBackupPlanInput, ...func(*awsbackup.Options)) (*awsbackup.CreateBackupPlanOutput, error)
	GetBackupPlan(context.Context, *awsbackup.GetBackupPlanInput, ...func(*awsbackup.Options)) (*awsbackup.GetBackupPlanOutput, error)
	UpdateBackupPlan(context.Context, *awsbackup.UpdateBackupPlanInput, ...func(*awsbackup.Options)) (*awsbackup.UpdateBackupPlanOutput, error)
	DeleteBackupPlan(context.Context, *awsbackup.DeleteBackupPlanInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupPlanOutput, error)
	ListBackupPlans(context.Context, *awsbackup.ListBackupPlansInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupPlansOutput, error)
	ListBackupPlanVersions(context.Context, *awsbackup.ListBackupPlanVersionsInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupPlanVersionsOutput, error)
	CreateBackupSelection(context.Context, *awsbackup.CreateBackupSelectionInput, ...func(*awsbackup.Options)) (*awsbackup.CreateBackupSelectionOutput, error)
	GetBackupSelection(context.Context, *awsbackup.GetBackupSelectionInput, ...func(*awsbackup.Options)) (*awsbackup.GetBackupSelectionOutput, error)
	ListBackupSelections(context.Context, *awsbackup.ListBackupSelectionsInput, ...func(*awsbackup.Options)) (*awsbackup.ListBackupSelectionsOutput, error)
	DeleteBackupSelection(context.Context, *awsbackup.DeleteBackupSelectionInput, ...func(*awsbackup.Options)) (*awsbackup.DeleteBackupSelectionOutput, error)
	ListTags(context.Context, *awsbackup.ListTagsInput, ...func(*awsbackup.Options)) (*awsbackup.ListTagsOutput, error)
	TagResource(context.Context, *awsbackup.TagResourceInput, ...func(*awsbackup.Options)) (*awsbackup.TagResourceOutput, error)
	UntagResource(context.Context, *awsbackup.UntagResourceInput, ...func(*awsbackup.Options)) (*awsbackup.UntagResourceOutput, error)
}

var _ API = (*awsbackup.Client)(nil)

// Options configure a Client.
type Options struct {
	// Logger receives one Info record per change the client makes. Default:
	// a logger that discards everything.
	Logger *slog.Logger
	// SkipValidation sends plans and selections to AWS without validating
	// them first. Default false: invalid input fails before any call.
	SkipValidation bool
}

// Client creates, reads, updates and deletes backup plans and selections.
type Client struct {
	api  API
	opts Options
}

// NewClient returns a Client that calls api (usually an *awsbackup.Client).
func NewClient(api API, optFns ...func(*Options)) *Client {
	o := Options{}
	for _, f := range optFns {
		f(&o)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Client{api: api, opts: o}
}

// ErrNotFound is returned (wrapped) when no plan or selection has the name
// asked for.
var ErrNotFound = errors.New("not found")

// AmbiguousNameError is returned when several live plans share the name
// asked for (AWS does not make plan names unique).
type AmbiguousNameError struct {
	Name string
	IDs  []string
}

// Error lists the plan IDs that share the name.
func (e *AmbiguousNameError) Error() string {
	return fmt.Sprintf("%d backup plans are named %q (%v); use their IDs", len(e.IDs), e.Name, e.IDs)
}

// AmbiguousSelectionError is returned by EnsureSelection when several live
// selections of the plan share the name asked for (AWS does not make
// selection names unique in a plan).
type AmbiguousSelectionError struct {
	PlanID, Name string
	IDs          []string
}

// Error lists the selection IDs that share the name.
func (e *AmbiguousSelectionError) Error() string {
	return fmt.Sprintf("%d selections of backup plan %s are named %q (%v); delete all but one, or use their IDs", len(e.IDs), e.PlanID, e.Name, e.IDs)
}

// Live is a plan as it exists in AWS.
type Live struct {
	ID               string
	ARN              string
	VersionID        string
	CreatorRequestID string
	CreationDate     time.Time
	Plan             *Plan
}

// Version is one version of a plan (ListBackupPlanVersions).
type Version struct {
	VersionID    string
	CreationDate time.Time
	DeletionDate time.Time
}

var requestIDUnsafe = regexp.MustCompile(`[^A-Za-z0-9\-_.]`)

// CreatorRequestID returns the idempotency token Create sends: the plan name
// (cut to 33 characters, other characters than [A-Za-z0-9-_.] replaced) and
// 16 hex digits of a SHA-256 of the plan's content and tags. The same plan
// always gets the same token, so a retried CreateBackupPlan never makes a
// second plan, while a changed plan gets a new one. The result is 1-50
// characters of [A-Za-z0-9-_.], as AWS requires.
func CreatorRequestID(p *Plan) string {
	return requestID(p.Name, "", p.ToSDK(), p.Tags)
}

func requestID(name string, parts ...any) string {
	h := sha256.New()
	h.Write([]byte(name))
	for _, x := range parts {
		b, _ := json.Marshal(x) // maps marshal with sorted keys: deterministic
		h.Write([]byte{0})
		h.Write(b)
	}
	prefix := requestIDUnsafe.ReplaceAllString(name, "_")
	if len(prefix) > 33 {
		prefix = prefix[:33]
	}
	sum := hex.EncodeToString(h.Sum(nil))[:16]
	if prefix == "" {
		return sum
	}
	return prefix + "-" + sum
}

func (c *Client) check(v interface{ Validate() error }) error {
	if c.opts.SkipValidation {
		return nil
	}
	return v.Validate()
}

// Create validates p and creates it, with p.Tags and the deterministic
// CreatorRequestID(p).
func (c *Client) Create(ctx context.Context, p *Plan) (*Live, error) {
	return c.create(ctx, p, CreatorRequestID(p))
}

func (c *Client) create(ctx context.Context, p *Plan, token string) (*Live, error) {
	if err := c.check(p); err != nil {
		return nil, err
	}
	in := p.CreateInput()
	in.CreatorRequestId = aws.String(token)
	out, err := c.api.CreateBackupPlan(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("create backup plan %s: %w", p.Name, err)
	}
	c.opts.Logger.InfoContext(ctx, "created backup plan", "name", p.Name, "id", aws.ToString(out.BackupPlanId))
	return &Live{ID: aws.ToString(out.BackupPlanId), ARN: aws.ToString(out.BackupPlanArn),
		VersionID: aws.ToString(out.VersionId), CreatorRequestID: token,
		CreationDate: aws.ToTime(out.CreationDate), Plan: p.Clone()}, nil
}

// Get reads the current version of the plan with ID id.
func (c *Client) Get(ctx context.Context, id string) (*Live, error) {
	return c.GetVersion(ctx, id, "")
}

// GetVersion reads version versionID of the plan with ID id ("" = current).
func (c *Client) GetVersion(ctx context.Context, id, versionID string) (*Live, error) {
	in := &awsbackup.GetBackupPlanInput{BackupPlanId: aws.String(id)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	out, err := c.api.GetBackupPlan(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("get backup plan %s: %w", id, err)
	}
	bp := out.BackupPlan
	if bp != nil && len(bp.AdvancedBackupSettings) == 0 && len(out.AdvancedBackupSettings) > 0 {
		cp := *bp
		cp.AdvancedBackupSettings = out.AdvancedBackupSettings
		bp = &cp
	}
	p, err := FromSDK(bp)
	if err != nil {
		return nil, fmt.Errorf("get backup plan %s: %w", id, err)
	}
	// GetBackupPlan does not return the plan's tags; ListTags does.
	if p.Tags, err = c.tags(ctx, aws.ToString(out.BackupPlanArn)); err != nil {
		return nil, err
	}
	return &Live{ID: aws.ToString(out.BackupPlanId), ARN: aws.ToString(out.BackupPlanArn),
		VersionID: aws.ToString(out.VersionId), CreatorRequestID: aws.ToString(out.CreatorRequestId),
		CreationDate: aws.ToTime(out.CreationDate), Plan: p}, nil
}

// tags reads the tags of the plan with ARN planARN (ListTags, all pages).
func (c *Client) tags(ctx context.Context, planARN string) (map[string]string, error) {
	if planARN == "" {
		return nil, nil
	}
	var tags map[string]string
	pg := awsbackup.NewListTagsPaginator(c.api, &awsbackup.ListTagsInput{ResourceArn: aws.String(planARN)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list tags of backup plan %s: %w", planARN, err)
		}
		for k, v := range out.Tags {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[k] = v
		}
	}
	return tags, nil
}

// setTags makes the user tags of the plan with ARN planARN equal desired
// (TagResource for added and changed values, UntagResource for removed
// keys). Tags with AWS's reserved "aws:" prefix are left alone.
func (c *Client) setTags(ctx context.Context, planARN string, live, desired map[string]string) error {
	set, remove := tagChanges(live, desired)
	if len(set) > 0 {
		if _, err := c.api.TagResource(ctx, &awsbackup.TagResourceInput{ResourceArn: aws.String(planARN), Tags: set}); err != nil {
			return fmt.Errorf("tag backup plan %s: %w", planARN, err)
		}
	}
	if len(remove) > 0 {
		if _, err := c.api.UntagResource(ctx, &awsbackup.UntagResourceInput{ResourceArn: aws.String(planARN), TagKeyList: remove}); err != nil {
			return fmt.Errorf("untag backup plan %s: %w", planARN, err)
		}
	}
	if len(set)+len(remove) > 0 {
		c.opts.Logger.InfoContext(ctx, "set backup plan tags", "arn", planARN, "set", len(set), "removed", len(remove))
	}
	return nil
}

// Plans iterates over the summaries of every live plan (ListBackupPlans,
// all pages). Each Live has no Plan body; use Get for it.
func (c *Client) Plans(ctx context.Context) iter.Seq2[*Live, error] {
	return func(yield func(*Live, error) bool) {
		pg := awsbackup.NewListBackupPlansPaginator(c.api, &awsbackup.ListBackupPlansInput{})
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			if err != nil {
				yield(nil, fmt.Errorf("list backup plans: %w", err))
				return
			}
			for _, m := range out.BackupPlansList {
				if !yield(summary(m), nil) {
					return
				}
			}
		}
	}
}

func summary(m types.BackupPlansListMember) *Live {
	return &Live{ID: aws.ToString(m.BackupPlanId), ARN: aws.ToString(m.BackupPlanArn),
		VersionID: aws.ToString(m.VersionId), CreatorRequestID: aws.ToString(m.CreatorRequestId),
		CreationDate: aws.ToTime(m.CreationDate)}
}

// FindByName returns the live plan named name (with its body). It returns
// an error wrapping ErrNotFound when there is none, and an
// *AmbiguousNameError when there are several.
func (c *Client) FindByName(ctx context.Context, name string) (*Live, error) {
	live, _, err := c.findByName(ctx, name)
	return live, err
}

// findByName is FindByName that also returns the CreatorRequestIds of
// deleted plans with that name, mapped to their plan IDs.
func (c *Client) findByName(ctx context.Context, name string) (*Live, map[string]string, error) {
	var ids []string
	deleted := map[string]string{}
	pg := awsbackup.NewListBackupPlansPaginator(c.api, &awsbackup.ListBackupPlansInput{IncludeDeleted: aws.Bool(true)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list backup plans: %w", err)
		}
		for _, m := range out.BackupPlansList {
			if aws.ToString(m.BackupPlanName) != name {
				continue
			}
			if m.DeletionDate == nil {
				ids = append(ids, aws.ToString(m.BackupPlanId))
			} else if m.CreatorRequestId != nil {
				deleted[*m.CreatorRequestId] = aws.ToString(m.BackupPlanId)
			}
		}
	}
	switch len(ids) {
	case 0:
		return nil, deleted, fmt.Errorf("backup plan %q: %w", name, ErrNotFound)
	case 1:
		live, err := c.Get(ctx, ids[0])
		return live, deleted, err
	default:
		return nil, deleted, &AmbiguousNameError{Name: name, IDs: ids}
	}
}

// Update replaces the plan with ID id by p, which makes a new version, and
// returns it.
func (c *Client) Update(ctx context.Context, id string, p *Plan) (*Live, error) {
	if err := c.check(p); err != nil {
		return nil, err
	}
	out, err := c.api.UpdateBackupPlan(ctx, &awsbackup.UpdateBackupPlanInput{BackupPlanId: aws.String(id), BackupPlan: p.ToSDK()})
	if err != nil {
		return nil, fmt.Errorf("update backup plan %s: %w", id, err)
	}
	c.opts.Logger.InfoContext(ctx, "updated backup plan", "name", p.Name, "id", id, "version", aws.ToString(out.VersionId))
	return &Live{ID: aws.ToString(out.BackupPlanId), ARN: aws.ToString(out.BackupPlanArn),
		VersionID: aws.ToString(out.VersionId), CreationDate: aws.ToTime(out.CreationDate), Plan: p.Clone()}, nil
}

// DeleteOptions configure Delete.
type DeleteOptions struct {
	// DeleteSelections deletes the plan's selections first (AWS refuses to
	// delete a plan that has any). Only selections are deleted: never vaults
	// or recovery points. Default false.
	DeleteSelections bool
}

// Delete deletes the plan with ID id. Recovery points it made stay.
func (c *Client) Delete(ctx context.Context, id string, optFns ...func(*DeleteOptions)) error {
	var o DeleteOptions
	for _, f := range optFns {
		f(&o)
	}
	if o.DeleteSelections {
		sels, err := c.Selections(ctx, id)
		if err != nil {
			return err
		}
		for _, s := range sels {
			if err := c.DeleteSelection(ctx, id, s.ID); err != nil {
				return err
			}
		}
	}
	if _, err := c.api.DeleteBackupPlan(ctx, &awsbackup.DeleteBackupPlanInput{BackupPlanId: aws.String(id)}); err != nil {
		return fmt.Errorf("delete backup plan %s: %w", id, err)
	}
	c.opts.Logger.InfoContext(ctx, "deleted backup plan", "id", id)
	return nil
}

// Versions iterates over every version of the plan with ID id
// (ListBackupPlanVersions, all pages), as AWS orders them.
func (c *Client) Versions(ctx context.Context, id string) iter.Seq2[Version, error] {
	return func(yield func(Version, error) bool) {
		pg := awsbackup.NewListBackupPlanVersionsPaginator(c.api, &awsbackup.ListBackupPlanVersionsInput{BackupPlanId: aws.String(id)})
		for pg.HasMorePages() {
			out, err := pg.NextPage(ctx)
			if err != nil {
				yield(Version{}, fmt.Errorf("list versions of backup plan %s: %w", id, err))
				return
			}
			for _, m := range out.BackupPlanVersionsList {
				if !yield(Version{VersionID: aws.ToString(m.VersionId), CreationDate: aws.ToTime(m.CreationDate),
					DeletionDate: aws.ToTime(m.DeletionDate)}, nil) {
					return
				}
			}
		}
	}
}

// ListVersions returns every version of the plan with ID id; see Versions
// for an iterator.
func (c *Client) ListVersions(ctx context.Context, id string) ([]Version, error) {
	var out []Version
	for v, err := range c.Versions(ctx, id) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Action says what Ensure did.
type Action string

// Ensure outcomes.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
)

// EnsureResult is what Ensure did and the plan as it now exists.
type EnsureResult struct {
	Action Action
	Live   *Live
	// Changes are the differences found between the live and desired plan
	// (empty for Created and Unchanged).
	Changes Changes
}

// Ensure makes the live plan named p.Name equal p: it creates the plan when
// there is none, updates it (a new version) when Diff finds a difference in
// its body, converges its tags (TagResource and UntagResource; p.Tags is the
// whole set, so a tag missing from p is removed, except AWS's reserved
// "aws:" tags), and makes no write call at all when they are equal.
func (c *Client) Ensure(ctx context.Context, p *Plan) (*EnsureResult, error) {
	if err := c.check(p); err != nil {
		return nil, err
	}
	live, deleted, err := c.findByName(ctx, p.Name)
	if errors.Is(err, ErrNotFound) {
		// A deleted plan may still own the deterministic token (AWS does not
		// say whether it would hand that plan back); salt it with the deleted
		// plan's ID, which keeps retries deterministic.
		token := CreatorRequestID(p)
		if old, ok := deleted[token]; ok {
			token = requestID(p.Name, p.ToSDK(), p.Tags, old)
		}
		l, err := c.create(ctx, p, token)
		if err != nil {
			return nil, err
		}
		return &EnsureResult{Action: Created, Live: l}, nil
	}
	if err != nil {
		return nil, err
	}
	d := Diff(live.Plan, p)
	if len(d) == 0 {
		return &EnsureResult{Action: Unchanged, Live: live}, nil
	}
	l := live
	if slices.ContainsFunc(d, func(c Change) bool { return !c.isTag() }) {
		if l, err = c.Update(ctx, live.ID, p); err != nil {
			return nil, err
		}
		if l.ARN == "" {
			l.ARN = live.ARN
		}
	}
	if slices.ContainsFunc(d, Change.isTag) {
		if err := c.setTags(ctx, live.ARN, live.Plan.Tags, p.Tags); err != nil {
			return nil, err
		}
	}
	l.Plan.Tags = maps.Clone(p.Tags)
	return &EnsureResult{Action: Updated, Live: l, Changes: d}, nil
}

// LiveSelection is a selection as it exists in AWS.
type LiveSelection struct {
	ID        string
	PlanID    string
	Selection *Selection
}

// CreateSelection validates s and attaches it to the plan with ID planID,
// with a deterministic CreatorRequestId. It returns the selection ID.
func (c *Client) CreateSelection(ctx context.Context, planID string, s *Selection) (string, error) {
	return c.createSelection(ctx, planID, s, "")
}

// createSelection creates s; replaces, when set, is the ID of the selection
// s replaces, which salts the CreatorRequestId so that a selection changed
// back to an earlier form never collides with the deleted original.
func (c *Client) createSelection(ctx context.Context, planID string, s *Selection, replaces string) (string, error) {
	if err := c.check(s); err != nil {
		return "", err
	}
	in := s.CreateInput(planID)
	if replaces != "" {
		in.CreatorRequestId = aws.String(requestID(s.Name, planID, in.BackupSelection, replaces))
	}
	out, err := c.api.CreateBackupSelection(ctx, in)
	if err != nil {
		return "", fmt.Errorf("create backup selection %s: %w", s.Name, err)
	}
	c.opts.Logger.InfoContext(ctx, "created backup selection", "name", s.Name, "plan", planID, "id", aws.ToString(out.SelectionId))
	return aws.ToString(out.SelectionId), nil
}

// GetSelection reads one selection.
func (c *Client) GetSelection(ctx context.Context, planID, selectionID string) (*LiveSelection, error) {
	out, err := c.api.GetBackupSelection(ctx, &awsbackup.GetBackupSelectionInput{BackupPlanId: aws.String(planID), SelectionId: aws.String(selectionID)})
	if err != nil {
		return nil, fmt.Errorf("get backup selection %s: %w", selectionID, err)
	}
	s, err := SelectionFromSDK(out.BackupSelection)
	if err != nil {
		return nil, fmt.Errorf("get backup selection %s: %w", selectionID, err)
	}
	return &LiveSelection{ID: aws.ToString(out.SelectionId), PlanID: planID, Selection: s}, nil
}

// Selections returns every selection of the plan with ID planID, with
// bodies.
func (c *Client) Selections(ctx context.Context, planID string) ([]*LiveSelection, error) {
	var out []*LiveSelection
	pg := awsbackup.NewListBackupSelectionsPaginator(c.api, &awsbackup.ListBackupSelectionsInput{BackupPlanId: aws.String(planID)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list selections of backup plan %s: %w", planID, err)
		}
		for _, m := range page.BackupSelectionsList {
			ls, err := c.GetSelection(ctx, planID, aws.ToString(m.SelectionId))
			if err != nil {
				return nil, err
			}
			out = append(out, ls)
		}
	}
	return out, nil
}

// DeleteSelection deletes one selection.
func (c *Client) DeleteSelection(ctx context.Context, planID, selectionID string) error {
	_, err := c.api.DeleteBackupSelection(ctx, &awsbackup.DeleteBackupSelectionInput{BackupPlanId: aws.String(planID), SelectionId: aws.String(selectionID)})
	if err != nil {
		return fmt.Errorf("delete backup selection %s: %w", selectionID, err)
	}
	c.opts.Logger.InfoContext(ctx, "deleted backup selection", "plan", planID, "id", selectionID)
	return nil
}

// EnsureSelection makes the plan's selection named s.Name equal s. AWS
// selections cannot be updated, so a changed selection is deleted and
// created again; an equal one is left alone (no write call). It returns
// the selection ID and what it did. Selections are found by name: when
// several live selections share s.Name (AWS allows it) it changes nothing
// and returns *AmbiguousSelectionError; Spec.ValidateEnsure refuses a Spec
// that would deploy two selections with one name.
func (c *Client) EnsureSelection(ctx context.Context, planID string, s *Selection) (string, Action, error) {
	if err := c.check(s); err != nil {
		return "", "", err
	}
	sels, err := c.Selections(ctx, planID)
	if err != nil {
		return "", "", err
	}
	var named []*LiveSelection
	for _, ls := range sels {
		if ls.Selection.Name == s.Name {
			named = append(named, ls)
		}
	}
	switch len(named) {
	case 0:
		id, err := c.CreateSelection(ctx, planID, s)
		return id, Created, err
	case 1:
	default:
		ae := &AmbiguousSelectionError{PlanID: planID, Name: s.Name}
		for _, ls := range named {
			ae.IDs = append(ae.IDs, ls.ID)
		}
		return "", "", ae
	}
	ls := named[0]
	if SelectionsEqual(ls.Selection, s) {
		return ls.ID, Unchanged, nil
	}
	if err := c.DeleteSelection(ctx, planID, ls.ID); err != nil {
		return "", "", err
	}
	id, err := c.createSelection(ctx, planID, s, ls.ID)
	return id, Updated, err
}
