package output

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// File is a buffered destination for a text output: a file (gzipped when
// its name ends in .gz) or the run's stdout for "" and "-".
type File struct {
	*bufio.Writer
	name string
	gz   *gzip.Writer
	f    *os.File
}

// OpenFile creates name (relative to p.Dir) for writing. "" and "-" mean
// p.Stdout, which Close flushes but does not close.
func OpenFile(p Params, name string) (*File, error) {
	if name == "" || name == "-" {
		w := p.Stdout
		if w == nil {
			w = io.Discard
		}
		return &File{Writer: bufio.NewWriterSize(w, 64<<10), name: "-"}, nil
	}
	path := name
	if !filepath.IsAbs(path) && p.Dir != "" {
		path = filepath.Join(p.Dir, path)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", name, err)
	}
	out := &File{name: name, f: f}
	if strings.HasSuffix(name, ".gz") {
		// BestSpeed: samples are written as they come, and the default level
		// costs about as much CPU as the rest of the output together.
		out.gz, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
		out.Writer = bufio.NewWriterSize(out.gz, 64<<10)
	} else {
		out.Writer = bufio.NewWriterSize(f, 64<<10)
	}
	return out, nil
}

// Name returns the file name as given ("-" for stdout).
func (f *File) Name() string { return f.name }

// Sync pushes buffered bytes to the file (and a gzip flush point), so that
// what is on disk ends with a complete line when every write did.
func (f *File) Sync() error {
	if err := f.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", f.name, err)
	}
	if f.gz != nil {
		if err := f.gz.Flush(); err != nil {
			return fmt.Errorf("writing %s: %w", f.name, err)
		}
	}
	return nil
}

// Close flushes everything and closes the file (not stdout).
func (f *File) Close() error {
	err := f.Flush()
	if f.gz != nil {
		err = errors.Join(err, f.gz.Close())
	}
	if f.f != nil {
		err = errors.Join(err, f.f.Close())
	}
	if err != nil {
		return fmt.Errorf("closing %s: %w", f.name, err)
	}
	return nil
}

// Lost records err as an output's first write error in *dst and logs it
// at once: results are being lost (a full disk, a read-only directory),
// which the user must learn when it happens, not only at the end; the run
// will end with exit 111 (exit.OutputFailed). Later errors are dropped.
func Lost(p Params, dst *error, err error) {
	if err == nil || *dst != nil {
		return
	}
	*dst = err
	p.Log().Error("results are being lost: " + err.Error() + "; the run will exit 111")
}
