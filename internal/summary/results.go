package summary

import (
	"errors"
	"fmt"
	"io"
	"sort"
)

// WriteResults writes handleSummary's result: the "stdout" and "stderr"
// keys go to those streams, every other key is a file path opened with
// createFile (k6: O_WRONLY|O_CREATE|O_TRUNC, mode 0666, relative to the
// working directory). Keys are written in sorted order; one failure does not
// stop the others, and the errors are joined (k6 logs them and keeps the
// exit code).
func WriteResults(results map[string][]byte, stdout, stderr io.Writer, createFile func(path string) (io.WriteCloser, error)) error {
	keys := make([]string, 0, len(results))
	for k := range results {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		content := results[k]
		switch k {
		case "stdout":
			if _, err := stdout.Write(content); err != nil {
				errs = append(errs, fmt.Errorf("writing the summary to stdout: %w", err))
			}
		case "stderr":
			if _, err := stderr.Write(content); err != nil {
				errs = append(errs, fmt.Errorf("writing the summary to stderr: %w", err))
			}
		default:
			if err := writeFile(k, content, createFile); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func writeFile(path string, content []byte, createFile func(string) (io.WriteCloser, error)) error {
	f, err := createFile(path)
	if err != nil {
		return fmt.Errorf("creating summary file %s: %w", path, err)
	}
	_, werr := f.Write(content)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("writing summary file %s: %w", path, err)
	}
	return nil
}
