package fleet_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/backupkit/backupkit/fleet"
)

// A Result in JSON carries its error's text and its elapsed time in
// seconds, never nanoseconds.
func TestResultJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(fleet.Results[int]{
		{Account: "111111111111", Region: "us-east-1", Value: 7, Elapsed: 1500 * time.Millisecond},
		{Account: "222222222222", Region: "eu-west-1", Err: errors.New("AccessDenied"), Elapsed: 250 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"account":"111111111111","region":"us-east-1","value":7,"elapsedSeconds":1.5},` +
		`{"account":"222222222222","region":"eu-west-1","value":0,"error":"AccessDenied","elapsedSeconds":0.25}]`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
}
