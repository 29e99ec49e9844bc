package backuptest_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/backupkit/backupkit/backuptest"
)

// TestManyClientsOneServer runs many real SDK clients at once against one
// emulator, each creating, describing, listing, configuring and deleting
// its own vaults, a quarter of them in another account and Region. Run
// under -race it checks the emulator's locking; the final state must be
// exact.
//
// The work runs in three phases (create, list, delete), each with all
// clients at once: listing with small pages while other clients add and
// delete vaults would make offset page tokens skip entries.
func TestManyClientsOneServer(t *testing.T) {
	t.Parallel()
	const (
		clients         = 32
		vaultsPerClient = 6
		keepPerClient   = 2
	)
	srv := backuptest.NewServer(t)
	clientOf := func(i int) *awsbackup.Client {
		if i%4 == 3 {
			return srv.ClientFor("210987654321", "eu-west-1")
		}
		return srv.Client()
	}
	keyOf := func(i int) string {
		if i%4 == 3 {
			return "210987654321/eu-west-1"
		}
		return "123456789012/us-east-1"
	}
	vaultName := func(i, j int) string { return fmt.Sprintf("c%02d-v%d", i, j) }
	phase := func(name string, work func(ctx context.Context, i int, c *awsbackup.Client) error) {
		t.Helper()
		g, ctx := errgroup.WithContext(t.Context())
		for i := range clients {
			c := clientOf(i)
			g.Go(func() error { return work(ctx, i, c) })
		}
		require.NoError(t, g.Wait(), name)
	}

	phase("create", func(ctx context.Context, i int, c *awsbackup.Client) error {
		for j := range vaultsPerClient {
			name := vaultName(i, j)
			out, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{
				BackupVaultName:  aws.String(name),
				CreatorRequestId: aws.String(name + "-req"),
				BackupVaultTags:  map[string]string{"owner": fmt.Sprint(i)},
			})
			if err != nil {
				return fmt.Errorf("create %s: %w", name, err)
			}
			// A retry with the same request id is idempotent.
			again, err := c.CreateBackupVault(ctx, &awsbackup.CreateBackupVaultInput{BackupVaultName: aws.String(name), CreatorRequestId: aws.String(name + "-req")})
			if err != nil || aws.ToString(again.BackupVaultArn) != aws.ToString(out.BackupVaultArn) {
				return fmt.Errorf("idempotent create %s: got %v, %v", name, again, err)
			}
			d, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
			if err != nil {
				return fmt.Errorf("describe %s: %w", name, err)
			}
			if got, want := aws.ToString(d.BackupVaultArn), aws.ToString(out.BackupVaultArn); got != want {
				return fmt.Errorf("describe %s: got ARN %s; want %s", name, got, want)
			}
			if _, err := c.PutBackupVaultNotifications(ctx, &awsbackup.PutBackupVaultNotificationsInput{
				BackupVaultName: aws.String(name), SNSTopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:t"),
				BackupVaultEvents: []types.BackupVaultEvent{types.BackupVaultEventBackupJobCompleted},
			}); err != nil {
				return fmt.Errorf("notifications %s: %w", name, err)
			}
		}
		return nil
	})

	phase("list", func(ctx context.Context, i int, c *awsbackup.Client) error {
		p := awsbackup.NewListBackupVaultsPaginator(c, &awsbackup.ListBackupVaultsInput{MaxResults: aws.Int32(int32(5 + i%7))})
		var names []string
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list: %w", err)
			}
			for _, v := range page.BackupVaultList {
				names = append(names, aws.ToString(v.BackupVaultName))
			}
		}
		want := clients * 3 / 4 * vaultsPerClient
		if i%4 == 3 {
			want = clients / 4 * vaultsPerClient
		}
		if len(names) != want || !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != want {
			return fmt.Errorf("client %d listed %d vaults (sorted %v); want %d distinct", i, len(names), slices.IsSorted(names), want)
		}
		for j := range vaultsPerClient {
			if !slices.Contains(names, vaultName(i, j)) {
				return fmt.Errorf("client %d: %s not listed", i, vaultName(i, j))
			}
		}
		return nil
	})

	phase("delete", func(ctx context.Context, i int, c *awsbackup.Client) error {
		for j := keepPerClient; j < vaultsPerClient; j++ {
			name := vaultName(i, j)
			if _, err := c.DeleteBackupVault(ctx, &awsbackup.DeleteBackupVaultInput{BackupVaultName: aws.String(name)}); err != nil {
				return fmt.Errorf("delete %s: %w", name, err)
			}
			_, err := c.DescribeBackupVault(ctx, &awsbackup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
			var nf *types.ResourceNotFoundException
			if !assert.ErrorAs(t, err, &nf) {
				return fmt.Errorf("describe deleted %s: got %v; want ResourceNotFoundException", name, err)
			}
		}
		return nil
	})

	want := map[string][]string{}
	for i := range clients {
		for j := range keepPerClient {
			want[keyOf(i)] = append(want[keyOf(i)], vaultName(i, j))
		}
	}
	got := map[string][]string{}
	for _, i := range []int{0, 3} {
		out, err := clientOf(i).ListBackupVaults(t.Context(), &awsbackup.ListBackupVaultsInput{})
		require.NoError(t, err)
		for _, v := range out.BackupVaultList {
			got[keyOf(i)] = append(got[keyOf(i)], aws.ToString(v.BackupVaultName))
		}
		sort.Strings(want[keyOf(i)])
	}
	assert.Equal(t, want, got)

	count := map[string]int{}
	for _, c := range srv.Calls() {
		assert.Less(t, c.Status, 500, "%+v", c)
		if c.Status < 300 {
			count[c.Operation]++
		}
	}
	deleted := clients * (vaultsPerClient - keepPerClient)
	assert.Equal(t, clients*vaultsPerClient*2, count["CreateBackupVault"])
	assert.Equal(t, clients*vaultsPerClient, count["DescribeBackupVault"], "successful describes")
	assert.Equal(t, clients*vaultsPerClient, count["PutBackupVaultNotifications"])
	assert.Equal(t, deleted, count["DeleteBackupVault"])
}
