// Command llmbench-image writes llmbench's k6-operator runner image as an
// OCI image archive (see internal/image); `make image` runs it:
//
//	llmbench-image -binary bin/llmbench-static -busybox bin/busybox -o bin/llmbench-image.tar
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/llmbench/llmbench/internal/image"
)

func main() {
	var s image.Spec
	var out, arch string
	flag.StringVar(&s.Binary, "binary", "bin/llmbench-static", "the static llmbench binary (CGO_ENABLED=0)")
	flag.StringVar(&s.Busybox, "busybox", "bin/busybox", "a static busybox binary (Debian's busybox-static)")
	flag.StringVar(&s.CACerts, "ca-certs", "/etc/ssl/certs/ca-certificates.crt", "CA bundle to include (\"\" for none)")
	flag.StringVar(&s.Ref, "ref", "llmbench-runner:dev", "the image's reference name")
	flag.StringVar(&arch, "arch", runtime.GOARCH, "the image architecture")
	flag.StringVar(&out, "o", "bin/llmbench-image.tar", "the OCI image archive to write")
	flag.Parse()
	s.Created = time.Unix(0, 0).UTC()
	if s.CACerts != "" {
		if _, err := os.Stat(s.CACerts); err != nil {
			fmt.Fprintf(os.Stderr, "llmbench-image: no CA bundle (%v); https targets will fail certificate checks\n", err)
			s.CACerts = ""
		}
	}
	if err := run(s, arch, out); err != nil {
		fmt.Fprintln(os.Stderr, "llmbench-image:", err)
		os.Exit(1)
	}
}

func run(s image.Spec, arch, out string) error {
	img, err := image.Build(s, arch)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := image.WriteArchive(img, s.Ref, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	d, _ := img.Digest()
	fmt.Printf("%s: %s (%s)\n", out, s.Ref, d)
	return nil
}
