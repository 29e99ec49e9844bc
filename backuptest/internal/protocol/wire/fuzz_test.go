package wire_test

import (
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/backupkit/backupkit/backuptest/internal/protocol/model"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/wire"
	"reflect"
)

// The decoders read whatever a client sends; these targets check that no
// input makes them panic or loop, and that what they reject is a *wire.Error
// (answered as the caller's error). Seeds are in testdata/fuzz.

var fuzzModel = &model.Model{Shapes: map[string]map[string]model.Member{
	"DescribeInstancesInput":   {"InstanceIds": {Query: "InstanceId"}, "Filters": {Query: "Filter"}},
	"Filter":                   {"Values": {Query: "Value", Item: "Value"}},
	"DescribeDBInstancesInput": {"Filters": {Item: "Filter"}},
	"Delete":                   {"Objects": {Name: "Object", Flat: true}},
}}

func FuzzDecodeQuery(f *testing.F) {
	for _, s := range []string{
		"Action=DescribeInstances&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=tag%3Aenv&Filter.1.Value.1=prod&MaxResults=5",
		"Action=DescribeDBInstances&Filters.Filter.1.Name=engine&Filters.Filter.1.Values.Value.1=mysql&MaxRecords=20&Marker=abc",
		"InstanceId.0=i&InstanceId.99999999999999999999=x&Filters=",
		"Filter.1.Value.1.Value.1=x&MaxResults=-1&DryRun=maybe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		form, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		for _, tc := range []struct {
			in    any
			style wire.QueryStyle
		}{{&ec2.DescribeInstancesInput{}, wire.EC2Query}, {&rds.DescribeDBInstancesInput{}, wire.AWSQuery}} {
			if err := wire.DecodeQuery(form, tc.in, fuzzModel, tc.style); err != nil {
				if _, ok := err.(*wire.Error); !ok {
					t.Fatalf("DecodeQuery(%q) error %T %v; want *wire.Error", s, err, err)
				}
			}
		}
	})
}

func FuzzParseXML(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet></Delete>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<Delete><Object><Key>a</Key></Object></Delete><Extra/>`,
		`<a><b><c><d><e><f><g></g></f></e></d></c></b></a>`,
		`<Delete><Quiet>perhaps</Quiet></Delete>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		root, err := wire.ParseXML(b)
		if err != nil {
			if _, ok := err.(*wire.Error); !ok {
				t.Fatalf("ParseXML error %T %v; want *wire.Error", err, err)
			}
			return
		}
		var d s3types.Delete
		if err := wire.AssignXML(reflect.ValueOf(&d).Elem(), root, fuzzModel, root.Name); err != nil {
			if _, ok := err.(*wire.Error); !ok {
				t.Fatalf("AssignXML error %T %v; want *wire.Error", err, err)
			}
		}
	})
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"TableName":"orders"}`,
		`{"TableName":"t","Limit":3,"ExclusiveStartTableName":"a"}`,
		`{"ExclusiveStartTableName":7}`,
		`[1,2]`,
		`{"Limit":1e400}`,
		`{"TableName":"a"} trailing`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, in := range []any{&dynamodb.DescribeTableInput{}, &dynamodb.ListTablesInput{}, &dynamodb.TagResourceInput{}} {
			if err := wire.DecodeJSON(b, in); err != nil {
				if _, ok := err.(*wire.Error); !ok {
					t.Fatalf("DecodeJSON error %T %v; want *wire.Error", err, err)
				}
			}
		}
	})
}
