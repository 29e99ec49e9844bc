package sfnlocal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// MemStore is a report bucket in memory: the S3 calls of the Lambda
// function's store (PutObject, GetObject, ListObjectsV2) and the
// workflow's aws-sdk:s3:getObject Task, for local runs.
type MemStore struct {
	mu      sync.Mutex
	objects map[string][]byte // "bucket/key" → body
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{objects: map[string][]byte{}} }

// Object returns the body stored under bucket and key.
func (m *MemStore) Object(bucket, key string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objects[bucket+"/"+key]
	return b, ok
}

// PutObject stores the body.
func (m *MemStore) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)] = b
	return &s3.PutObjectOutput{}, nil
}

// GetObject returns a stored body, or NoSuchKey as S3 does.
func (m *MemStore) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	b, ok := m.Object(aws.ToString(in.Bucket), aws.ToString(in.Key))
	if !ok {
		return nil, &s3types.NoSuchKey{Message: aws.String("The specified key does not exist.")}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

// ListObjectsV2 lists the keys under Prefix, in key order, in one page.
func (m *MemStore) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	bucket := aws.ToString(in.Bucket) + "/"
	var keys []string
	for k := range m.objects {
		if strings.HasPrefix(k, bucket+aws.ToString(in.Prefix)) {
			keys = append(keys, strings.TrimPrefix(k, bucket))
		}
	}
	sort.Strings(keys)
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(false)}
	for _, k := range keys {
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(k)})
	}
	return out, nil
}

// GetObjectTask answers an arn:aws:states:::aws-sdk:s3:getObject Task from
// the store: the object's JSON body, or the Task error
// S3.NoSuchKeyException.
func (m *MemStore) GetObjectTask(input json.RawMessage) (any, error) {
	var in struct{ Bucket, Key string }
	if err := json.Unmarshal(input, &in); err != nil {
		return nil, err
	}
	b, ok := m.Object(in.Bucket, in.Key)
	if !ok {
		return nil, &TaskError{Name: "S3.NoSuchKeyException", Message: in.Key}
	}
	return json.RawMessage(b), nil
}

// InvokeLambda answers an arn:aws:states:::lambda:invoke Task with h, as
// Lambda does: the Task's Payload goes to the function, its result comes
// back as {"Payload": …, "StatusCode": 200}, and an error the function
// returns is the Task's error, named by its errorType with
// {"errorMessage", "errorType"} as the cause. Call it with a new handler
// per invocation (lambda.NewHandler reuses its output buffer), as Lambda
// runs one invocation per execution environment at a time.
func InvokeLambda(ctx context.Context, h lambda.Handler, input json.RawMessage) (any, error) {
	var in struct{ Payload json.RawMessage }
	if err := json.Unmarshal(input, &in); err != nil {
		return nil, err
	}
	out, err := h.Invoke(ctx, in.Payload)
	if err != nil {
		le, ok := invokeError(err)
		if !ok {
			return nil, err
		}
		cause, _ := json.Marshal(map[string]string{"errorMessage": le.Message, "errorType": le.Type})
		return nil, &TaskError{Name: le.Type, Message: string(cause)}
	}
	return map[string]any{"Payload": json.RawMessage(out), "StatusCode": 200}, nil
}

// invokeError finds the function's error (aws-lambda-go returns it by
// value or by pointer).
func invokeError(err error) (messages.InvokeResponse_Error, bool) {
	var le *messages.InvokeResponse_Error
	if errors.As(err, &le) {
		return *le, true
	}
	var lv messages.InvokeResponse_Error
	if errors.As(err, &lv) {
		return lv, true
	}
	return messages.InvokeResponse_Error{}, false
}
