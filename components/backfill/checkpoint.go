package backfill

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Checkpoint is how many records of each input file the backend acknowledged.
type Checkpoint struct {
	path  string
	Files map[string]int `json:"files"` // absolute path → records acknowledged
}

// LoadCheckpoint reads path; a missing file is an empty checkpoint.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	c := &Checkpoint{path: path, Files: map[string]int{}}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, c); err != nil {
		return nil, fmt.Errorf("%s: not a checkpoint: %w", path, err)
	}
	if c.Files == nil {
		c.Files = map[string]int{}
	}
	return c, nil
}

// Done returns how many records of file were acknowledged.
func (c *Checkpoint) Done(file string) int { return c.Files[abs(file)] }

// Advance records that file's first n records were acknowledged and saves the checkpoint
// atomically (write, then rename), so a kill never leaves a torn file.
func (c *Checkpoint) Advance(file string, n int) error {
	c.Files[abs(file)] = n
	raw, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.path)
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
