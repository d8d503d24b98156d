package js

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/exit"
)

// TestOpenRefusesDevices: open('/dev/zero') used to read forever, growing
// memory by hundreds of MB/s, and a signal could not stop it; it is now a
// script error that names the file.
func TestOpenRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Load(context.Background(), filepath.Join("testdata", "open_device.js"), newOptions(t, &syncBuffer{}))
	if exit.CodeOf(err) != exit.ScriptException || !strings.Contains(err.Error(), "/dev/zero is not a regular file") {
		t.Fatalf("Load = %v (exit %d), want a script error naming /dev/zero", err, exit.CodeOf(err))
	}
}
