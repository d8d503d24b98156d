package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPDF writes the two-run report as a PDF: a well-formed file with
// several pages, the same for the same report. With PDF_DIR set it is
// also kept there (CI renders its pages with pdftoppm and keeps them);
// where pdftotext exists the pages' text is checked for the tables.
func TestPDF(t *testing.T) {
	t.Parallel()
	rep := twoRuns(t)
	var a, b bytes.Buffer
	if err := WritePDF(&a, rep); err != nil {
		t.Fatal(err)
	}
	if err := WritePDF(&b, rep); err != nil {
		t.Fatal(err)
	}
	pdf := a.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
		t.Fatalf("not a PDF: %.20q … %.20q", pdf, pdf[max(0, len(pdf)-20):])
	}
	if !bytes.Equal(pdf, b.Bytes()) {
		t.Error("two writes of one report differ")
	}
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf, -1))
	if pages < 3 {
		t.Errorf("%d pages, want the overview, the charts and the tables (≥ 3)", pages)
	}
	dir := os.Getenv("PDF_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Logf("pdftotext not installed: the text check is skipped (%d pages, %d bytes)", pages, len(pdf))
		return
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"llmbench report", "Runs side by side", "baseline", "busy", "TTFT distribution (CDF)", "Latency", "Metric (ms)"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
}
