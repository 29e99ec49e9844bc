package backuptest_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/backupkit/backupkit/backuptest"
)

func TestTaggingGetResources(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	for i := range 120 {
		env := "dev"
		if i%3 == 0 {
			env = "prod"
		}
		if err := srv.PutResource(backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%03d", i), Tags: map[string]string{"env": env, "team": fmt.Sprint("t", i%2)}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []string{
		"arn:aws:rds:us-east-1:123456789012:db:orders",
		"arn:aws:dynamodb:us-east-1:123456789012:table/sessions",
		"arn:aws:ec2:eu-west-1:123456789012:volume/vol-eu",
		"arn:aws:ec2:us-east-1:210987654321:volume/vol-other",
	} {
		if err := srv.PutResource(backuptest.Resource{ARN: a, Tags: map[string]string{"env": "prod"}}); err != nil {
			t.Fatal(err)
		}
	}
	client := tagging.NewFromConfig(srv.Config())
	list := func(t *testing.T, in *tagging.GetResourcesInput) []string {
		t.Helper()
		var arns []string
		p := tagging.NewGetResourcesPaginator(client, in)
		for p.HasMorePages() {
			page, err := p.NextPage(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.ResourceTagMappingList {
				arns = append(arns, aws.ToString(m.ResourceARN))
			}
		}
		return arns
	}
	tests := []struct {
		name string
		in   *tagging.GetResourcesInput
		want int
	}{
		{"everything in the caller's account and Region, paged", &tagging.GetResourcesInput{ResourcesPerPage: aws.Int32(25)}, 122},
		{"by tag", &tagging.GetResourcesInput{TagFilters: []tagtypes.TagFilter{{Key: aws.String("env"), Values: []string{"prod"}}}}, 42},
		{"tags AND-ed", &tagging.GetResourcesInput{TagFilters: []tagtypes.TagFilter{{Key: aws.String("env"), Values: []string{"prod"}}, {Key: aws.String("team"), Values: []string{"t0"}}}}, 20},
		{"values OR-ed", &tagging.GetResourcesInput{TagFilters: []tagtypes.TagFilter{{Key: aws.String("env"), Values: []string{"prod", "dev"}}}}, 122},
		{"key present", &tagging.GetResourcesInput{TagFilters: []tagtypes.TagFilter{{Key: aws.String("team")}}}, 120},
		{"by service", &tagging.GetResourcesInput{ResourceTypeFilters: []string{"rds"}}, 1},
		{"by service:type", &tagging.GetResourcesInput{ResourceTypeFilters: []string{"dynamodb:table", "rds:db"}}, 2},
		{"type and tag", &tagging.GetResourcesInput{ResourceTypeFilters: []string{"ec2:volume"}, TagFilters: []tagtypes.TagFilter{{Key: aws.String("env"), Values: []string{"prod"}}}}, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := list(t, tt.in)
			if len(got) != tt.want {
				t.Errorf("got %d resources; want %d", len(got), tt.want)
			}
			if slices.Contains(got, "arn:aws:ec2:eu-west-1:123456789012:volume/vol-eu") || slices.Contains(got, "arn:aws:ec2:us-east-1:210987654321:volume/vol-other") {
				t.Error("listed a resource of another Region or account")
			}
		})
	}
	t.Run("other account sees its own", func(t *testing.T) {
		t.Parallel()
		other := tagging.NewFromConfig(srv.ConfigFor("210987654321", "us-east-1"))
		out, err := other.GetResources(t.Context(), &tagging.GetResourcesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ResourceTagMappingList) != 1 || aws.ToString(out.ResourceTagMappingList[0].ResourceARN) != "arn:aws:ec2:us-east-1:210987654321:volume/vol-other" {
			t.Errorf("got %v; want only vol-other", out.ResourceTagMappingList)
		}
		if tags := out.ResourceTagMappingList[0].Tags; len(tags) != 1 || aws.ToString(tags[0].Key) != "env" {
			t.Errorf("tags = %v; want env", tags)
		}
	})
	t.Run("bad page size", func(t *testing.T) {
		t.Parallel()
		_, err := client.GetResources(t.Context(), &tagging.GetResourcesInput{ResourcesPerPage: aws.Int32(500)})
		var ipe *tagtypes.InvalidParameterException
		if !errors.As(err, &ipe) {
			t.Errorf("got %v; want InvalidParameterException", err)
		}
	})
	t.Run("bad token", func(t *testing.T) {
		t.Parallel()
		_, err := client.GetResources(t.Context(), &tagging.GetResourcesInput{PaginationToken: aws.String("nope")})
		var pte *tagtypes.PaginationTokenExpiredException
		if !errors.As(err, &pte) {
			t.Errorf("got %v; want PaginationTokenExpiredException", err)
		}
	})
}

func TestTaggingFaultsAndCallLog(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	srv.InjectFault(backuptest.Fault{Operation: "GetResources", ErrorCode: "ThrottlingException", Count: 1})
	client := tagging.NewFromConfig(srv.Config())
	if _, err := client.GetResources(t.Context(), &tagging.GetResourcesInput{}); err != nil {
		t.Fatalf("the SDK should retry the injected throttle: %v", err)
	}
	var ops []string
	for _, c := range srv.Calls() {
		if c.Operation == "GetResources" {
			ops = append(ops, c.ErrorCode)
		}
	}
	if !slices.Equal(ops, []string{"ThrottlingException", ""}) {
		t.Errorf("GetResources calls = %q; want a throttle then a success", ops)
	}
}

// TestTaggingPagesFromACursor pages through the caller's resources while
// others are added and removed, and with ResourceARNList: each page starts
// after the last ARN of the one before, in ARN order, with no resource
// twice and none of another account or Region.
func TestTaggingPagesFromACursor(t *testing.T) {
	t.Parallel()
	srv := backuptest.NewServer(t)
	arn := func(i int) string { return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%03d", i) }
	for _, i := range []int{7, 3, 9, 1, 5, 8, 2, 6, 4, 0} { // out of order
		if err := srv.PutResource(backuptest.Resource{ARN: arn(i)}); err != nil {
			t.Fatal(err)
		}
		if err := srv.PutResource(backuptest.Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-west-2:123456789012:volume/vol-%03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.PutResource(backuptest.Resource{ARN: "arn:aws:s3:::logs"}); err != nil {
		t.Fatal(err)
	}
	client := tagging.NewFromConfig(srv.Config())
	page := func(t *testing.T, in *tagging.GetResourcesInput) ([]string, *string) {
		t.Helper()
		out, err := client.GetResources(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range out.ResourceTagMappingList {
			got = append(got, aws.ToString(m.ResourceARN))
		}
		return got, out.PaginationToken
	}

	got, tok := page(t, &tagging.GetResourcesInput{ResourcesPerPage: aws.Int32(4)})
	if want := []string{arn(0), arn(1), arn(2), arn(3)}; !slices.Equal(got, want) {
		t.Fatalf("first page = %q; want %q", got, want)
	}
	// Between pages: vol-002 (already listed) and vol-004 (next) go, and
	// vol-0045 arrives after the cursor.
	srv.DeleteResource(arn(2))
	srv.DeleteResource(arn(4))
	if err := srv.PutResource(backuptest.Resource{ARN: "arn:aws:ec2:us-east-1:123456789012:volume/vol-0045"}); err != nil {
		t.Fatal(err)
	}
	got, tok = page(t, &tagging.GetResourcesInput{ResourcesPerPage: aws.Int32(4), PaginationToken: tok})
	if want := []string{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0045", arn(5), arn(6), arn(7)}; !slices.Equal(got, want) {
		t.Fatalf("second page = %q; want %q", got, want)
	}
	got, tok = page(t, &tagging.GetResourcesInput{ResourcesPerPage: aws.Int32(4), PaginationToken: tok})
	if want := []string{arn(8), arn(9), "arn:aws:s3:::logs"}; !slices.Equal(got, want) || tok != nil {
		t.Fatalf("last page = %q, token %v; want %q and no token", got, aws.ToString(tok), want)
	}

	t.Run("ResourceARNList", func(t *testing.T) {
		list := []string{arn(9), arn(1), "arn:aws:ec2:us-west-2:123456789012:volume/vol-001", arn(1), arn(5), "arn:aws:ec2:us-east-1:123456789012:volume/vol-404"}
		got, tok := page(t, &tagging.GetResourcesInput{ResourceARNList: list, ResourcesPerPage: aws.Int32(2)})
		if want := []string{arn(1), arn(5)}; !slices.Equal(got, want) || tok == nil {
			t.Fatalf("first page = %q (token %v); want %q and a token", got, tok != nil, want)
		}
		got, tok = page(t, &tagging.GetResourcesInput{ResourceARNList: list, ResourcesPerPage: aws.Int32(2), PaginationToken: tok})
		if want := []string{arn(9)}; !slices.Equal(got, want) || tok != nil {
			t.Fatalf("second page = %q; want %q and no token", got, want)
		}
	})
	t.Run("bucket in the emulator's own account only", func(t *testing.T) {
		other := tagging.NewFromConfig(srv.ConfigFor("210987654321", "us-east-1"))
		out, err := other.GetResources(t.Context(), &tagging.GetResourcesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.ResourceTagMappingList) != 0 {
			t.Errorf("another account lists %d resources; want 0", len(out.ResourceTagMappingList))
		}
	})
}
