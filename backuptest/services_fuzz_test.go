package backuptest_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/backupkit/backupkit/backuptest"
)

// FuzzServices sends arbitrary requests, signed for EC2, RDS, DynamoDB,
// EFS, FSx, S3 or the tagging API, through the emulator's ServeHTTP. Each
// protocol's decoder must answer a client error for what it cannot read:
// never a panic (a handler panic becomes 500 InternalFailure) and never a
// 5xx other than S3's 501 NotImplemented. The seed corpus in
// testdata/fuzz/FuzzServices holds the shapes real SDK requests have.
func FuzzServices(f *testing.F) {
	e := backuptest.New()
	for _, a := range []string{
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
		"arn:aws:rds:us-east-1:123456789012:db:db1", "arn:aws:dynamodb:us-east-1:123456789012:table/t1",
		"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1", "arn:aws:fsx:us-east-1:123456789012:file-system/fs-2",
		"arn:aws:s3:::bucket-1",
	} {
		if err := e.PutResource(backuptest.Resource{ARN: a, Attributes: map[string]string{"objectCount": "3"}}); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("POST", "/", "Action=DescribeVolumes&Version=2016-11-15&VolumeId.1=vol-1", "ec2", "application/x-www-form-urlencoded", "", "")
	f.Add("POST", "/", "Action=DescribeDBInstances&Version=2014-10-31&DBInstanceIdentifier=db1", "rds", "application/x-www-form-urlencoded; charset=utf-8", "", "")
	f.Add("POST", "/", `{"TableName":"t1"}`, "dynamodb", "application/x-amz-json-1.0", "DynamoDB_20120810.DescribeTable", "")
	f.Add("POST", "/", `{"FileSystemIds":["fs-2"]}`, "fsx", "application/x-amz-json-1.1", "AWSSimbaAPIService_v20180301.DescribeFileSystems", "")
	f.Add("GET", "/2015-02-01/file-systems?FileSystemId=fs-1", "", "elasticfilesystem", "", "", "")
	f.Add("GET", "/bucket-1?list-type=2&max-keys=2", "", "s3", "", "", "")
	f.Add("POST", "/?delete", `<Delete><Object><Key>object-000000</Key></Object></Delete>`, "s3", "application/xml", "", "bucket-1.localhost:4566")
	f.Add("POST", "/", `{"TagFilters":[{"Key":"a"}]}`, "tagging", "application/x-amz-json-1.1", "ResourceGroupsTaggingAPI_20170126.GetResources", "")
	n := 0
	f.Fuzz(func(t *testing.T, method, target, body, service, contentType, xAmzTarget, host string) {
		n++
		if n%2000 == 0 {
			e.Reset()
		}
		if method == "" || strings.ContainsAny(method, " \t\r\n/()<>@,;:\\\"[]?={}") || strings.ContainsAny(service, "/ \r\n,") {
			return
		}
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		}
		u, err := url.ParseRequestURI(target)
		if err != nil || strings.HasPrefix(u.Path, "/_backupkit/") {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(body))
		req.Method, req.URL, req.RequestURI = method, u, target
		if host != "" {
			req.Host = host
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDX/20260101/us-east-1/"+service+"/aws4_request, SignedHeaders=host, Signature=00")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if xAmzTarget != "" {
			req.Header.Set("X-Amz-Target", xAmzTarget)
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		if w.Code < 200 || w.Code > 599 || (w.Code >= 300 && w.Code < 400) {
			t.Fatalf("%s %s (%s): status %d", method, target, service, w.Code)
		}
		if w.Code >= 500 && w.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s (%s): status %d: %s", method, target, service, w.Code, w.Body.String())
		}
	})
}
