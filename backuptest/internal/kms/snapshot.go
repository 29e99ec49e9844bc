package kms

import (
	"maps"
	"slices"
)

// Snapshot is the store's saved form (backuptest's --state file). Import
// tokens from GetParametersForImport are not saved: after a restart,
// ImportKeyMaterial needs a new GetParametersForImport, as it does on AWS
// once a token expires.
type Snapshot struct {
	Keys    []Key             `json:"keys,omitempty"`
	Aliases map[string]string `json:"aliases,omitempty"`
	Stores  []CustomKeyStore  `json:"customKeyStores,omitempty"`
}

// Snapshot returns a copy of every key, alias and custom key store.
func (s *Store) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Snapshot{Aliases: maps.Clone(s.aliases)}
	for _, a := range slices.Sorted(maps.Keys(s.keys)) {
		k := *s.keys[a]
		k.imports, k.hashFor = nil, nil
		out.Keys = append(out.Keys, k)
	}
	for _, id := range slices.Sorted(maps.Keys(s.stores)) {
		out.Stores = append(out.Stores, *s.stores[id])
	}
	return out
}

// Restore replaces the store's contents with snap.
func (s *Store) Restore(snap Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys, s.aliases, s.stores = map[string]*Key{}, map[string]string{}, map[string]*CustomKeyStore{}
	for i := range snap.Keys {
		k := snap.Keys[i]
		if k.ARN != "" {
			s.keys[k.ARN] = &k
		}
	}
	maps.Copy(s.aliases, snap.Aliases)
	for i := range snap.Stores {
		c := snap.Stores[i]
		if c.ID != "" {
			s.stores[c.ID] = &c
		}
	}
}
