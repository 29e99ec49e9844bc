// Package ssmsap answers the AWS Systems Manager for SAP API (ssm-sap,
// restJson1) that SAP HANA drills use, over the emulator's inventory:
// GetDatabase, ListDatabases and the tag operations. An SAP HANA database is
// an inventory resource of type "SAP HANA on Amazon EC2" whose ARN is
// arn:aws:ssm-sap:REGION:ACCOUNT:HANA/APPLICATION/DB/DATABASE (the shape of
// AWS Backup's SAP HANA restore documentation,
// arn:aws:ssm-sap:us-east-1:112233445566:HANA/Bar/DB/HDB).
//
// Known differences from AWS: a database's Status is RUNNING unless its
// "state" attribute says otherwise; there are no applications or
// components of their own (ApplicationId and ComponentId come from the
// ARN); credentials and hosts are not modelled.
package ssmsap

import (
	"maps"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsssmsap "github.com/aws/aws-sdk-go-v2/service/ssmsap"
	"github.com/aws/aws-sdk-go-v2/service/ssmsap/types"

	"github.com/backupkit/backupkit/backuptest/internal/inventory"
	"github.com/backupkit/backupkit/backuptest/internal/protocol/restjson"
	"github.com/backupkit/backupkit/backuptest/internal/serve"
)

// Type is the inventory type of an SAP HANA database.
const Type = "SAP HANA on Amazon EC2"

// New returns the ssm-sap service.
func New() *serve.Service {
	s := serve.NewService("ssm-sap", restjson.New(wireModel))
	s.Register("GetDatabase", serve.Handle(getDatabase))
	s.Register("ListDatabases", serve.Handle(listDatabases))
	s.Register("TagResource", serve.Handle(tagResource))
	s.Register("UntagResource", serve.Handle(untagResource))
	s.Register("ListTagsForResource", serve.Handle(listTags))
	return s
}

func notFound(what string) error {
	return serve.Errorf(http.StatusNotFound, "ResourceNotFoundException", "%s does not exist", what)
}

func validation(format string, args ...any) error {
	return serve.Errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

// parts splits HANA/APP/DB/DATABASE.
func parts(a string) (app, db string, ok bool) {
	p, err := arn.Parse(a)
	if err != nil || p.Service != "ssm-sap" {
		return "", "", false
	}
	f := strings.Split(p.Resource, "/")
	if len(f) != 4 || f[0] != "HANA" || f[2] != "DB" || f[1] == "" || f[3] == "" {
		return "", "", false
	}
	return f[1], f[3], true
}

func database(r *serve.Request, a string) (*inventory.Resource, error) {
	if _, _, ok := parts(a); !ok {
		return nil, validation("%q is not an SAP HANA database ARN (arn:aws:ssm-sap:REGION:ACCOUNT:HANA/APPLICATION/DB/DATABASE)", a)
	}
	res, ok := r.Inventory.Get(a)
	if !ok || res.Type != Type || !inventory.InScope(a, r.Account, r.Region) {
		return nil, notFound("database " + a)
	}
	return res, nil
}

func describe(r *serve.Request, res *inventory.Resource) *types.Database {
	app, db, _ := parts(res.ARN)
	return &types.Database{
		ApplicationId: aws.String(app), Arn: aws.String(res.ARN), ComponentId: aws.String(app + "-" + db),
		DatabaseId: aws.String(db), DatabaseName: aws.String(res.Attr("databaseName", db)),
		DatabaseType: types.DatabaseType(res.Attr("databaseType", string(types.DatabaseTypeTenant))),
		Status:       types.DatabaseStatus(r.Inventory.State(res, string(types.DatabaseStatusRunning))),
		PrimaryHost:  aws.String(res.Attr("primaryHost", "sap-"+strings.ToLower(app))), LastUpdated: aws.Time(res.CreationTime),
	}
}

func getDatabase(r *serve.Request, in *awsssmsap.GetDatabaseInput) (*awsssmsap.GetDatabaseOutput, error) {
	a := aws.ToString(in.DatabaseArn)
	if a == "" {
		if in.ApplicationId == nil || in.DatabaseId == nil {
			return nil, validation("give DatabaseArn, or ApplicationId, ComponentId and DatabaseId")
		}
		a = r.ARN("ssm-sap", "HANA/"+aws.ToString(in.ApplicationId)+"/DB/"+aws.ToString(in.DatabaseId))
	}
	res, err := database(r, a)
	if err != nil {
		return nil, err
	}
	return &awsssmsap.GetDatabaseOutput{Database: describe(r, res), Tags: maps.Clone(res.Tags)}, nil
}

func listDatabases(r *serve.Request, in *awsssmsap.ListDatabasesInput) (*awsssmsap.ListDatabasesOutput, error) {
	limit := int(aws.ToInt32(in.MaxResults))
	all := r.Inventory.List(r.Account, r.Region, Type)
	if app := aws.ToString(in.ApplicationId); app != "" {
		kept := all[:0]
		for _, res := range all {
			if a, _, _ := parts(res.ARN); a == app {
				kept = append(kept, res)
			}
		}
		all = kept
	}
	page, next, err := serve.Page(all, func(res *inventory.Resource) string { return res.ARN }, aws.ToString(in.NextToken), limit, "ValidationException")
	if err != nil {
		return nil, err
	}
	out := &awsssmsap.ListDatabasesOutput{}
	for _, res := range page {
		d := describe(r, res)
		out.Databases = append(out.Databases, types.DatabaseSummary{ApplicationId: d.ApplicationId, Arn: d.Arn, ComponentId: d.ComponentId,
			DatabaseId: d.DatabaseId, DatabaseType: d.DatabaseType, Tags: maps.Clone(res.Tags)})
	}
	if next != "" {
		out.NextToken = aws.String(next)
	}
	return out, nil
}

func tagResource(r *serve.Request, in *awsssmsap.TagResourceInput) (*awsssmsap.TagResourceOutput, error) {
	res, err := database(r, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	r.Inventory.Tag(res.ARN, in.Tags)
	return &awsssmsap.TagResourceOutput{}, nil
}

func untagResource(r *serve.Request, in *awsssmsap.UntagResourceInput) (*awsssmsap.UntagResourceOutput, error) {
	res, err := database(r, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	r.Inventory.Untag(res.ARN, in.TagKeys)
	return &awsssmsap.UntagResourceOutput{}, nil
}

func listTags(r *serve.Request, in *awsssmsap.ListTagsForResourceInput) (*awsssmsap.ListTagsForResourceOutput, error) {
	res, err := database(r, aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	tags := maps.Clone(res.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	return &awsssmsap.ListTagsForResourceOutput{Tags: tags}, nil
}
