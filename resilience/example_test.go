package resilience_test

import (
	"context"
	"fmt"
	"time"

	"github.com/backupkit/backupkit/resilience"
	"github.com/backupkit/backupkit/resilience/resiliencetest"
)

// Read an app's policy and see which objective a restore is judged
// against. resiliencetest.Hub stands in for Resilience Hub here; with AWS
// pass resiliencehub.NewFromConfig(cfg).
func ExampleClient_App() {
	hub := &resiliencetest.Hub{}
	hub.PutPolicy(policyARN, "gold", "Critical", map[string]resiliencetest.Objective{
		"AZ":     {RTO: 30 * time.Minute, RPO: time.Hour},
		"Region": {RTO: 4 * time.Hour, RPO: 24 * time.Hour},
	})
	hub.PutApp(appARN, "shop", policyARN, resiliencetest.Resource{Type: "AWS::EC2::Volume", Identifier: "vol-1"})
	app, err := resilience.New(hub).App(context.Background(), appARN)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(app.Policy.Name, app.Policy.Tier, app.ProtectedARNs())
	for _, cross := range []bool{false, true} {
		d, o, _ := app.Policy.ForRestore(cross)
		fmt.Printf("cross-Region %v: %s objective, RTO %v, RPO %v\n", cross, d, o.RTO, o.RPO)
	}
	// Output:
	// gold Critical [arn:aws:ec2:us-east-1:123456789012:volume/vol-1]
	// cross-Region false: AZ objective, RTO 30m0s, RPO 1h0m0s
	// cross-Region true: Region objective, RTO 4h0m0s, RPO 24h0m0s
}
