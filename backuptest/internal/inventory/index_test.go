package inventory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// naiveList is List as a full scan: what the index must agree with.
func naiveList(s *Store, account, region, after string, types ...string) []string {
	var out []string
	for a, r := range s.Resources {
		if a <= after || (len(types) > 0 && !slices.Contains(types, r.Type)) || !InScope(a, account, region) {
			continue
		}
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

func arnsOf(rs []*Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ARN
	}
	return out
}

func TestListOrderAndScope(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	s := NewStore()
	// Added out of order, in several accounts, Regions and types, plus an
	// S3 bucket, whose ARN names neither account nor Region.
	for _, a := range []string{
		"arn:aws:ec2:us-east-1:111111111111:volume/vol-3",
		"arn:aws:ec2:us-east-1:111111111111:volume/vol-1",
		"arn:aws:rds:us-east-1:111111111111:db:orders",
		"arn:aws:ec2:us-east-1:111111111111:instance/i-9",
		"arn:aws:ec2:eu-west-1:111111111111:volume/vol-2",
		"arn:aws:ec2:us-east-1:222222222222:volume/vol-0",
		"arn:aws:s3:::bucket-a",
		"arn:aws:ec2:us-east-1:111111111111:volume/vol-2",
	} {
		if err := s.Put(Resource{ARN: a}, now); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name            string
		account, region string
		after           string
		types           []string
		want            []string
	}{
		{"every type of a location, with the bucket", "111111111111", "us-east-1", "", nil, []string{
			"arn:aws:ec2:us-east-1:111111111111:instance/i-9",
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-1",
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-2",
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-3",
			"arn:aws:rds:us-east-1:111111111111:db:orders",
			"arn:aws:s3:::bucket-a",
		}},
		{"one type", "111111111111", "us-east-1", "", []string{"EBS"}, []string{
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-1",
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-2",
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-3",
		}},
		{"after a cursor", "111111111111", "us-east-1", "arn:aws:ec2:us-east-1:111111111111:volume/vol-1", []string{"EBS", "RDS"}, []string{
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-2",
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-3",
			"arn:aws:rds:us-east-1:111111111111:db:orders",
		}},
		{"after a cursor that is not an ARN in the list", "111111111111", "us-east-1", "arn:aws:ec2:us-east-1:111111111111:volume/vol-15", []string{"EBS"}, []string{
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-2",
			"arn:aws:ec2:us-east-1:111111111111:volume/vol-3",
		}},
		{"another Region", "111111111111", "eu-west-1", "", nil, []string{
			"arn:aws:ec2:eu-west-1:111111111111:volume/vol-2",
			"arn:aws:s3:::bucket-a",
		}},
		{"another account", "222222222222", "us-east-1", "", []string{"EBS"}, []string{
			"arn:aws:ec2:us-east-1:222222222222:volume/vol-0",
		}},
		{"a type with none", "111111111111", "us-east-1", "", []string{"EFS"}, nil},
		{"an account with none", "333333333333", "us-east-1", "", []string{"EBS"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := arnsOf(slices.Collect(s.Scan(tt.account, tt.region, tt.after, tt.types...)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q; want %q", got, tt.want)
			}
			if tt.after == "" {
				if got := arnsOf(s.List(tt.account, tt.region, tt.types...)); !slices.Equal(got, tt.want) {
					t.Errorf("List: got %q; want %q", got, tt.want)
				}
			}
		})
	}
}

// TestIndexAgreesWithScan puts, replaces, removes and deletes resources at
// random and checks after each step that every listing equals a full scan.
func TestIndexAgreesWithScan(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	now := time.Unix(1_700_000_000, 0)
	accounts := []string{"111111111111", "222222222222"}
	regions := []string{"us-east-1", "eu-west-1"}
	randomARN := func() string {
		acct, reg := accounts[rng.IntN(2)], regions[rng.IntN(2)]
		n := rng.IntN(40)
		switch rng.IntN(4) {
		case 0:
			return fmt.Sprintf("arn:aws:ec2:%s:%s:volume/vol-%02d", reg, acct, n)
		case 1:
			return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/t%02d", reg, acct, n)
		case 2:
			return fmt.Sprintf("arn:aws:rds:%s:%s:db:d%02d", reg, acct, n)
		default:
			return fmt.Sprintf("arn:aws:s3:::b%02d", n)
		}
	}
	s := NewStore()
	s.Init()
	for step := range 2000 {
		switch op := rng.IntN(10); {
		case op < 6:
			if err := s.Put(Resource{ARN: randomARN()}, now); err != nil {
				t.Fatal(err)
			}
		case op < 8:
			s.Remove(randomARN())
		default:
			s.Delete(randomARN(), Deletion{State: "deleting", At: now.Add(time.Duration(rng.IntN(3)) * time.Second)})
		}
		if step%7 == 0 {
			now = now.Add(time.Second)
			s.Advance(now)
		}
		if step%50 != 0 {
			continue
		}
		for _, acct := range accounts {
			for _, reg := range regions {
				for _, types := range [][]string{nil, {"EBS"}, {"RDS", "DynamoDB"}, {"S3"}} {
					after := ""
					if rng.IntN(2) == 0 {
						after = randomARN()
					}
					got := arnsOf(slices.Collect(s.Scan(acct, reg, after, types...)))
					if want := naiveList(&s, acct, reg, after, types...); !slices.Equal(got, want) {
						t.Fatalf("step %d: Scan(%s, %s, %q, %v) = %q; want %q", step, acct, reg, after, types, got, want)
					}
				}
			}
		}
	}
}

func TestIndexNoticesADirectMapWrite(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	s := NewStore()
	if err := s.Put(Resource{ARN: "arn:aws:ec2:us-east-1:111111111111:volume/vol-1"}, now); err != nil {
		t.Fatal(err)
	}
	_ = s.List("111111111111", "us-east-1") // build the index
	r := Resource{ARN: "arn:aws:ec2:us-east-1:111111111111:volume/vol-0"}
	if err := Normalize(&r, now); err != nil {
		t.Fatal(err)
	}
	s.Resources[r.ARN] = &r
	got := arnsOf(s.List("111111111111", "us-east-1", "EBS"))
	if want := []string{r.ARN, "arn:aws:ec2:us-east-1:111111111111:volume/vol-1"}; !slices.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
}

func TestPutReplacesAndKeepsOneEntry(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	s := NewStore()
	a := "arn:aws:ec2:us-east-1:111111111111:volume/vol-1"
	for _, typ := range []string{"", "", "EBS"} {
		if err := s.Put(Resource{ARN: a, Type: typ, Tags: map[string]string{"n": typ}}, now); err != nil {
			t.Fatal(err)
		}
	}
	// A resource filed under a type the caller set explicitly moves with it.
	if err := s.Put(Resource{ARN: a, Type: "EC2"}, now); err != nil {
		t.Fatal(err)
	}
	if got := s.List("111111111111", "us-east-1"); len(got) != 1 || got[0].Type != "EC2" {
		t.Errorf("got %v; want one EC2 entry", got)
	}
	if got := s.List("111111111111", "us-east-1", "EBS"); len(got) != 0 {
		t.Errorf("EBS still lists %v after the type changed", arnsOf(got))
	}
	if len(s.Resources) != 1 {
		t.Errorf("got %d resources; want 1", len(s.Resources))
	}
}

// BenchmarkListPage reads one 50-resource page from a location of 1,000
// resources in inventories of growing size: with the index the cost stays
// that of the page; the full scan (the former List) grows with the
// inventory.
func BenchmarkListPage(b *testing.B) {
	now := time.Unix(1_700_000_000, 0)
	for _, locations := range []int{1, 20, 200} {
		s := NewStore()
		for l := range locations {
			acct := fmt.Sprintf("%012d", 500000000000+l)
			for j := range 1000 {
				if err := s.Put(Resource{ARN: fmt.Sprintf("arn:aws:ec2:us-east-1:%s:volume/vol-%06d", acct, j)}, now); err != nil {
					b.Fatal(err)
				}
			}
		}
		acct := fmt.Sprintf("%012d", 500000000000)
		after := fmt.Sprintf("arn:aws:ec2:us-east-1:%s:volume/vol-%06d", acct, 500)
		b.Run(fmt.Sprintf("index/inventory=%d", locations*1000), func(b *testing.B) {
			for b.Loop() {
				n := 0
				for range s.Scan(acct, "us-east-1", after) {
					if n++; n == 50 {
						break
					}
				}
			}
		})
		b.Run(fmt.Sprintf("scan/inventory=%d", locations*1000), func(b *testing.B) {
			for b.Loop() {
				all := naiveList(&s, acct, "us-east-1", after)
				_ = all[:50]
			}
		})
	}
}

func TestMergeOrder(t *testing.T) {
	t.Parallel()
	got := slices.Collect(merge([][]string{{"a", "d", "g"}, {"b", "e"}, {"c", "f", "h", "i"}}))
	if want := strings.Split("abcdefghi", ""); !slices.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
}
