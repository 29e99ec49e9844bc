package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/backupkit/backupkit/backup"
	"github.com/backupkit/backupkit/backuptest"
	"github.com/backupkit/backupkit/fleet"
)

// fakeSTS stands in for STS at the unit edge: the caller is the management
// account, and AssumeRole succeeds for the roles listed, answering
// credentials whose access key names the account (so the emulator puts
// every later call in that account's partition).
type fakeSTS struct {
	caller string
	roles  map[string]bool // role ARN → exists and trusts the caller

	mu      sync.Mutex
	assumed map[string]int // role ARN → AssumeRole calls
	inputs  []sts.AssumeRoleInput
}

func newFakeSTS(caller string, roleARNs ...string) *fakeSTS {
	f := &fakeSTS{caller: caller, roles: map[string]bool{}, assumed: map[string]int{}}
	for _, r := range roleARNs {
		f.roles[r] = true
	}
	return f
}

func (f *fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String(f.caller), Arn: aws.String("arn:aws:iam::" + f.caller + ":user/ops"), UserId: aws.String("AIDAOPS")}, nil
}

func (f *fakeSTS) AssumeRole(_ context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	role := aws.ToString(in.RoleArn)
	f.assumed[role]++
	f.inputs = append(f.inputs, *in)
	if !f.roles[role] {
		return nil, &smithy.GenericAPIError{Code: "AccessDenied", Message: "User: arn:aws:iam::" + f.caller + ":user/ops is not authorized to perform: sts:AssumeRole on resource: " + role}
	}
	a, _ := arn.Parse(role)
	return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{
		AccessKeyId: aws.String("ASIABACKUPKIT" + a.AccountID), SecretAccessKey: aws.String("secret"), SessionToken: aws.String("token"),
		Expiration: aws.Time(time.Now().Add(time.Hour)),
	}}, nil
}

func (f *fakeSTS) calls(role string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.assumed[role]
}

const (
	mgmt    = "123456789012"
	member1 = "111111111111"
	member2 = "222222222222"
	noRole  = "333333333333"
)

func role(account string) string { return fleet.RoleARN("aws", account, fleet.DefaultRoleName) }

