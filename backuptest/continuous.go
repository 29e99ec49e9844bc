package backuptest

import "time"

// restorableWindow is the span of time a continuous recovery point can
// restore to: from its earliest retained change to its latest.
type restorableWindow struct {
	earliest, latest time.Time
}

// continuousWindow returns the restorable window of a continuous recovery
// point, nil for a snapshot.
func continuousWindow(rs *regionState, rp *recoveryPoint) *restorableWindow {
	cp := rs.Continuous[rp.ARN]
	if cp == nil {
		return nil
	}
	return &restorableWindow{earliest: cp.Earliest, latest: cp.Latest}
}

// continuousPoint is what makes a recovery point continuous: the window of
// point-in-time restores it covers.
type continuousPoint struct {
	Earliest, Latest time.Time
}
