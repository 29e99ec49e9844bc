// Package model holds the wire names of the operations and shapes an
// emulated service serves, where they differ from the SDK's Go field names:
// XML element names, query keys, HTTP bindings, list wrappers. The SDK
// clients of EC2, S3 and EFS carry no runtime schema, so each service
// folder keeps a generated table (model_gen.go, made by ./gen from
// botocore's copy of the service's Smithy model) that the protocol codecs
// read beside the SDK's own input and output structs.
package model

// Member is how one structure member travels on the wire.
type Member struct {
	// Name is the model's locationName: the XML element, header, URI label
	// or query-string key. Empty: the Go field name.
	Name string
	// Query is the ec2Query key (queryName, else the capitalised
	// locationName) when it differs from the Go field name.
	Query string
	// Item is the element name of a list's members. Empty: "member".
	Item string
	// Flat marks a flattened list: members repeat without a wrapper.
	Flat bool
	// Location is "uri", "querystring", "header", "headers" or
	// "statusCode"; empty for the body.
	Location string
	// Payload marks the member that is the whole HTTP body.
	Payload bool
	// NS is the XML namespace of a payload member.
	NS string
}

// Op is one operation's HTTP binding and its SDK input and output types.
type Op struct {
	Method string
	// URI is the request URI pattern, e.g. "/{Bucket}?list-type=2".
	URI string
	// Status is the success status when it is not 200.
	Status int
	// Input and Output are the Go type names ("DescribeVolumesInput").
	Input, Output string
}

// Model is a service's wire names: its operations, and by Go type name
// (the SDK's struct name, e.g. "Volume" or "DescribeVolumesOutput") the
// members whose wire form differs from the plain Go field name.
type Model struct {
	Ops    map[string]Op
	Shapes map[string]map[string]Member
}

// Member returns the wire facts of field in the Go type typeName.
func (m *Model) Member(typeName, field string) Member {
	if m == nil {
		return Member{}
	}
	return m.Shapes[typeName][field]
}