func newRunner(t *testing.T, srv *backuptest.Server, fs *fakeSTS, optFns ...func(*fleet.Options)) *fleet.Runner {
	t.Helper()
	r, err := fleet.New(srv.ConfigFor(mgmt, "us-east-1"), append([]func(*fleet.Options){func(o *fleet.Options) {
		o.NewSTS = func(aws.Config) fleet.STSAPI { return fs }
		o.Backoff = retryFast{}
	}}, optFns...)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// retryFast keeps throttled tests quick: every retry waits 1ms.
type retryFast struct{}

func (retryFast) BackoffDelay(int, error) (time.Duration, error) { return time.Millisecond, nil }

func TestRunAcrossAccountsAndRegions(t *testing.T) {
	t.Parallel()
	// The emulator's own STS and organization: member1 and member2 have
	// the default role, noRole is a member without it.
	srv := backuptest.NewServer(t)
	org := srv.Organization()
	for _, id := range []string{member1, member2, noRole} {
		if err := org.AddAccount(id, backuptest.OrgRootID); err != nil {
			t.Fatal(err)
		}
	}
	org.DeleteRole(noRole, backuptest.DefaultOrgRole)
	scope := fleet.Scope{
		Accounts: []fleet.Account{{ID: mgmt}, {ID: member1, Name: "prod"}, {ID: member2}, {ID: noRole}},
		Regions:  []string{"us-east-1", "eu-west-1"},
	}
	var progress []fleet.Progress
	r2, err := fleet.New(srv.ConfigFor(mgmt, "us-east-1"), func(o *fleet.Options) {
		o.Progress = func(p fleet.Progress) { progress = append(progress, p) }
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := fleet.Run(t.Context(), r2, scope, func(ctx context.Context, tg fleet.Target) ([]string, error) {
		c := awsbackup.NewFromConfig(tg.Config)
		if _, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String("fleet-" + tg.Region)}); err != nil {
			return nil, err
		}
		out, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
		if err != nil {
			return nil, err
		}
		var arns []string
		for _, v := range out.BackupVaultList {
			arns = append(arns, aws.ToString(v.BackupVaultArn))
		}
		return arns, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(res), 8; got != want {
		t.Fatalf("got %d results; want %d", got, want)
	}
	for i, acct := range []string{mgmt, member1, member2, noRole} {
		for j, region := range scope.Regions {
			rs := res[i*2+j]
			if rs.Account != acct || rs.Region != region {
				t.Fatalf("result %d is %s/%s; want %s/%s (scope order)", i*2+j, rs.Account, rs.Region, acct, region)
			}
			if acct == noRole {
				var ae *fleet.AssumeRoleError
				if !errors.As(rs.Err, &ae) {
					t.Fatalf("%s/%s: got error %v; want *AssumeRoleError", acct, region, rs.Err)
				}
				msg := rs.Err.Error()
				if !strings.Contains(msg, role(noRole)) || !strings.Contains(msg, "arn:aws:iam::"+mgmt+":user/") || !strings.Contains(msg, "AccessDenied") {
					t.Errorf("denied AssumeRole error %q; want the role ARN, the caller's ARN and AccessDenied", msg)
				}
				continue
			}
			if rs.Err != nil {
				t.Fatalf("%s/%s: %v", acct, region, rs.Err)
			}
			want := fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:fleet-%s", region, acct, region)
			if !slices.Equal(rs.Value, []string{want}) {
				t.Errorf("%s/%s: vaults %v; want exactly [%s] (calls must land in the target's own account and Region)", acct, region, rs.Value, want)
			}
		}
	}
	if got := res.Failed(); got != 2 {
		t.Errorf("Failed() = %d; want 2", got)
	}
	if got := res.Succeeded(); got != 6 {
		t.Errorf("Succeeded() = %d; want 6", got)
	}
	assumes := func() int {
		n := 0
		for _, c := range srv.Calls() {
			if c.Operation == "AssumeRole" {
				n++
			}
		}
		return n
	}
	if got := assumes(); got != 3 {
		t.Errorf("AssumeRole called %d times; want 3: once per member account, none for the caller's own", got)
	}
	if len(progress) != 8 || progress[7].Done != 8 || progress[7].Failed != 2 || progress[7].Total != 8 {
		t.Errorf("progress %+v; want 8 reports ending Done=8 Failed=2 Total=8", progress)
	}
	// A second run of the same Runner reuses the cached credentials.
	if _, err := fleet.Run(t.Context(), r2, scope, func(context.Context, fleet.Target) (int, error) { return 0, nil }); err != nil {
		t.Fatal(err)
	}
	if got := assumes(); got != 4 {
		t.Errorf("AssumeRole called %d times after a second run; want 4 (only the denied account is tried again)", got)
	}
}

func TestRunRoleTemplateAndExternalID(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	custom := fleet.RoleARN("aws", member1, "ops/backupkit-"+member1)
	fs := newFakeSTS(mgmt, custom)
	r := newRunner(t, srv, fs, func(o *fleet.Options) {
		o.RoleName = "ops/backupkit-{account}"
		o.ExternalID = "tenant-42"
		o.SessionName = "backupkit-nightly"
		o.Duration = 30 * time.Minute
	})
	res, err := fleet.Run(t.Context(), r, fleet.Scope{Accounts: []fleet.Account{{ID: member1}}, Regions: []string{"us-west-2"}},
		func(ctx context.Context, tg fleet.Target) (string, error) {
			v, err := tg.Config.Credentials.Retrieve(ctx)
			return v.AccessKeyID, err
		})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if got := fs.calls(custom); got != 1 {
		t.Fatalf("AssumeRole %s: %d calls; want 1", custom, got)
	}
	in := fs.inputs[0]
	if aws.ToString(in.ExternalId) != "tenant-42" || aws.ToString(in.RoleSessionName) != "backupkit-nightly" || aws.ToInt32(in.DurationSeconds) != 1800 {
		t.Errorf("AssumeRole input external id %q session %q duration %d; want tenant-42, backupkit-nightly, 1800",
			aws.ToString(in.ExternalId), aws.ToString(in.RoleSessionName), aws.ToInt32(in.DurationSeconds))
	}
	if res[0].Value != "ASIABACKUPKIT"+member1 {
		t.Errorf("target credentials %q; want the assumed role's", res[0].Value)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		opt   func(*fleet.Options)
		field string
	}{
		{"role with space", func(o *fleet.Options) { o.RoleName = "Backup Role" }, "RoleName"},
		{"role with unknown placeholder", func(o *fleet.Options) { o.RoleName = "backup-{region}" }, "RoleName"},
		{"role too long after expansion", func(o *fleet.Options) { o.RoleName = strings.Repeat("r", 60) + "{account}" }, "RoleName"},
		{"session name", func(o *fleet.Options) { o.SessionName = "x" }, "SessionName"},
		{"external id", func(o *fleet.Options) { o.ExternalID = "no spaces allowed" }, "ExternalID"},
		{"duration", func(o *fleet.Options) { o.Duration = time.Minute }, "Duration"},
		{"concurrency", func(o *fleet.Options) { o.Concurrency = -1 }, "Concurrency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			called := false
			_, err := fleet.New(aws.Config{}, c.opt, func(o *fleet.Options) {
				o.NewSTS = func(aws.Config) fleet.STSAPI { called = true; return nil }
			})
			var ve *backup.ValidationError
			if !errors.As(err, &ve) || ve.Field != c.field {
				t.Fatalf("got %v; want a ValidationError for %s", err, c.field)
			}
			if called {
				t.Error("an STS client was built for invalid options")
			}
		})
	}
}

func TestRunBoundsConcurrency(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	var accounts []fleet.Account
	var roles []string
	for i := range 6 {
		id := fmt.Sprintf("%012d", 100000000000+i)
		accounts = append(accounts, fleet.Account{ID: id})
		roles = append(roles, role(id))
	}
	fs := newFakeSTS(mgmt, roles...)
	r := newRunner(t, srv, fs, func(o *fleet.Options) { o.Concurrency = 5; o.PerAccount = 2; o.PerRegion = 3 })
	var mu sync.Mutex
	overall, perAccount, perRegion := 0, map[string]int{}, map[string]int{}
	var maxOverall, maxAccount, maxRegion atomic.Int64
	up := func(v *atomic.Int64, n int) {
		for {
			cur := v.Load()
			if int64(n) <= cur || v.CompareAndSwap(cur, int64(n)) {
				return
			}
		}
	}
	scope := fleet.Scope{Accounts: accounts, Regions: []string{"us-east-1", "us-east-2", "eu-west-1", "eu-west-2"}}
	res, err := fleet.Run(t.Context(), r, scope, func(ctx context.Context, tg fleet.Target) (struct{}, error) {
		mu.Lock()
		overall++
		perAccount[tg.Account]++
		perRegion[tg.Region]++
		up(&maxOverall, overall)
		up(&maxAccount, perAccount[tg.Account])
		up(&maxRegion, perRegion[tg.Region])
		mu.Unlock()
		// One real call, so targets overlap.
		_, err := awsbackup.NewFromConfig(tg.Config).ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{})
		mu.Lock()
		overall--
		perAccount[tg.Account]--
		perRegion[tg.Region]--
		mu.Unlock()
		return struct{}{}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if len(res) != 24 {
		t.Fatalf("%d results; want 24", len(res))
	}
	if maxOverall.Load() > 5 || maxAccount.Load() > 2 || maxRegion.Load() > 3 {
		t.Errorf("at most %d running, %d per account, %d per Region; want ≤ 5, 2, 3", maxOverall.Load(), maxAccount.Load(), maxRegion.Load())
	}
}

func TestRunFailuresAreResults(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	fs := newFakeSTS(mgmt, role(member1))
	r := newRunner(t, srv, fs)
	scope := fleet.Scope{Accounts: []fleet.Account{{ID: mgmt}, {ID: member1}}, Regions: []string{"us-east-1", "eu-west-1"}}
	res, err := fleet.Run(t.Context(), r, scope, func(_ context.Context, tg fleet.Target) (int, error) {
		switch {
		case tg.Account == member1 && tg.Region == "eu-west-1":
			panic("boom")
		case tg.Account == mgmt && tg.Region == "eu-west-1":
			return 0, errors.New("opt-in Region disabled")
		}
		return 1, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pe *fleet.PanicError
	if !errors.As(res[3].Err, &pe) || pe.Value != "boom" {
		t.Errorf("panicking target: %v; want *PanicError{boom}", res[3].Err)
	}
	if res[1].Err == nil || res[0].Err != nil || res[2].Err != nil || res[0].Value != 1 {
		t.Errorf("results %+v; want only the eu-west-1 targets failed", res)
	}
	var te *fleet.TargetError
	if err := res.Err(); !errors.As(err, &te) || !strings.Contains(err.Error(), "account "+mgmt+", eu-west-1: opt-in Region disabled") {
		t.Errorf("Err() = %v; want each failure named by account and Region", err)
	}
}

func TestRunCancel(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	fs := newFakeSTS(mgmt)
	r := newRunner(t, srv, fs, func(o *fleet.Options) { o.Concurrency = 1 })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	scope := fleet.Scope{Accounts: []fleet.Account{{ID: mgmt}}, Regions: []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}}
	started := 0
	res, err := fleet.Run(ctx, r, scope, func(ctx context.Context, tg fleet.Target) (string, error) {
		started++
		cancel()
		<-ctx.Done()
		return "", ctx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if started != 1 {
		t.Errorf("%d targets started after cancel; want 1", started)
	}
	for _, rs := range res {
		if !errors.Is(rs.Err, context.Canceled) {
			t.Errorf("%s: %v; want context.Canceled", rs.Region, rs.Err)
		}
	}
}

func TestRunRejectsBadScopeBeforeAnyCall(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	fs := newFakeSTS(mgmt)
	r := newRunner(t, srv, fs)
	cases := []fleet.Scope{
		{Accounts: []fleet.Account{{ID: "12345"}}, Regions: []string{"us-east-1"}},
		{Accounts: []fleet.Account{{ID: member1}}, Regions: []string{"us-east1"}},
		{Accounts: []fleet.Account{{ID: member1}}},
		{Accounts: []fleet.Account{{ID: member1}}, Regions: []string{"us-east-1"}, AllEnabledRegions: true},
		{Accounts: []fleet.Account{{ID: member1}, {ID: member1}}, Regions: []string{"us-east-1"}},
		{Regions: []string{"us-east-1"}},
	}
	for i, sc := range cases {
		called := false
		_, err := fleet.Run(t.Context(), r, sc, func(context.Context, fleet.Target) (int, error) { called = true; return 0, nil })
		var ve *backup.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("case %d: got %v; want a ValidationError", i, err)
		}
		if called {
			t.Errorf("case %d: fn ran for an invalid scope", i)
		}
	}
	if len(fs.inputs) != 0 || len(srv.Calls()) != 0 {
		t.Errorf("calls were made for invalid scopes: %d AssumeRole, %d emulator", len(fs.inputs), len(srv.Calls()))
	}
}

func TestRunSharesThrottlingPerAccountAndRegion(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t, func(o *backuptest.Options) { o.Seed = 7 })
	var accounts []fleet.Account
	var roles []string
	for i := range 5 {
		id := fmt.Sprintf("%012d", 400000000000+i)
		accounts = append(accounts, fleet.Account{ID: id})
		roles = append(roles, role(id))
	}
	fs := newFakeSTS(mgmt, roles...)
	// The SDK's adaptive mode sleeps on a real clock once throttled; here
	// a standard retryer with 1ms backoff stands in, counted per instance.
	var built atomic.Int64
	r := newRunner(t, srv, fs, func(o *fleet.Options) {
		o.NewRetryer = func() aws.Retryer {
			built.Add(1)
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = 10
				so.RateLimiter = ratelimit.None
				so.Backoff = retryFast{}
			})
		}
	})
	srv.InjectFault(backuptest.Fault{Operation: "ListBackupVaults", ErrorCode: "ThrottlingException", Rate: 0.3})
	res, err := fleet.Run(t.Context(), r, fleet.Scope{Accounts: accounts, Regions: []string{"us-east-1", "eu-west-1"}},
		func(ctx context.Context, tg fleet.Target) (int, error) {
			c := awsbackup.NewFromConfig(tg.Config)
			for range 5 {
				if _, err := c.ListBackupVaults(ctx, &awsbackup.ListBackupVaultsInput{}); err != nil {
					return 0, err
				}
			}
			return 5, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Err(); err != nil {
		t.Fatalf("throttled calls failed a target: %v", err)
	}
	throttled := 0
	for _, c := range srv.Calls() {
		if c.ErrorCode == "ThrottlingException" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Fatal("no call was throttled; the test proves nothing")
	}
	// One retryer for STS, then one per account and Region: 5 × 2.
	if got := built.Load(); got != 11 {
		t.Errorf("%d retryers built; want 11 (STS + one per account and Region)", got)
	}
}
