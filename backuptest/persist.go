package backuptest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/backupkit/backupkit/backuptest/internal/backupgateway"
	"github.com/backupkit/backupkit/backuptest/internal/kms"
	"github.com/backupkit/backupkit/backuptest/internal/orgstate"
)

// stateFormat is the version of the saved-state document. LoadState
// refuses documents of another version rather than guessing.
const stateFormat = 1

// savedState is the document SaveState writes: the emulator's state (the
// resource inventory and every account's and Region's AWS Backup
// resources). The call log, events, fault rules and pending job failures
// are test scaffolding and are not saved.
type savedState struct {
	Format int    `json:"format"`
	State  *state `json:"state"`
	// Organization is the emulated organization (accounts, OUs, roles,
	// STS sessions, delegated administrators); absent in documents saved
	// before the emulator had one, which then keep the current one.
	Organization *orgstate.Snapshot `json:"organization,omitempty"`
	// KMS holds the emulator's KMS keys, aliases and custom key stores;
	// Gateway its backup gateways and hypervisors. A document without them
	// (written before they were saved) loads with the KMS seeded afresh
	// and no gateways.
	KMS     *kms.Snapshot           `json:"kms,omitempty"`
	Gateway *backupgateway.Snapshot `json:"backupGateway,omitempty"`
}

// SaveState writes the emulator's state as JSON to w. The call log,
// events, faults and pending job failures are not part of it.
func (e *Emulator) SaveState(w io.Writer) error {
	e.mu.Lock()
	keys, gws := e.keys.Snapshot(), e.gateways.Snapshot()
	b, err := json.Marshal(savedState{Format: stateFormat, State: e.st, Organization: e.org.Snapshot(), KMS: &keys, Gateway: &gws})
	e.mu.Unlock()
	if err != nil {
		return fmt.Errorf("backuptest: encode state: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("backuptest: write state: %w", err)
	}
	return nil
}

// LoadState replaces the emulator's state with one written by SaveState.
// On error the current state is left unchanged.
func (e *Emulator) LoadState(r io.Reader) error {
	var doc savedState
	dec := json.NewDecoder(bufio.NewReader(r))
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("backuptest: read state: %w", err)
	}
	if doc.Format != stateFormat {
		return fmt.Errorf("backuptest: read state: format %d is not supported (want %d)", doc.Format, stateFormat)
	}
	st := doc.State
	if st == nil {
		return errors.New("backuptest: read state: no \"state\" member")
	}
	if st.Accounts == nil {
		st.Accounts = map[string]*accountState{}
	}
	st.Init()
	for id, a := range st.Accounts {
		if a == nil {
			delete(st.Accounts, id)
			continue
		}
		a.ID = id
		if a.GlobalSettings == nil {
			a.GlobalSettings = map[string]string{"isCrossAccountBackupEnabled": "false"}
		}
		if a.Regions == nil {
			a.Regions = map[string]*regionState{}
		}
		for name, rs := range a.Regions {
			if rs == nil {
				delete(a.Regions, name)
				continue
			}
			rs.Account, rs.Region = id, name
			rs.init()
		}
	}
	if doc.Organization != nil {
		if err := e.org.Restore(doc.Organization); err != nil {
			return fmt.Errorf("backuptest: read state: %w", err)
		}
	}
	e.mu.Lock()
	e.st = st
	if doc.KMS != nil {
		e.keys.Restore(*doc.KMS)
	} else {
		e.keys.Reset()
		e.seedKMS()
	}
	if doc.Gateway != nil {
		e.gateways.Restore(*doc.Gateway)
	} else {
		e.gateways.Reset()
	}
	e.mu.Unlock()
	return nil
}

// SaveStateFile writes the state to path atomically: it writes a temporary
// file in the same directory, syncs it, and renames it over path, so a
// crash leaves either the old or the new state, never a torn file.
func (e *Emulator) SaveStateFile(path string) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("backuptest: save state: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	w := bufio.NewWriter(f)
	if err := e.SaveState(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("backuptest: save state: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backuptest: save state: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backuptest: save state: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("backuptest: save state: %w", err)
	}
	// Make the rename itself durable.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// LoadStateFile loads state saved by SaveStateFile. A missing file is not
// an error: loaded reports whether there was one.
func (e *Emulator) LoadStateFile(path string) (loaded bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("backuptest: load state: %w", err)
	}
	defer f.Close()
	if err := e.LoadState(f); err != nil {
		return false, fmt.Errorf("%w (file %s)", err, path)
	}
	return true, nil
}

// StateCounts counts the backup vaults and recovery points held, over
// every account and Region (the emulator command reports them after
// loading a state file).
func (e *Emulator) StateCounts() (vaults, recoveryPoints int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.st.Accounts {
		for _, r := range a.Regions {
			vaults += len(r.Vaults)
			recoveryPoints += len(r.RecoveryPoints)
		}
	}
	return vaults, recoveryPoints
}
