package backup

import (
	"errors"
	"strings"
	"testing"
)

func TestParseResourceTypeName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want ResourceType
	}{
		{"EBS", EBS}, {"ebs", EBS}, {" RDS ", RDS}, {"FSX", FSx}, {"sap hana on amazon ec2", SAPHANA},
		{"ec2:volume", EBS}, {"EC2:Instance", EC2}, {"rds:db", RDS}, {"rds:cluster", Aurora},
		{"dynamodb:table", DynamoDB}, {"elasticfilesystem:file-system", EFS}, {"s3", S3}, {"s3:bucket", S3},
		{"fsx:volume", FSx}, {"storagegateway:gateway", StorageGateway},
	} {
		got, err := ParseResourceTypeName(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseResourceTypeName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "bogus", "ec2:", "ec2:snapshot", "volume"} {
		_, err := ParseResourceTypeName(bad)
		var ue *UnknownResourceTypeError
		if !errors.As(err, &ue) {
			t.Errorf("ParseResourceTypeName(%q) error = %v; want *UnknownResourceTypeError", bad, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "EBS, EC2, EFS") || !strings.Contains(msg, "ec2:volume") {
			t.Errorf("error %q; want it to list the valid names and an alias", msg)
		}
	}
}

func TestParseResourceTypeNames(t *testing.T) {
	t.Parallel()
	got, err := ParseResourceTypeNames("EBS,rds:db", "ebs", "S3")
	if err != nil || len(got) != 3 || got[0] != EBS || got[1] != RDS || got[2] != S3 {
		t.Errorf("ParseResourceTypeNames = %v, %v; want [EBS RDS S3]", got, err)
	}
	if got, err := ParseResourceTypeNames(); err != nil || got != nil {
		t.Errorf("ParseResourceTypeNames() = %v, %v; want nothing", got, err)
	}
	_, err = ParseResourceTypeNames("EBS,bogus", "nope")
	if err == nil || !strings.Contains(err.Error(), `unknown resource types "bogus", "nope"`) {
		t.Errorf("ParseResourceTypeNames(bogus, nope) error = %v; want both named", err)
	}
}

func TestTaggingTypesCoverEveryType(t *testing.T) {
	t.Parallel()
	for _, typ := range ResourceTypes() {
		tt := typ.TaggingTypes()
		if len(tt) == 0 {
			t.Errorf("%s.TaggingTypes() is empty", typ)
		}
		for _, a := range tt {
			back, err := ParseResourceTypeName(a)
			if err != nil {
				t.Errorf("ParseResourceTypeName(%q) = %v; want a type", a, err)
			}
			if back != typ && typ != DocumentDB && typ != Neptune {
				t.Errorf("ParseResourceTypeName(%q) = %s; want %s", a, back, typ)
			}
		}
	}
}

func FuzzParseResourceTypeNames(f *testing.F) {
	for _, s := range []string{"EBS", "ec2:volume,RDS", "", ",", "bogus", "SAP HANA on Amazon EC2", "s3:bucket"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseResourceTypeNames(s)
		if err != nil {
			var ue *UnknownResourceTypeError
			if !errors.As(err, &ue) || len(ue.Values) == 0 {
				t.Fatalf("ParseResourceTypeNames(%q) error %v; want *UnknownResourceTypeError naming a value", s, err)
			}
			return
		}
		for _, typ := range got {
			if !typ.Valid() {
				t.Fatalf("ParseResourceTypeNames(%q) returned invalid %q", s, typ)
			}
		}
	})
}
