package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Format is an output format of a report.
type Format string

// The formats, chosen by the output file's extension.
const (
	Markdown Format = "markdown"
	HTML     Format = "html"
	JSON     Format = "json"
	PDF      Format = "pdf"
)

// FormatOf returns the format a file name asks for: .md, .html (or .htm),
// .json, .pdf; "" or "-" (standard output) is Markdown.
func FormatOf(path string) (Format, error) {
	if path == "" || path == "-" {
		return Markdown, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return Markdown, nil
	case ".html", ".htm":
		return HTML, nil
	case ".json":
		return JSON, nil
	case ".pdf":
		return PDF, nil
	}
	return "", fmt.Errorf("report output %q: the name must end in .md, .html, .json or .pdf", path)
}

// Write renders rep in format f.
func Write(w io.Writer, rep *Report, f Format) error {
	switch f {
	case HTML:
		return WriteHTML(w, rep)
	case JSON:
		return WriteJSON(w, rep)
	case PDF:
		return WritePDF(w, rep)
	default:
		return WriteMarkdown(w, rep)
	}
}

// WriteJSON writes the computed tables as indented JSON.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
